"""The committee's pages: who may open what (404 for meetings and candidates of
another cycle, 403 for the wrong role), the evaluation, declarations, the
ballot, the tally, the director's decision and the minutes; ballot secrecy in
every page, the minutes and the admin."""

import re

import pytest
from django.contrib import admin
from django.db import transaction
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from applications.models import Case
from committee import services
from committee.models import BallotCast, Vote
from committee.pdf import minutes_context
from tests.factories import World, make_user
from tests.factories.committee import (
    COMPARISON,
    committee_of,
    declare_none,
    evaluation_case,
    meeting_for,
)

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def scene(committee):
    """A candidate, a meeting with everyone present, and a committee member of
    another cycle."""
    case = committee.candidate()
    meeting = meeting_for(committee.cycle, office=committee.office)
    stranger = committee_of(World().cycle, office=committee.office, members=1)[1]
    return committee, case, meeting, stranger


OFFICE_PAGES = [
    ("committee:evaluation", False),
    ("committee:members", False),
    ("committee:meetings", False),
    ("committee:meeting", True),
]


@pytest.mark.parametrize(("name", "with_meeting"), OFFICE_PAGES)
def test_office_pages_office_200_member_403_anonymous_login(scene, name, with_meeting):
    committee, _case, meeting, _stranger = scene
    url = reverse(name, args=[meeting.pk] if with_meeting else [])

    assert login(committee.office).get(url).status_code == 200
    assert login(committee.members[1].user).get(url).status_code == 403
    assert login(committee.world.applicant).get(url).status_code == 403
    assert Client().get(url).status_code == 302


@pytest.mark.parametrize("name", ["committee:member_meeting", "committee:ballot"])
def test_member_meeting_pages_own_cycle_200_other_cycle_404(scene, name):
    committee, _case, meeting, stranger = scene
    url = reverse(name, args=[meeting.pk])

    assert login(committee.members[1].user).get(url).status_code == 200
    assert login(stranger.user).get(url).status_code == 404


def test_declare_page_other_cycle_member_404_office_404(scene):
    committee, case, _meeting, stranger = scene
    url = reverse("committee:declare", args=[case.pk])

    assert login(committee.members[1].user).get(url).status_code == 200
    assert login(stranger.user).get(url).status_code == 404
    assert login(committee.office).get(url).status_code == 404


def test_my_meetings_and_candidates_only_own_cycle(scene):
    committee, case, meeting, stranger = scene

    mine = login(committee.members[1].user).get(reverse("committee:candidates"))
    theirs = login(stranger.user).get(reverse("committee:candidates"))
    their_meetings = login(stranger.user).get(reverse("committee:my_meetings"))

    assert case.organisation.name in mine.content.decode()
    assert case.organisation.name not in theirs.content.decode()
    assert (
        reverse("committee:member_meeting", args=[meeting.pk])
        not in their_meetings.content.decode()
    )
    assert login(committee.world.applicant).get(reverse("committee:my_meetings")).status_code == 403


def test_declare_then_case_file_opens_undeclared_redirected(scene):
    committee, case, _meeting, _stranger = scene
    member, other = committee.members[1], committee.members[2]
    client = login(member.user)
    detail = reverse("applications:case_detail", args=[case.pk])

    assert login(other.user).get(detail).url == reverse("committee:declare", args=[case.pk])
    response = client.post(reverse("committee:declare", args=[case.pk]), {"answer": "none"})

    assert response.status_code == 302
    assert client.get(detail).status_code == 200


def test_declare_conflict_without_grounds_keeps_input(scene):
    committee, case, _meeting, _stranger = scene

    response = login(committee.members[1].user).post(
        reverse("committee:declare", args=[case.pk]),
        {"answer": "conflict", "description": "曾为其做过质量诊断"},
    )

    assert response.status_code == 400
    body = response.content.decode()
    assert "请选择利害关系类型。" in body
    assert "曾为其做过质量诊断" in body


def test_recused_member_loses_case_file(scene):
    committee, case, _meeting, _stranger = scene
    client = login(committee.members[1].user)

    client.post(
        reverse("committee:declare", args=[case.pk]),
        {"answer": "conflict", "grounds": "consulting", "description": "咨询"},
    )

    assert client.get(reverse("applications:case_detail", args=[case.pk])).status_code == 404


