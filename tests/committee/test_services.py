"""The committee's services through the real workflow: nomination rules,
declarations and recusal, secret ballots, quorum, tallies, the resolution and
its adoption."""

import pytest
from django.core.exceptions import ValidationError

from applications.selectors import cases_visible_to
from applications.services import TransitionBlocked, fire
from committee import selectors, services
from committee.models import BallotCast, Resolution, ResolutionEntry, RoundItem, Vote
from hengyang_award.core.models import AuditLog, AwardCycle
from tests.factories import World
from tests.factories.committee import (
    COMPARISON,
    committee_of,
    declare_none,
    evaluation_case,
    meeting_for,
    recuse,
)

pytestmark = pytest.mark.django_db


def _vote_all(round_, members, case, choices):
    for member, choice in zip(members, choices, strict=True):
        services.vote_cast(round_.pk, by=member.user, case_id=case.pk, choice=choice)


# --- comprehensive evaluation -----------------------------------------------------
def test_nominate_below_pass_score_refused_with_both_numbers(committee):
    case = evaluation_case(committee.world, percent=55)
    services.evaluation_comparison_save(
        committee.cycle.pk, by=committee.office, comparison=COMPARISON
    )

    with pytest.raises(TransitionBlocked) as exc:
        services.evaluation_decide(case.pk, by=committee.office, nominate=True)

    assert exc.value.reasons == [
        "现场评审总分550.00分，低于本届获奖最低总分600分，不能列为获奖候选。"
    ]
    case.refresh_from_db()
    assert case.state == "evaluation"


def test_nominate_without_comparison_refused(committee):
    case = evaluation_case(committee.world, percent=70)

    with pytest.raises(TransitionBlocked) as exc:
        services.evaluation_decide(case.pk, by=committee.office, nominate=True)

    assert exc.value.reasons == ["评审办尚未填写本届综合评价意见（各组织的书面比较）。"]


def test_comparison_save_empty_refused_and_change_audited(committee):
    with pytest.raises(ValidationError):
        services.evaluation_comparison_save(committee.cycle.pk, by=committee.office, comparison=" ")

    services.evaluation_comparison_save(committee.cycle.pk, by=committee.office, comparison="甲")
    services.evaluation_comparison_save(committee.cycle.pk, by=committee.office, comparison="乙")

    rows = AuditLog.objects.filter(action="committee.comparison_save").order_by("pk")
    assert [(r.detail["comparison"], r.detail["previous"]) for r in rows] == [
        ("甲", ""),
        ("乙", "甲"),
    ]


def test_pass_over_needs_a_note_and_all_passed_over_is_valid(committee):
    case = evaluation_case(committee.world, percent=70)
    services.evaluation_comparison_save(
        committee.cycle.pk, by=committee.office, comparison=COMPARISON
    )

    with pytest.raises(TransitionBlocked):
        services.evaluation_decide(case.pk, by=committee.office, nominate=False)
    services.evaluation_decide(
        case.pk, by=committee.office, nominate=False, note="综合比较后不推荐"
    )

    case.refresh_from_db()
    assert case.state == "not_selected"


def test_nominate_grants_the_cycles_committee_only(committee):
    other_cycle_member = committee_of(World().cycle, office=committee.office, members=1)[1].user

    case = committee.candidate()

    for member in committee.members:
        assert cases_visible_to(member.user).filter(pk=case.pk).exists()
    assert not cases_visible_to(other_cycle_member).filter(pk=case.pk).exists()
    assert list(selectors.candidates_for_member(other_cycle_member)) == []


# --- declarations -----------------------------------------------------------------
def test_declaration_conflict_recuses_and_closes_the_file(committee):
    case = committee.candidate()
    member = committee.members[1]

    recuse(member, case)

    assert selectors.is_recused(member, case)
    assert not cases_visible_to(member.user).filter(pk=case.pk).exists()
    with pytest.raises(ValidationError):
        services.declaration_make(case.pk, by=member.user, has_conflict=False)


def test_declaration_of_none_refused_when_member_works_for_applicant(committee):
    case = committee.candidate()
    member = committee.members[1]
    member.user.organisation = case.organisation
    member.user.save(update_fields=["organisation"])

    with pytest.raises(ValidationError) as exc:
        services.declaration_make(case.pk, by=member.user, has_conflict=False)

    assert "委员本人是申报组织的用户" in exc.value.messages[0]


