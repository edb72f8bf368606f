"""Approval (Art. 10(7)): the director reviews, the mayor approves; either sends a
case back to the committee with reasons. Every decision is a transition fired
through `fire` (audited event, notifications)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from applications.models import CaseEvent
from committee.approval import (
    LEVELS,
    approval_approve_listed,
    approval_decide,
    approval_rows,
)
from hengyang_award.notifications.models import Notification
from tests.factories import World
from tests.factories.awards import drive_to
from tests.shared import prepared_world, world_with_prepared_case

pytestmark = pytest.mark.django_db
# Each test's case starts from one driven to the end of publicity once per module.
shared = prepared_world("in_publicity_ended")
world = world_with_prepared_case()
DIRECTOR, MAYOR = LEVELS["director"], LEVELS["mayor"]


def test_approval_decide_director_approves_case_goes_to_mayor_office_told(world):
    case = drive_to(world, "director_review")

    decided = approval_decide(
        case.pk, level=DIRECTOR, approve=True, by=world.director, note="同意。"
    )

    assert decided.state == "mayor_approval"
    event = CaseEvent.objects.filter(case=case).latest("at", "pk")
    assert (event.name, event.actor, event.note) == ("director_approve", world.director, "同意。")
    assert Notification.objects.filter(
        recipient=world.office, kind="case.director_approve"
    ).exists()
    assert Notification.objects.filter(recipient=world.mayor, kind="case.director_approve").exists()
    assert world.mayor.has_perm("applications.view_case", decided)


def test_approval_decide_director_send_back_without_reason_refused(world):
    case = drive_to(world, "director_review")

    with pytest.raises(ValidationError) as refused:
        approval_decide(case.pk, level=DIRECTOR, approve=False, by=world.director, note=" ")

    assert refused.value.message_dict == {"note": ["退回时请填写理由。"]}
    assert case.events.latest("at", "pk").name == "close_publicity"


def test_approval_decide_director_send_back_returns_to_committee_office_told(world):
    case = drive_to(world, "director_review")

    decided = approval_decide(
        case.pk, level=DIRECTOR, approve=False, by=world.director, note="请复核现场评审结论。"
    )

    assert decided.state == "candidate"
    event = case.events.latest("at", "pk")
    assert (event.name, event.note) == ("director_send_back", "请复核现场评审结论。")
    assert Notification.objects.filter(
        recipient=world.office, kind="case.director_send_back"
    ).exists()


def test_approval_decide_mayor_approves_case_awarded_office_told(world):
    case = drive_to(world, "mayor_approval")

    decided = approval_decide(case.pk, level=MAYOR, approve=True, by=world.mayor)

    assert decided.state == "awarded"
    assert case.events.latest("at", "pk").name == "mayor_approve"
    assert Notification.objects.filter(recipient=world.office, kind="case.mayor_approve").exists()
    assert Notification.objects.filter(
        recipient=world.applicant, kind="case.mayor_approve"
    ).exists()


def test_approval_decide_mayor_send_back_returns_to_committee_director_told(world):
    case = drive_to(world, "mayor_approval")

    decided = approval_decide(
        case.pk, level=MAYOR, approve=False, by=world.mayor, note="请评委会再议。"
    )

    assert decided.state == "candidate"
    assert Notification.objects.filter(
        recipient=world.director, kind="case.mayor_send_back"
    ).exists()
    assert Notification.objects.filter(recipient=world.office, kind="case.mayor_send_back").exists()


@pytest.mark.parametrize(
    ("level", "actor"), [(DIRECTOR, "mayor"), (DIRECTOR, "office"), (MAYOR, "director")]
)
def test_approval_decide_wrong_role_refused(world, level, actor):
    case = drive_to(world, level.state.value)

    with pytest.raises(PermissionDenied):
        approval_decide(case.pk, level=level, approve=True, by=world.actor(actor))

    assert case.events.latest("at", "pk").name != level.approve


def test_approval_approve_listed_approves_each_and_reports_the_one_handled_meanwhile(world):
    first = drive_to(world, "director_review")
    other = World(cycle=world.cycle)
    second = drive_to(other, "director_review")
    approval_decide(second.pk, level=DIRECTOR, approve=False, by=world.director, note="退回。")

    result = approval_approve_listed(
        [first.pk, second.pk], level=DIRECTOR, cycle=world.cycle, by=world.director
    )

    assert [c.pk for c in result.approved] == [first.pk]
    assert [case_id for case_id, _reasons in result.refused] == [second.pk]
    assert first.events.latest("at", "pk").name == "director_approve"
    assert CaseEvent.objects.filter(case=second, name="director_approve").count() == 0


def test_approval_rows_show_resolution_publicity_and_objections(world):
    case = drive_to(world, "under_objection_ended")
    world.drive(case, ["clear_objection"])

    rows = approval_rows(world.director, DIRECTOR, world.cycle)

    assert [r.case.pk for r in rows] == [case.pk]
    row = rows[0]
    assert row.resolution is not None
    assert row.resolution.name == "propose"
    assert [e.name for e in row.objections] == ["raise_objection"]
    assert [e.name for e in row.objection_outcomes] == ["clear_objection"]
    assert row.publicity == (case.publicity_starts_on, case.publicity_ends_on)
    assert row.publicity[0] is not None


def test_approval_rows_mayor_sees_director_opinion_not_cases_still_with_director(world):
    approved = drive_to(world, "director_review")
    approval_decide(approved.pk, level=DIRECTOR, approve=True, by=world.director, note="同意报审。")
    other = World(cycle=world.cycle)
    drive_to(other, "director_review")

    rows = approval_rows(world.mayor, MAYOR, world.cycle)

    assert [r.case.pk for r in rows] == [approved.pk]
    assert rows[0].director_opinion.note == "同意报审。"