def test_ballot_post_casts_once(scene):
    committee, case, meeting, _stranger = scene
    member = committee.members[1]
    declare_none([member], case)
    round_ = services.round_open(meeting.pk, by=committee.office)
    client = login(member.user)
    url = reverse("committee:ballot", args=[meeting.pk])

    first = client.post(url, {f"case_{case.pk}": "approve"})
    second = client.post(url, {f"case_{case.pk}": "oppose"})

    assert first.status_code == 302
    assert second.status_code in (200, 400)
    assert BallotCast.objects.filter(round=round_).count() == 1
    assert list(Vote.objects.values_list("choice", flat=True)) == ["approve"]


def test_ballot_post_when_absent_403(committee):
    case = committee.candidate()
    meeting = meeting_for(committee.cycle, office=committee.office, present=committee.members[:4])
    absent = committee.members[4]
    declare_none([absent], case)
    services.round_open(meeting.pk, by=committee.office)

    response = login(absent.user).post(
        reverse("committee:ballot", args=[meeting.pk]), {f"case_{case.pk}": "approve"}
    )

    assert response.status_code == 403
    assert not Vote.objects.exists()


def test_evaluation_nominate_below_pass_score_shows_both_numbers_keeps_note(committee):
    case = evaluation_case(committee.world, percent=55)
    services.evaluation_comparison_save(
        committee.cycle.pk, by=committee.office, comparison=COMPARISON
    )

    response = login(committee.office).post(
        reverse("committee:evaluation_decide", args=[case.pk]),
        {"action": "nominate", "note": "拟提名", "expected_state": "evaluation"},
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert "现场评审总分550.00分，低于本届获奖最低总分600分" in body
    assert "拟提名" in body


def test_evaluation_page_shows_totals_and_team_recommendation(world):
    # A world of its own: the page lists every case in evaluation, and only this one.
    case = evaluation_case(world, percent=70)

    body = (
        login(world.office)
        .get(reverse("committee:evaluation") + f"?cycle={world.cycle.pk}")
        .content.decode()
    )

    assert case.organisation.name in body
    assert "700.00" in body
    assert "建议授奖" in body
    assert "工作质量5.0分" in body


def test_evaluation_dispatch_via_page(committee):
    committee.candidate()

    response = login(committee.office).post(
        reverse("committee:evaluation_dispatch", args=[committee.cycle.pk])
    )

    assert response.status_code == 302
    committee.cycle.committee_evaluation.refresh_from_db()
    assert committee.cycle.committee_evaluation.dispatched_at is not None


def test_members_page_adds_only_committee_role_users(committee):
    outsider = make_user("reviewer")
    candidate = make_user("committee_member")
    client = login(committee.office)
    url = reverse("committee:members") + f"?cycle={committee.cycle.pk}"

    refused = client.post(url, {"cycle": committee.cycle.pk, "user": outsider.pk, "role": "member"})
    added = client.post(url, {"cycle": committee.cycle.pk, "user": candidate.pk, "role": "deputy"})

    assert refused.status_code == 400
    assert added.status_code == 302
    assert committee.cycle.committee_members.filter(user=candidate, role="deputy").exists()


def _run_round(committee, case, meeting, choices):
    round_ = services.round_open(meeting.pk, by=committee.office)
    for member, choice in zip(committee.members, choices, strict=True):
        services.vote_cast(round_.pk, by=member.user, case_id=case.pk, choice=choice)
    services.round_close(round_.pk, by=committee.office)
    return round_


def test_office_closes_round_tally_shown(scene):
    committee, case, meeting, _stranger = scene
    declare_none(committee.members, case)
    round_ = services.round_open(meeting.pk, by=committee.office)
    for member, choice in zip(
        committee.members, ["approve"] * 3 + ["oppose", "abstain"], strict=True
    ):
        services.vote_cast(round_.pk, by=member.user, case_id=case.pk, choice=choice)
    office = login(committee.office)
    open_page = office.get(reverse("committee:meeting", args=[meeting.pk])).content.decode()

    response = office.post(reverse("committee:round_close", args=[round_.pk]))

    assert "data-approve" not in open_page
    assert response.status_code == 302
    body = office.get(reverse("committee:meeting", args=[meeting.pk])).content.decode()
    assert re.search(r"data-approve>3<", body)
    assert re.search(r"data-oppose>1<", body)
    assert re.search(r"data-abstain>1<", body)


def _strip(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_ballot_secrecy_pages_and_minutes_identical_when_two_members_swap_votes(
    scene, time_machine
):
    """Whatever a page or the minutes show, swapping how two members voted
    changes nothing: no voter is linked to a choice anywhere."""
    time_machine.move_to("2026-11-20 10:00:00+08:00", tick=False)
    committee, case, meeting, _stranger = scene
    declare_none(committee.members, case)
    seen = []
    for choices in (
        ["approve", "oppose", "approve", "approve", "abstain"],
        ["oppose", "approve", "approve", "approve", "abstain"],
    ):
        with transaction.atomic():
            _run_round(committee, case, meeting, choices)
            pages = [
                _strip(
                    login(committee.office)
                    .get(reverse("committee:meeting", args=[meeting.pk]))
                    .content.decode()
                ),
                _strip(
                    login(committee.director.user)
                    .get(reverse("committee:decision") + f"?cycle={committee.cycle.pk}")
                    .content.decode()
                ),
                _strip(
                    login(committee.members[1].user)
                    .get(reverse("committee:member_meeting", args=[meeting.pk]))
                    .content.decode()
                ),
                render_to_string("pdf/committee_minutes.html", minutes_context(meeting)),
            ]
            seen.append(pages)
            transaction.set_rollback(True)

    assert seen[0] == seen[1]


def test_admin_never_registers_votes_and_ballot_casts_carry_no_choice():
    assert Vote not in admin.site._registry
    assert "choice" not in {f.name for f in BallotCast._meta.get_fields()}
    vote_fields = {f.name for f in Vote._meta.get_fields()}
    assert vote_fields == {"id", "round", "case", "choice"}
    assert Vote._meta.default_permissions == ()


def test_decision_page_director_adopts(scene):
    committee, case, meeting, _stranger = scene
    declare_none(committee.members, case)
    _run_round(committee, case, meeting, ["approve"] * 5)
    director = login(committee.director.user)
    page = reverse("committee:decision") + f"?cycle={committee.cycle.pk}"

    assert director.get(page).status_code == 200
    assert login(committee.members[1].user).get(page).status_code == 403
    assert login(committee.office).get(page).status_code == 403
    response = director.post(reverse("committee:decision_adopt", args=[meeting.pk]))

    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).state == "proposed"


def test_decision_adopt_by_other_director_403(scene):
    committee, case, meeting, _stranger = scene
    declare_none(committee.members, case)
    _run_round(committee, case, meeting, ["approve"] * 5)

    response = login(committee.world.director).post(
        reverse("committee:decision_adopt", args=[meeting.pk])
    )

    assert response.status_code == 403
    assert Case.objects.get(pk=case.pk).state == "candidate"


def test_minutes_download_office_and_members_other_cycle_404(scene):
    committee, case, meeting, stranger = scene
    declare_none(committee.members, case)
    _run_round(committee, case, meeting, ["approve"] * 5)
    services.resolution_adopt(meeting.pk, by=committee.director.user)
    url = reverse("committee:minutes", args=[meeting.pk])
    assert login(committee.office).get(url).status_code == 404  # not rendered yet

    services.minutes_render(meeting.pk)
    response = login(committee.office).get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert login(committee.members[1].user).get(url).status_code == 200
    assert login(stranger.user).get(url).status_code == 404


def test_state_changes_refuse_get(scene):
    committee, _case, meeting, _stranger = scene
    office = login(committee.office)

    assert office.get(reverse("committee:round_open", args=[meeting.pk])).status_code == 405
    assert (
        office.get(reverse("committee:evaluation_dispatch", args=[committee.cycle.pk])).status_code
        == 405
    )


def test_evaluation_page_query_count_does_not_grow_with_rows(world):
    # A world of its own: one row, then three (no pool of cases in evaluation).
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    evaluation_case(world, percent=70)
    client = login(world.office)
    url = reverse("committee:evaluation") + f"?cycle={world.cycle.pk}"
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    evaluation_case(world, percent=65)
    evaluation_case(world, percent=60)

    with CaptureQueriesContext(connection) as three:
        client.get(url)

    assert len(three) == len(one)
