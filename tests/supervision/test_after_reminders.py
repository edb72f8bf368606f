import datetime
from decimal import Decimal

import pytest
import time_machine

from hengyang_award.notifications.models import Notification
from hengyang_award.workcalendar.days import count_working_days
from supervision.models import AfterAwardReminder
from supervision.services import (
    award_reminders_process,
    fund_report_dues,
    inspection_plan,
    inspection_record,
)
from supervision.tasks import award_reminders_task
from tests.factories.supervision_after import announced_award, paid

pytestmark = pytest.mark.django_db


@pytest.fixture
def award(world):
    return announced_award(world)


def _first_reminder_day(award) -> datetime.date:
    day = award.ends_on
    lead = award.cycle.expiry_reminder_working_days
    while count_working_days(day - datetime.timedelta(days=1), end=award.ends_on) <= lead:
        day -= datetime.timedelta(days=1)
    return day


def test_award_reminders_expiry_sent_once_in_window(world, award):
    first = _first_reminder_day(award)

    with time_machine.travel(first - datetime.timedelta(days=1), tick=False):
        before = award_reminders_process()
    with time_machine.travel(first, tick=False):
        sent = award_reminders_process()
        again = award_reminders_process()

    assert (before.expiry, sent.expiry, again.expiry) == (0, 1, 0)
    notes = Notification.objects.filter(recipient=world.applicant, kind="reminder.expiry")
    assert notes.count() == 1
    assert award.ends_on.isoformat() in notes.get().body
    assert "重新申报" in notes.get().body


def test_award_reminders_no_expiry_reminder_after_revocation(world, award):
    award.revoked_on = award.starts_on
    award.save(update_fields=["revoked_on"])

    with time_machine.travel(_first_reminder_day(award), tick=False):
        report = award_reminders_process()

    assert report.expiry == 0


def test_award_reminders_fund_report_overdue_once(world, award):
    paid(world, award)
    due = fund_report_dues(award)[0].due_on

    with time_machine.travel(due + datetime.timedelta(days=1), tick=False):
        first = award_reminders_process()
        second = award_reminders_process()

    assert (first.fund_reports, second.fund_reports) == (1, 0)
    assert AfterAwardReminder.objects.filter(kind="fund_report", due_on=due).count() == 1
    assert (
        Notification.objects.filter(recipient=world.applicant, kind="reminder.fund_report").count()
        == 1
    )


def test_award_reminders_follow_up_overdue_once(world, award):
    inspection = inspection_plan(
        award.pk, by=world.office, planned_on=award.starts_on, inspectors="王", scope="称号使用"
    )
    inspection_record(
        inspection.pk,
        by=world.office,
        held_on=award.starts_on,
        findings="未注明年度",
        follow_up="整改",
        follow_up_due=award.starts_on + datetime.timedelta(days=10),
    )

    with time_machine.travel(award.starts_on + datetime.timedelta(days=11), tick=False):
        first = award_reminders_task()
        second = award_reminders_task()

    assert (first["follow_ups"], second["follow_ups"]) == (1, 0)
    assert (
        Notification.objects.filter(recipient=world.applicant, kind="reminder.follow_up").count()
        == 1
    )


def test_award_reminders_nothing_due_sends_nothing(world):
    award = announced_award(world, prize=Decimal("0"))

    report = award_reminders_process(today=award.starts_on)

    assert (report.expiry, report.fund_reports, report.follow_ups) == (0, 0, 0)
