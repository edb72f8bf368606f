"""Stage deadlines in working days on the 2026 calendar, and the periodic scan that
reminds once per lead and fires the time-driven transitions once.

2026 around the National Day: 09-20 (Sun) is an adjusted working day, 09-25 (Fri,
Mid-Autumn) to 09-27 and 10-01 to 10-07 are off, 10-10 (Sat) is a working day."""

import datetime

import pytest

from applications.deadlines import (
    RULE_BY_STATE,
    Deadline,
    case_deadline,
    deadlines_for,
    with_entered_at,
)
from applications.models import Case, CaseEvent, CaseReminder
from applications.services import deadlines_process
from hengyang_award.core.roles import Role
from hengyang_award.notifications.models import Notification
from hengyang_award.workcalendar.days import WorkingCalendar
from hengyang_award.workcalendar.models import CalendarException, CalendarYear
from hengyang_award.workcalendar.services import calendar_next_year_check
from tests.factories import PATH_TO, World, make_user

pytestmark = pytest.mark.django_db

D = datetime.date
SUBMITTED_ON = D(2026, 9, 18)  # a Friday
DUE_ON = D(2026, 10, 9)  # the 10th working day after it


def _at(day: datetime.date) -> str:
    return f"{day.isoformat()} 10:00+08:00"


@pytest.fixture
def submitted(time_machine) -> tuple[World, Case]:
    """A case submitted on 2026-09-18, waiting for the county's recommendation."""
    time_machine.move_to(_at(SUBMITTED_ON), tick=False)
    world = World()
    return world, world.drive(world.new_case(), ["submit"])


def _annotated(case: Case) -> Case:
    return with_entered_at(Case.objects.filter(pk=case.pk)).get()


def test_case_deadline_submitted_friday_due_on_tenth_working_day(submitted):
    _world, case = submitted
    today = SUBMITTED_ON

    deadline = case_deadline(
        _annotated(case), today=today, calendar=WorkingCalendar(D(2026, 9, 1), D(2026, 10, 31))
    )

    assert deadline == Deadline(
        kind="recommendation",
        label=RULE_BY_STATE["submitted"].label,
        audience="county",
        due_on=DUE_ON,
        provisional=False,
        days_left=10,
    )
    assert deadline.overdue is False


@pytest.mark.parametrize(
    ("today", "days_left"),
    [
        (D(2026, 9, 18), 10),
        (D(2026, 9, 19), 10),  # Saturday; tomorrow (Sunday 09-20) is a working day
        (D(2026, 9, 20), 9),
        (D(2026, 9, 29), 3),  # 09-30, 10-08, 10-09
        (D(2026, 9, 30), 2),
        (D(2026, 10, 3), 2),  # in the National Day holiday
        (D(2026, 10, 8), 1),
        (D(2026, 10, 9), 0),
    ],
)
def test_deadlines_for_sample_days_counts_working_days_left(submitted, today, days_left):
    _world, case = submitted

    found = deadlines_for([_annotated(case)], today=today)

    assert [(pk, d.due_on, d.days_left, d.overdue) for pk, d in found.items()] == [
        (case.pk, DUE_ON, days_left, False)
    ]


@pytest.mark.parametrize(
    ("today", "days_left"),
    [
        (D(2026, 10, 10), -1),  # the adjusted working Saturday
        (D(2026, 10, 11), -1),  # Sunday: at least one day late
        (D(2026, 10, 12), -2),
        (D(2026, 10, 16), -6),
    ],
)
def test_deadlines_for_past_due_negative_days_left_and_overdue(submitted, today, days_left):
    _world, case = submitted

    found = deadlines_for([_annotated(case)], today=today)

    assert [(pk, d.due_on, d.days_left, d.overdue) for pk, d in found.items()] == [
        (case.pk, DUE_ON, days_left, True)
    ]


def test_deadlines_for_case_without_stage_deadline_absent(time_machine):
    time_machine.move_to(_at(SUBMITTED_ON), tick=False)
    world = World()
    draft = world.new_case()

    found = deadlines_for([_annotated(draft)], today=SUBMITTED_ON)

    assert found == {}


def _reminders(case: Case) -> list[tuple[str, datetime.date, int]]:
    return list(
        CaseReminder.objects.filter(case=case).order_by("pk").values_list("kind", "due_on", "lead")
    )


def _reminder_notices() -> list[tuple[int, str, str, str]]:
    return list(
        Notification.objects.filter(kind__startswith="reminder.")
        .order_by("pk")
        .values_list("recipient", "kind", "subject", "body")
    )