def test_case_file_gate_sends_undeclared_and_recused_members_to_declaration(committee):
    case = committee.candidate()
    declared, recused, undeclared = committee.members[1:4]
    declare_none([declared], case)
    recuse(recused, case)

    assert selectors.case_file_gate(declared.user, case) is None
    assert (
        selectors.case_file_gate(undeclared.user, case)
        == f"/committee/my/candidates/{case.pk}/declaration/"
    )
    assert (
        selectors.case_file_gate(recused.user, case)
        == f"/committee/my/candidates/{case.pk}/declaration/"
    )
    assert selectors.case_file_gate(committee.office, case) is None


# --- ballots --------------------------------------------------------------------
def _ballot(committee, *, present=None):
    case = committee.candidate()
    meeting = meeting_for(committee.cycle, office=committee.office, present=present)
    return case, meeting


def test_vote_twice_stores_one_ballot(committee):
    case, meeting = _ballot(committee)
    member = committee.members[1]
    declare_none([member], case)
    round_ = services.round_open(meeting.pk, by=committee.office)

    services.vote_cast(round_.pk, by=member.user, case_id=case.pk, choice="approve")
    with pytest.raises(ValidationError) as exc:
        services.vote_cast(round_.pk, by=member.user, case_id=case.pk, choice="oppose")

    assert exc.value.messages == ["您已就该候选组织在本轮投过票，每人每轮只能投一票。"]
    assert BallotCast.objects.filter(round=round_).count() == 1
    assert list(Vote.objects.filter(round=round_).values_list("choice", flat=True)) == ["approve"]


def test_vote_while_recused_refused(committee):
    case, meeting = _ballot(committee)
    member = committee.members[1]
    recuse(member, case)
    round_ = services.round_open(meeting.pk, by=committee.office)

    with pytest.raises(ValidationError) as exc:
        services.vote_cast(round_.pk, by=member.user, case_id=case.pk, choice="approve")

    assert exc.value.messages == ["您已就该候选组织申报回避，不能对其投票。"]
    assert not Vote.objects.exists()


def test_vote_when_absent_refused(committee):
    case, meeting = _ballot(committee, present=committee.members[:4])
    absent = committee.members[4]
    declare_none([absent], case)
    round_ = services.round_open(meeting.pk, by=committee.office)

    with pytest.raises(ValidationError) as exc:
        services.vote_cast(round_.pk, by=absent.user, case_id=case.pk, choice="approve")

    assert exc.value.messages == ["出席记录显示您未出席本次会议，不能投票。"]


def test_vote_before_declaring_refused(committee):
    case, meeting = _ballot(committee)
    round_ = services.round_open(meeting.pk, by=committee.office)

    with pytest.raises(ValidationError):
        services.vote_cast(
            round_.pk, by=committee.members[1].user, case_id=case.pk, choice="approve"
        )


def test_vote_by_member_of_another_cycle_refused(committee):
    from django.core.exceptions import PermissionDenied

    case, meeting = _ballot(committee)
    stranger = committee_of(World().cycle, office=committee.office, members=1)[1]
    round_ = services.round_open(meeting.pk, by=committee.office)

    with pytest.raises(PermissionDenied):
        services.vote_cast(round_.pk, by=stranger.user, case_id=case.pk, choice="approve")


def test_vote_cast_audit_names_the_member_never_the_choice(committee):
    case, meeting = _ballot(committee)
    member = committee.members[1]
    declare_none([member], case)
    round_ = services.round_open(meeting.pk, by=committee.office)

    services.vote_cast(round_.pk, by=member.user, case_id=case.pk, choice="oppose")

    row = AuditLog.objects.get(action="committee.ballot_cast")
    assert row.actor == member.user
    assert row.detail == {"case": case.pk, "member": member.pk}


def test_round_close_without_quorum_refused_with_numbers(committee):
    # 5 members, one recused: 4 eligible, quorum ceil(4 × 2/3) = 3; only 2 present.
    case, meeting = _ballot(committee, present=committee.members[:2])
    recuse(committee.members[4], case)
    round_ = services.round_open(meeting.pk, by=committee.office)

    with pytest.raises(ValidationError) as exc:
        services.round_close(round_.pk, by=committee.office)

    org = case.organisation.name
    assert exc.value.messages == [
        f"未达到法定人数，不能结束投票：{org}：应参加表决4人，法定人数3人，出席且未回避2人。"
    ]
    round_.refresh_from_db()
    assert round_.closed_at is None


def test_round_close_tally_counts_recusals_and_abstentions(committee):
    # 5 members: one recused, four present: approve, approve, abstain, no ballot.
    case, meeting = _ballot(committee)
    director, a, b, c, recused = committee.members
    recuse(recused, case)
    declare_none([director, a, b, c], case)
    round_ = services.round_open(meeting.pk, by=committee.office)
    _vote_all(round_, [director, a, b], case, ["approve", "approve", "abstain"])

    resolution = services.round_close(round_.pk, by=committee.office)

    item = RoundItem.objects.get(round=round_)
    assert (item.eligible, item.quorum, item.present) == (4, 3, 4)
    assert (item.approve, item.oppose, item.abstain, item.not_cast) == (2, 0, 1, 1)
    assert item.passed is False  # 2 of 4 is not more than half
    entry = resolution.entries.get()
    assert entry.outcome == ResolutionEntry.Outcome.NOT_SELECTED
    assert resolution.complete


