"""Scorebooks, the consensus and the on-site list, through the services."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from applications import services as case_services
from applications.models import Case
from hengyang_award.core.models import AuditLog
from hengyang_award.jobs.models import OutboxMessage
from review.models import Assignment, Consensus, Scorebook, ScoreEntry
from review.services import scoring as services
from tests.review.scoring_support import (
    agree,
    another_case,
    document_review_case,
    entries,
    score,
)
from tests.shared import prepared_world, world_with_prepared_case

pytestmark = pytest.mark.django_db

shared = prepared_world("document_review")
world = world_with_prepared_case()


def _codes_of(exc) -> list[str]:
    return [error.code for error in exc.value.error_list]


# --- scorebooks -----------------------------------------------------------------


def test_scorebook_save_stores_percent_and_findings_as_draft(world):
    _case, (_leader, member, _third) = document_review_case(world)

    book = services.scorebook_save(
        member.pk,
        by=member.reviewer.user,
        entries={
            "4.1.2": {"percent": 65, "strengths": [" 战略清晰 ", ""], "opportunities": ["缺少对标"]}
        },
    )

    assert book.status == Scorebook.Status.DRAFT
    assert list(book.entries.values_list("item_code", "percent", "strengths", "opportunities")) == [
        ("4.1.2", 65, ["战略清晰"], ["缺少对标"])
    ]


def test_scorebook_save_again_replaces_the_item_keeps_the_others(world):
    _case, (_leader, member, _third) = document_review_case(world)
    user = member.reviewer.user
    services.scorebook_save(member.pk, by=user, entries=entries(50))

    services.scorebook_save(member.pk, by=user, entries={"4.1.2": {"percent": 70}})

    book = Scorebook.objects.get(assignment=member)
    assert book.entries.count() == 23
    assert book.entries.get(item_code="4.1.2").percent == 70
    assert book.entries.get(item_code="4.1.2").strengths == []
    assert book.entries.get(item_code="4.1.3").percent == 50


@pytest.mark.parametrize("bad", [62, 105, -5, "60", 57.5, True])
def test_scorebook_save_percent_outside_steps_refused(world, bad):
    _case, (_leader, member, _third) = document_review_case(world)

    with pytest.raises(ValidationError) as exc:
        services.scorebook_save(
            member.pk, by=member.reviewer.user, entries={"4.1.2": {"percent": bad}}
        )

    assert _codes_of(exc) == ["invalid_percent"]
    assert ScoreEntry.objects.filter(scorebook__assignment=member).exists() is False


def test_scorebook_save_unknown_item_refused(world):
    _case, (_leader, member, _third) = document_review_case(world)

    with pytest.raises(ValidationError) as exc:
        services.scorebook_save(
            member.pk, by=member.reviewer.user, entries={"9.9.9": {"percent": 50}}
        )

    assert _codes_of(exc) == ["unknown_item"]


def test_scorebook_save_by_another_reviewer_denied(world):
    _case, (leader, member, _third) = document_review_case(world)

    with pytest.raises(PermissionDenied):
        services.scorebook_save(member.pk, by=leader.reviewer.user, entries=entries(50))


def test_scorebook_save_on_ended_assignment_denied(world):
    _case, (_leader, member, _third) = document_review_case(world)
    Assignment.objects.filter(pk=member.pk).update(status=Assignment.Status.RECUSED)

    with pytest.raises(PermissionDenied):
        services.scorebook_save(member.pk, by=member.reviewer.user, entries=entries(50))


def test_scorebook_submit_incomplete_refused_names_missing_items(world):
    _case, (_leader, member, _third) = document_review_case(world)
    user = member.reviewer.user
    partial = entries(50)
    partial["4.7.7"]["percent"] = None
    del partial["4.1.3"]
    services.scorebook_save(member.pk, by=user, entries=partial)

    with pytest.raises(ValidationError) as exc:
        services.scorebook_submit(member.pk, by=user)

    assert exc.value.messages == ["评分表尚未完成，以下评分项还没有评分：4.1.3、4.7.7。"]
    assert Scorebook.objects.get(assignment=member).status == Scorebook.Status.DRAFT


def test_scorebook_submit_complete_locks_and_audits(world):
    case, (_leader, member, _third) = document_review_case(world)
    user = member.reviewer.user
    services.scorebook_save(member.pk, by=user, entries=entries(60, _4_7_2=80))

    book = services.scorebook_submit(member.pk, by=user)

    assert book.status == Scorebook.Status.SUBMITTED
    assert book.submitted_at is not None
    assert list(
        AuditLog.objects.filter(action="review.scorebook_submit").values_list(
            "actor", "object_id", "detail"
        )
    ) == [(user.pk, str(book.pk), {"case": case.pk, "total": "616.00"})]


def test_scorebook_save_after_submission_refused(world):
    _case, (_leader, member, _third) = document_review_case(world)
    score(member, 60)

    with pytest.raises(ValidationError) as exc:
        services.scorebook_save(member.pk, by=member.reviewer.user, entries=entries(90))

    assert _codes_of(exc) == ["locked"]
    assert set(
        ScoreEntry.objects.filter(scorebook__assignment=member).values_list("percent", flat=True)
    ) == {60}


def test_scorebook_submit_twice_refused_one_record(world):
    _case, (_leader, member, _third) = document_review_case(world)
    score(member, 60)
    first = Scorebook.objects.get(assignment=member).submitted_at

    with pytest.raises(ValidationError) as exc:
        services.scorebook_submit(member.pk, by=member.reviewer.user)

    assert _codes_of(exc) == ["already_submitted"]
    assert Scorebook.objects.filter(assignment=member).count() == 1
    assert Scorebook.objects.get(assignment=member).submitted_at == first
    assert AuditLog.objects.filter(action="review.scorebook_submit").count() == 1


def test_scorebook_last_submission_notifies_the_leader_once(world):
    from hengyang_award.notifications.models import Notification

    _case, (leader, member, third) = document_review_case(world)
    score(member)
    score(third)

    score(leader)

    assert list(
        Notification.objects.filter(kind="review.scorebooks_complete").values_list(
            "recipient", flat=True
        )
    ) == [leader.reviewer.user.pk]


def test_scorebook_save_after_case_left_document_review_refused(world):
    case, (leader, member, third) = document_review_case(world)
    for a in (leader, third):
        score(a)
    score(member)
    agree(case, leader)
    services.shortlist_apply(world.cycle.pk, by=world.office, case_ids_in=[case.pk], note="")

    with pytest.raises(ValidationError) as exc:
        services.scorebook_save(member.pk, by=member.reviewer.user, entries=entries(50))

    assert _codes_of(exc) == ["wrong_state"]


# --- consensus ------------------------------------------------------------------


def test_consensus_submit_before_all_scorebooks_blocked_names_missing(world):
    case, (leader, _member, _third) = document_review_case(world)
    score(leader)
    services.consensus_save(case.pk, by=leader.reviewer.user, entries=entries(60, reason=""))

    with pytest.raises(ValidationError) as exc:
        services.consensus_submit(case.pk, by=leader.reviewer.user)

    assert exc.value.messages == ["以下评审员尚未提交评分表：李评审、王评审。"]
    assert Consensus.objects.get(case=case).status == Consensus.Status.DRAFT


def test_consensus_by_a_member_denied(world):
    case, (_leader, member, _third) = document_review_case(world)

    with pytest.raises(PermissionDenied):
        services.consensus_save(case.pk, by=member.reviewer.user, entries=entries(60))
    with pytest.raises(PermissionDenied):
        services.consensus_submit(case.pk, by=member.reviewer.user)


def test_consensus_submit_incomplete_refused(world):
    case, (leader, member, third) = document_review_case(world)
    for a in (leader, member, third):
        score(a)
    services.consensus_save(case.pk, by=leader.reviewer.user, entries={"4.1.2": {"percent": 60}})

    with pytest.raises(ValidationError) as exc:
        services.consensus_submit(case.pk, by=leader.reviewer.user)

    assert _codes_of(exc) == ["incomplete"]
    assert exc.value.messages[0].startswith("以下评分项尚未确定共识百分比：4.1.3、4.1.4、")


def test_consensus_departing_beyond_margin_needs_reason(world):
    case, (leader, member, third) = document_review_case(world)
    score(leader, 60, _4_1_2=40)
    score(member, 60, _4_1_2=50)
    score(third, 60, _4_1_2=70)
    # median of 4.1.2 = 50; 75 departs by 25 > 20; 4.1.3 at 80 departs from 60 by 20: allowed
    user = leader.reviewer.user
    services.consensus_save(case.pk, by=user, entries=entries(60, reason="", _4_1_2=75, _4_1_3=80))

    with pytest.raises(ValidationError) as exc:
        services.consensus_submit(case.pk, by=user)

    assert exc.value.messages == [
        "以下评分项的共识百分比与评审员评分的中位数相差超过20个百分点，请填写理由：4.1.2。"
    ]


def test_consensus_margin_is_the_cycles(world):
    world.cycle.consensus_margin_percent = 30
    world.cycle.save(update_fields=["consensus_margin_percent"])
    case, (leader, member, third) = document_review_case(world)
    for a in (leader, member, third):
        score(a, 60, _4_1_2=50)

    agree(case, leader, 60, _4_1_2=75)

    assert Consensus.objects.get(case=case).status == Consensus.Status.SUBMITTED


def test_consensus_submit_stores_total_locks_and_audits(world):
    case, (leader, member, third) = document_review_case(world)
    score(leader, 60, _4_1_2=40)
    score(member, 60, _4_1_2=50)
    score(third, 60, _4_1_2=70)
    user = leader.reviewer.user
    reasons = entries(60, reason="")
    reasons["4.1.2"].update(percent=80, reason="现场证据表明高层领导作用突出。")
    reasons["4.7.2"]["percent"] = 75
    services.consensus_save(case.pk, by=user, entries=reasons)

    consensus = services.consensus_submit(case.pk, by=user)

    # 600 − 50×60% + 50×80% − 80×60% + 80×75% = 600 − 30 + 40 − 48 + 60 = 622
    assert consensus.status == Consensus.Status.SUBMITTED
    assert consensus.total == Decimal("622.00")
    assert consensus.leader == leader.reviewer
    assert list(
        AuditLog.objects.filter(action="review.consensus_submit").values_list("actor", "detail")
    ) == [(user.pk, {"case": case.pk, "total": "622.00"})]
    with pytest.raises(ValidationError):
        services.consensus_save(case.pk, by=user, entries=entries(90, reason=""))


def test_consensus_ignores_scorebooks_of_ended_assignments(world):
    case, (leader, member, third) = document_review_case(world)
    score(leader)
    score(member)
    Assignment.objects.filter(pk=third.pk).update(status=Assignment.Status.RECUSED)

    agree(case, leader)

    assert Consensus.objects.get(case=case).total == Decimal("600.00")


# --- shortlist ------------------------------------------------------------------


def _complete(case, group, percent=60):
    for a in group:
        score(a, percent)
    agree(case, group[0], percent)


def test_shortlist_without_consensus_blocked_by_condition(world):
    case, _group = document_review_case(world)

    with pytest.raises(case_services.TransitionBlocked) as exc:
        case_services.case_transition(case.pk, "shortlist", by=world.office)

    assert exc.value.reasons == ["资料评审组组长尚未提交共识评分。"]


def test_shortlist_apply_fires_transitions_and_queues_feedback(world):
    high, high_group = document_review_case(world)
    low, low_group = another_case(world)
    _complete(high, high_group, 60)
    _complete(low, low_group, 40)

    result = services.shortlist_apply(
        world.cycle.pk, by=world.office, case_ids_in=[high.pk], note="资料评审得分未达现场评审线。"
    )

    assert result == services.ShortlistResult(shortlisted=[high.pk], not_shortlisted=[low.pk])
    assert Case.objects.get(pk=high.pk).state == "onsite_review"
    assert Case.objects.get(pk=low.pk).state == "not_shortlisted"
    assert list(low.events.order_by("pk").values_list("name", "actor", "note"))[-1] == (
        "not_shortlist",
        world.office.pk,
        "资料评审得分未达现场评审线。",
    )
    assert list(high.events.order_by("pk").values_list("name", flat=True))[-1] == "shortlist"
    assert list(
        OutboxMessage.objects.filter(
            task="pdf.render_case_document", kwargs__kind="feedback_report"
        ).values_list("kwargs", "dedupe_key")
    ) == [
        (
            {"case_id": low.pk, "kind": "feedback_report"},
            f"document:{low.pk}:feedback_report:{low.submission_round}",
        )
    ]
    assert list(
        AuditLog.objects.filter(action="review.shortlist_apply").values_list("detail", flat=True)
    ) == [
        {
            "shortlisted": [high.pk],
            "not_shortlisted": [low.pk],
            "note": "资料评审得分未达现场评审线。",
        }
    ]


def test_shortlist_apply_pending_consensus_blocked_with_names(world):
    done, done_group = document_review_case(world)
    waiting, _waiting_group = another_case(world)
    _complete(done, done_group)

    with pytest.raises(ValidationError) as exc:
        services.shortlist_apply(world.cycle.pk, by=world.office, case_ids_in=[done.pk], note="")

    assert exc.value.messages == [
        f"以下案卷的资料评审共识评分尚未提交，暂不能确定现场评审名单：{waiting.organisation.name}。"
    ]
    assert Case.objects.get(pk=done.pk).state == "document_review"


def test_shortlist_apply_respects_the_cycles_maximum(world):
    world.cycle.onsite_shortlist_max = 1
    world.cycle.save(update_fields=["onsite_shortlist_max"])
    first, first_group = document_review_case(world)
    second, second_group = another_case(world)
    _complete(first, first_group)
    _complete(second, second_group)

    with pytest.raises(ValidationError) as exc:
        services.shortlist_apply(
            world.cycle.pk, by=world.office, case_ids_in=[first.pk, second.pk], note=""
        )

    assert _codes_of(exc) == ["too_many"]


def test_shortlist_apply_below_threshold_refused(world):
    case, group = document_review_case(world)
    _complete(case, group, 40)

    with pytest.raises(ValidationError) as exc:
        services.shortlist_apply(world.cycle.pk, by=world.office, case_ids_in=[case.pk], note="")

    assert exc.value.messages == [
        f"以下组织的资料评审得分低于本届进入现场评审的最低分（500分）：{case.organisation.name}。"
    ]


def test_shortlist_apply_not_shortlisted_need_a_note(world):
    case, group = document_review_case(world)
    _complete(case, group, 40)

    with pytest.raises(ValidationError) as exc:
        services.shortlist_apply(world.cycle.pk, by=world.office, case_ids_in=[], note=" ")

    assert _codes_of(exc) == ["note_required"]


def test_shortlist_apply_by_a_reviewer_denied(world):
    case, group = document_review_case(world)
    _complete(case, group)

    with pytest.raises(PermissionDenied):
        services.shortlist_apply(
            world.cycle.pk, by=group[0].reviewer.user, case_ids_in=[case.pk], note=""
        )


# --- visibility -----------------------------------------------------------------


def test_scorebooks_visible_to_follow_submission_and_role(world):
    from review.selectors_scoring import scorebooks_visible_to

    case, (leader, member, third) = document_review_case(world)
    score(leader, 60)
    services.scorebook_save(member.pk, by=member.reviewer.user, entries=entries(50))
    services.scorebook_save(third.pk, by=third.reviewer.user, entries=entries(70))

    def names(user) -> list[str]:
        return [b.assignment.reviewer.name for b in scorebooks_visible_to(user, case)]

    assert names(member.reviewer.user) == ["李评审"]  # own draft only
    assert names(leader.reviewer.user) == ["张组长"]  # submitted ones only
    assert names(world.office) == ["张组长"]
    assert names(world.applicant) == []
    services.scorebook_submit(member.pk, by=member.reviewer.user)
    assert names(member.reviewer.user) == ["张组长", "李评审"]
    assert names(leader.reviewer.user) == ["张组长", "李评审"]


# --- audit (DA-1): every score saved has its record ---------------------------------


def test_scorebook_save_and_consensus_save_audited_with_the_percentages_set(world):
    case, (leader, member, _third) = document_review_case(world)

    services.scorebook_save(member.pk, by=member.reviewer.user, entries={"4.1.2": {"percent": 65}})
    services.consensus_save(
        case.pk, by=leader.reviewer.user, entries={"4.1.2": {"percent": 55, "reason": ""}}
    )

    rows = AuditLog.objects.filter(
        action__in=["review.scorebook_save", "review.consensus_save"]
    ).order_by("pk")
    assert [(r.action, r.actor, r.detail["case"], r.detail["percents"]) for r in rows] == [
        ("review.scorebook_save", member.reviewer.user, case.pk, {"4.1.2": 65}),
        ("review.consensus_save", leader.reviewer.user, case.pk, {"4.1.2": 55}),
    ]


def test_scorebook_save_refused_leaves_no_record(world):
    _case, (_leader, member, _third) = document_review_case(world)

    with pytest.raises(ValidationError):
        services.scorebook_save(
            member.pk, by=member.reviewer.user, entries={"4.1.2": {"percent": 63}}
        )

    assert not AuditLog.objects.filter(action="review.scorebook_save").exists()