def test_deadlines_process_reminds_once_per_lead_then_overdue_once(submitted, time_machine):
    world, case = submitted
    org = world.org.name
    due_subject = f"办理提醒：{org}的县市区推荐将于2026-10-09截止"
    runs = []

    for day in (
        D(2026, 9, 28),  # 4 working days left: nothing yet
        D(2026, 9, 29),  # 3 left
        D(2026, 9, 29),
        D(2026, 9, 30),  # 2 left: the 3-day reminder is already sent
        D(2026, 10, 8),  # 1 left
        D(2026, 10, 8),
        D(2026, 10, 9),  # due today
        D(2026, 10, 10),  # overdue
        D(2026, 10, 10),
        D(2026, 10, 12),
    ):
        time_machine.move_to(_at(day), tick=False)
        runs.append(deadlines_process().reminders)

    assert runs == [0, 1, 0, 0, 1, 0, 0, 1, 0, 0]
    assert _reminders(case) == [
        ("recommendation", DUE_ON, 3),
        ("recommendation", DUE_ON, 1),
        ("recommendation", DUE_ON, CaseReminder.OVERDUE),
    ]
    assert _reminder_notices() == [
        (
            world.county.pk,
            "reminder.recommendation",
            due_subject,
            f"{org}的县市区推荐将于2026-10-09截止，还剩3个工作日，请及时办理。",
        ),
        (
            world.county.pk,
            "reminder.recommendation",
            due_subject,
            f"{org}的县市区推荐将于2026-10-09截止，还剩1个工作日，请及时办理。",
        ),
        (
            world.county.pk,
            "reminder.recommendation",
            f"已逾期：{org}的县市区推荐",
            f"{org}的县市区推荐已于2026-10-09截止，目前仍未办理，请尽快处理。",
        ),
    ]


@pytest.fixture
def in_publicity(time_machine) -> Case:
    """A case published on 2026-09-30: five working days, 10-08 to 10-13."""
    time_machine.move_to(_at(D(2026, 9, 30)), tick=False)
    world = World()
    return world.drive(world.new_case(), [*PATH_TO["proposed"], "publish"])


def test_case_publish_period_five_working_days_after_publication(in_publicity):
    case = in_publicity

    period = (case.publicity_starts_on, case.publicity_ends_on)

    assert period == (D(2026, 10, 8), D(2026, 10, 13))


def test_deadlines_process_last_day_of_publicity_fires_nothing(in_publicity, time_machine):
    time_machine.move_to(_at(D(2026, 10, 13)), tick=False)

    report = deadlines_process()

    assert report.fired == []
    assert Case.objects.get(pk=in_publicity.pk).state == "in_publicity"


def test_deadlines_process_day_after_publicity_closes_it_once_as_system(in_publicity, time_machine):
    case = in_publicity
    time_machine.move_to(_at(D(2026, 10, 14)), tick=False)

    first = deadlines_process()
    second = deadlines_process()

    closing = CaseEvent.objects.filter(case=case, name="close_publicity")
    assert first.fired == [(case.pk, "close_publicity")]
    assert second.fired == []
    assert Case.objects.get(pk=case.pk).state == "director_review"
    assert [(e.actor.username, e.source, e.target) for e in closing] == [
        ("system", "in_publicity", "director_review")
    ]


@pytest.fixture
def awarded(time_machine) -> Case:
    """A case awarded on 2026-09-18, its title valid for three years."""
    time_machine.move_to(_at(SUBMITTED_ON), tick=False)
    world = World()
    return world.drive(world.new_case(), PATH_TO["awarded"])


def test_deadlines_process_last_day_of_validity_expires_nothing(awarded, time_machine):
    time_machine.move_to(_at(D(2029, 9, 17)), tick=False)

    report = deadlines_process()

    assert awarded.award_valid_until == D(2029, 9, 17)
    assert report.fired == []
    assert Case.objects.get(pk=awarded.pk).state == "awarded"


def test_deadlines_process_validity_past_expires_award_once_as_system(awarded, time_machine):
    time_machine.move_to(_at(D(2029, 9, 18)), tick=False)

    first = deadlines_process()
    second = deadlines_process()

    expiry = CaseEvent.objects.filter(case=awarded, name="expire")
    assert first.fired == [(awarded.pk, "expire")]
    assert second.fired == []
    assert Case.objects.get(pk=awarded.pk).state == "expired"
    assert [(e.actor.username, e.source, e.target) for e in expiry] == [
        ("system", "awarded", "expired")
    ]


@pytest.fixture
def office_staff(db) -> list:
    first = make_user(Role.OFFICE_STAFF)
    second = make_user(Role.OFFICE_STAFF)
    make_user(Role.OFFICE_STAFF, is_active=False)
    return [first, second]


@pytest.fixture
def unpublished_2027(db) -> int:
    CalendarYear.objects.filter(year=2027).delete()
    CalendarException.objects.filter(date__year=2027).delete()
    return 2027


def _calendar_notices() -> list[tuple[int, str]]:
    return list(
        Notification.objects.filter(kind="calendar.next_year")
        .order_by("recipient")
        .values_list("recipient", "subject")
    )


def test_calendar_next_year_check_october_does_nothing(
    time_machine, office_staff, unpublished_2027
):
    time_machine.move_to(_at(D(2026, 10, 30)), tick=False)

    sent = calendar_next_year_check()

    assert sent is False
    assert _calendar_notices() == []


def test_calendar_next_year_check_november_unpublished_reminds_each_office_user_once(
    time_machine, office_staff, unpublished_2027
):
    time_machine.move_to(_at(D(2026, 11, 27)), tick=False)

    first = calendar_next_year_check()
    second = calendar_next_year_check()

    assert (first, second) == (True, False)
    assert _calendar_notices() == [(user.pk, "请录入2027年节假日安排") for user in office_staff]


def test_calendar_next_year_check_next_year_published_does_nothing(time_machine, office_staff):
    CalendarYear.objects.update_or_create(year=2027, defaults={"published": True})
    time_machine.move_to(_at(D(2026, 11, 27)), tick=False)

    sent = calendar_next_year_check()

    assert sent is False
    assert _calendar_notices() == []