def test_round_close_two_thirds_rule(committee):
    AwardCycle.objects.filter(pk=committee.cycle.pk).update(committee_majority="two_thirds")
    case, meeting = _ballot(committee)
    declare_none(committee.members, case)
    round_ = services.round_open(meeting.pk, by=committee.office)
    _vote_all(round_, committee.members, case, ["approve"] * 3 + ["oppose"] * 2)

    services.round_close(round_.pk, by=committee.office)

    assert RoundItem.objects.get(round=round_).passed is False  # 3/5 < 2/3


def test_tally_hidden_while_round_open(committee):
    case, meeting = _ballot(committee)
    declare_none(committee.members, case)
    round_ = services.round_open(meeting.pk, by=committee.office)
    _vote_all(round_, committee.members[:2], case, ["approve", "oppose"])

    item = RoundItem.objects.get(round=round_)

    assert (item.approve, item.oppose, item.abstain) == (None, None, None)
    assert not Resolution.objects.filter(meeting=meeting).exists()


# --- resolution, adoption, limits --------------------------------------------------
def _decide(committee, cases, approvals: dict):
    """One meeting on `cases`; approvals[case] members (from the first) approve,
    the rest oppose; the round is closed."""
    meeting = meeting_for(committee.cycle, office=committee.office)
    for case in cases:
        declare_none(committee.members, case)
    round_ = services.round_open(meeting.pk, by=committee.office)
    for case in cases:
        n = approvals[case.pk]
        _vote_all(round_, committee.members, case, ["approve"] * n + ["oppose"] * (5 - n))
    return meeting, services.round_close(round_.pk, by=committee.office)


def test_adopt_proposes_winners_and_rejects_others_with_tally_note(committee):
    winner, loser = committee.candidate(percent=70), committee.candidate(percent=65)
    meeting, _resolution = _decide(committee, [winner, loser], {winner.pk: 4, loser.pk: 2})

    services.resolution_adopt(meeting.pk, by=committee.director.user)

    winner.refresh_from_db()
    loser.refresh_from_db()
    assert (winner.state, loser.state) == ("proposed", "not_selected")
    note = loser.events.get(name="committee_reject").note
    assert (
        note
        == "评委会表决未通过：应参加表决5人，出席且未回避5人；赞成2票，反对3票，弃权0票，未投票0人"
    )
    assert AuditLog.objects.filter(action="committee.resolution_adopt").count() == 1


def test_adopt_by_director_of_no_cycle_refused(committee):
    from django.core.exceptions import PermissionDenied

    case = committee.candidate()
    meeting, _resolution = _decide(committee, [case], {case.pk: 5})

    with pytest.raises(PermissionDenied):
        services.resolution_adopt(meeting.pk, by=committee.world.director)


def test_no_winner_outcome_rejects_every_candidate(committee):
    cases = [committee.candidate(), committee.candidate()]
    meeting, resolution = _decide(committee, cases, {cases[0].pk: 1, cases[1].pk: 0})

    services.resolution_adopt(meeting.pk, by=committee.director.user)

    assert resolution.complete
    assert {c.state for c in type(cases[0]).objects.filter(pk__in=[c.pk for c in cases])} == {
        "not_selected"
    }


def test_propose_beyond_max_winners_refused(committee):
    AwardCycle.objects.filter(pk=committee.cycle.pk).update(max_winners=1)
    first, second = committee.candidate(), committee.candidate()
    _meeting, _resolution = _decide(committee, [first, second], {first.pk: 5, second.pk: 4})
    # Force the second's decision as if a resolution had passed it: the cap still holds.
    fire(first.pk, "propose", by=committee.director.user)
    ResolutionEntry.objects.filter(case=second).update(outcome="proposed")

    with pytest.raises(TransitionBlocked) as exc:
        fire(second.pk, "propose", by=committee.director.user)

    assert exc.value.reasons == [
        "本届已有1个拟获奖或获奖组织，达到获奖组织上限1个，不能再确定拟获奖组织。"
    ]


def test_tie_at_boundary_broken_by_onsite_total(committee):
    AwardCycle.objects.filter(pk=committee.cycle.pk).update(
        max_winners=1, tie_break_onsite_first=True
    )
    low, high = committee.candidate(percent=65), committee.candidate(percent=75)

    _meeting, resolution = _decide(committee, [low, high], {low.pk: 4, high.pk: 4})

    outcomes = dict(resolution.entries.values_list("case_id", "outcome"))
    assert outcomes == {high.pk: "proposed", low.pk: "not_selected"}


