"""Every write of the supervision app, one function per use case."""

from .awards import (
    AnnouncementReadiness,
    announcement_issue,
    announcement_readiness,
    award_prize_for,
    plaque_record,
    title_last_day,
)
from .bans import ban_last_day, ban_lift, ban_record
from .certificates import certificate_number_new, certificate_number_normalise, certificate_render
from .funds import (
    fund_paid_and_used,
    fund_report_answer,
    fund_report_dues,
    fund_report_review,
    fund_report_submit,
    prize_payment_record,
)
from .inspections import inspection_answer, inspection_plan, inspection_record
from .misuse import misuse_record
from .revocation import (
    decision_refusals,
    recovery_complete,
    revocation_city_decide,
    revocation_committee_decide,
    revocation_findings_record,
    revocation_open,
    revocation_refusals,
    revocation_statement_file,
)
from .validity import ReminderReport, award_reminders_process, expiry_reminder_due

__all__ = [
    "AnnouncementReadiness",
    "ReminderReport",
    "announcement_issue",
    "announcement_readiness",
    "award_prize_for",
    "award_reminders_process",
    "ban_last_day",
    "ban_lift",
    "ban_record",
    "certificate_number_new",
    "certificate_number_normalise",
    "certificate_render",
    "decision_refusals",
    "expiry_reminder_due",
    "fund_paid_and_used",
    "fund_report_answer",
    "fund_report_dues",
    "fund_report_review",
    "fund_report_submit",
    "inspection_answer",
    "inspection_plan",
    "inspection_record",
    "misuse_record",
    "plaque_record",
    "prize_payment_record",
    "recovery_complete",
    "revocation_city_decide",
    "revocation_committee_decide",
    "revocation_findings_record",
    "revocation_open",
    "revocation_refusals",
    "revocation_statement_file",
    "title_last_day",
]
