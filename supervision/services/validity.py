"""The periodic job after the award (Art. 13, 17, 18): remind the winner of its
title's end `expiry_reminder_working_days` working days before (it may reapply
afterwards), of fund reports past their due date, and of inspection follow-ups
past their deadline. Each reminder is sent once (`AfterAwardReminder`); the
`expire` transition itself is fired by `applications.services.deadlines_process`."""

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from hengyang_award.notifications.services import notify
from hengyang_award.workcalendar.days import count_working_days

from ..models import AfterAwardReminder, Award, Inspection
from ._common import winner_users
from .funds import fund_report_dues

Kind = AfterAwardReminder.Kind


@dataclass(frozen=True)
class ReminderReport:
    expiry: int
    fund_reports: int
    follow_ups: int


def expiry_reminder_due(award: Award, *, today: datetime.date) -> bool:
    """Whether the title ends within the cycle's `expiry_reminder_working_days`
    working days (today and its last day included) and has not ended."""
    if award.revoked_on is not None or award.ends_on < today:
        return False
    lead = award.cycle.expiry_reminder_working_days
    # n working days never span more than 3n + 30 calendar days (the longest
    # holiday is 9 days): no calendar lookup for titles far from their end.
    if award.ends_on > today + datetime.timedelta(days=3 * lead + 30):
        return False
    return count_working_days(today, end=award.ends_on) <= lead


def _once(kind: str, object_id: int, due_on: datetime.date) -> AfterAwardReminder | None:
    try:
        with transaction.atomic():
            return AfterAwardReminder.objects.create(kind=kind, object_id=object_id, due_on=due_on)
    except IntegrityError:
        return None


def award_reminders_process(today: datetime.date | None = None) -> ReminderReport:
    """Send the reminders due today; safe to run twice."""
    today = today or timezone.localdate()
    counts = {"expiry": 0, "fund_reports": 0, "follow_ups": 0}
    valid = Award.objects.filter(revoked_on__isnull=True, ends_on__gte=today).select_related(
        "cycle", "organisation", "prize_payment"
    )
    for award in valid:
        if expiry_reminder_due(award, today=today):
            with transaction.atomic():
                reminder = _once(Kind.EXPIRY, award.pk, award.ends_on)
                if reminder is not None:
                    _send(award, reminder, EXPIRY, "supervision:award_mine", [], end=award.ends_on)
                    counts["expiry"] += 1
    for award in valid.filter(prize_payment__isnull=False).prefetch_related("fund_reports"):
        for due in fund_report_dues(award, today=today):
            if not due.overdue:
                continue
            with transaction.atomic():
                reminder = _once(Kind.FUND_REPORT, award.pk, due.due_on)
                if reminder is not None:
                    _send(
                        award,
                        reminder,
                        FUND_OVERDUE,
                        "supervision:award_after",
                        [award.pk],
                        due=due.due_on,
                        start=due.period_start,
                    )
                    counts["fund_reports"] += 1
    overdue = (
        Inspection.objects.filter(
            follow_up_due__lt=today, answered_at__isnull=True, award__revoked_on__isnull=True
        )
        .exclude(follow_up="")
        .select_related("award__cycle", "award__organisation")
    )
    for inspection in overdue:
        with transaction.atomic():
            reminder = _once(Kind.FOLLOW_UP, inspection.pk, inspection.follow_up_due)
            if reminder is not None:
                _send(
                    inspection.award,
                    reminder,
                    FOLLOW_UP_OVERDUE,
                    "supervision:inspection_detail",
                    [inspection.pk],
                    due=inspection.follow_up_due,
                )
                counts["follow_ups"] += 1
    return ReminderReport(**counts)


def _send(award: Award, reminder, message, url_name: str, args: list, **dates) -> None:
    notify(
        winner_users(award),
        kind=f"reminder.{reminder.kind}",
        subject=message[0],
        body=message[1],
        params={
            "org": award.organisation.name,
            "cycle": lambda: award.cycle.title,
            **{key: value.isoformat() for key, value in dates.items()},
        },
        link=reverse(url_name, args=args),
        dedupe_key=f"after_award_reminder:{reminder.pk}",
    )


EXPIRY = (
    gettext_lazy("市长质量奖称号即将到期"),
    gettext_lazy(
        "%(org)s的%(cycle)s称号将于%(end)s到期。到期后不得再使用该称号，"
        "符合条件的可以重新申报衡阳市市长质量奖。"
    ),
)
FUND_OVERDUE = (
    gettext_lazy("奖金使用情况报告已逾期"),
    gettext_lazy(
        "%(org)s自%(start)s起的奖金使用情况报告应于%(due)s提交，目前尚未提交，请尽快在平台报告。"
    ),
)
FOLLOW_UP_OVERDUE = (
    gettext_lazy("监督检查整改答复已逾期"),
    gettext_lazy("%(org)s的监督检查整改情况应于%(due)s前答复，目前尚未答复，请尽快办理。"),
)