def test_tie_without_onsite_rule_goes_to_runoff_among_the_tied(committee):
    AwardCycle.objects.filter(pk=committee.cycle.pk).update(
        max_winners=1, tie_break_onsite_first=False
    )
    a, b = committee.candidate(percent=65), committee.candidate(percent=75)
    meeting, resolution = _decide(committee, [a, b], {a.pk: 4, b.pk: 4})
    assert not resolution.complete
    assert sorted(resolution.runoff_case_ids) == sorted([a.pk, b.pk])
    with pytest.raises(ValidationError):
        services.resolution_adopt(meeting.pk, by=committee.director.user)

    runoff = services.runoff_open(meeting.pk, by=committee.office)
    _vote_all(runoff, committee.members, a, ["approve"] * 3 + ["oppose"] * 2)
    _vote_all(runoff, committee.members, b, ["approve"] * 2 + ["oppose"] * 3)
    resolution = services.round_close(runoff.pk, by=committee.office)

    assert resolution.complete
    assert dict(resolution.entries.values_list("case_id", "outcome")) == {
        a.pk: "proposed",
        b.pk: "not_selected",
    }
    assert set(RoundItem.objects.filter(round=runoff).values_list("case_id", flat=True)) == {
        a.pk,
        b.pk,
    }


def test_committee_reject_needs_a_resolution(committee):
    case = committee.candidate()

    with pytest.raises(TransitionBlocked) as exc:
        fire(case.pk, "committee_reject", by=committee.director.user, note="x")

    assert exc.value.reasons == ["评委会表决结果并未否决该组织（或尚未表决、待决胜投票）。"]


def test_sent_back_candidate_must_be_decided_again(committee):
    from tests.factories import PATH_TO

    case = committee.candidate()
    meeting, _resolution = _decide(committee, [case], {case.pk: 5})
    services.resolution_adopt(meeting.pk, by=committee.director.user)
    world = committee.world
    case = world.drive(case, PATH_TO["director_review"][len(PATH_TO["proposed"]) :])
    case = fire(case.pk, "director_send_back", by=committee.director.user, note="请复议")
    assert case.state == "candidate"

    with pytest.raises(TransitionBlocked):
        fire(case.pk, "propose", by=committee.director.user)

    meeting2 = meeting_for(committee.cycle, office=committee.office)
    round_ = services.round_open(meeting2.pk, by=committee.office)
    _vote_all(round_, committee.members, case, ["oppose"] * 5)
    services.round_close(round_.pk, by=committee.office)
    services.resolution_adopt(meeting2.pk, by=committee.director.user)
    case.refresh_from_db()
    assert case.state == "not_selected"


# --- minutes ---------------------------------------------------------------------
def test_minutes_render_once_after_adoption(committee, django_capture_on_commit_callbacks):
    from committee.models import Minutes
    from hengyang_award.jobs.models import OutboxMessage

    case = committee.candidate()
    meeting, _resolution = _decide(committee, [case], {case.pk: 5})
    services.resolution_adopt(meeting.pk, by=committee.director.user)
    queued = OutboxMessage.objects.filter(task="committee.render_minutes")
    assert [m.kwargs for m in queued] == [{"meeting_id": meeting.pk}]

    first = services.minutes_render(meeting.pk)
    second = services.minutes_render(meeting.pk)

    assert first.pk == second.pk
    assert Minutes.objects.count() == 1
    with first.file.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"


def test_attendance_locked_while_round_open(committee):
    _case, meeting = _ballot(committee)
    services.round_open(meeting.pk, by=committee.office)

    with pytest.raises(ValidationError):
        services.attendance_record(meeting.pk, by=committee.office, present_ids=[])


def test_meeting_needs_dispatch(committee):
    committee.candidate()

    with pytest.raises(ValidationError) as exc:
        services.meeting_create(
            committee.cycle.pk,
            by=committee.office,
            held_on=committee.cycle.reference_date,
            place="x",
        )

    assert exc.value.messages == ["获奖候选名单尚未送评委会，不能召开评委会会议。"]


def test_meeting_create_notifies_members(committee):
    from hengyang_award.notifications.models import Notification

    committee.candidate()
    meeting = meeting_for(committee.cycle, office=committee.office)

    told = set(
        Notification.objects.filter(kind="committee.meeting").values_list("recipient", flat=True)
    )
    assert told == {m.user_id for m in committee.members}
    assert meeting.agenda.count() == 1
