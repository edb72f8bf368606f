"""What the on-site services share: locking the case, the caller's place on the
team, and the rule that a report being confirmed or submitted stays as it is."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from applications.models import Case
from applications.workflow import CaseState
from hengyang_award.core.models import User
from hengyang_award.core.services import audit_log_write

from ...models import Assignment, OnsiteReport
from ...selectors_onsite import ONSITE

Confirmation = OnsiteReport.Confirmation
LEADER_SECTIONS = (
    "sites_and_interviews",
    "verification",
    "veto_findings",
    "conclusion",
    "recommendation",
    "recommendation_reason",
)
# The fact-finding sections, written by whichever member visited or interviewed.
MEMBER_SECTIONS = ("sites_and_interviews", "verification")
CASE_PERMISSIONS = ("view_case", "review_case")


def locked_case(case_id: int) -> Case:
    return Case.objects.select_for_update().select_related("cycle", "organisation").get(pk=case_id)


def require_onsite(case: Case) -> None:
    if case.state != CaseState.ONSITE_REVIEW:
        raise ValidationError(
            _("案卷当前状态为“%(state)s”，不在现场评审阶段。") % {"state": case.get_state_display()}
        )


def place_of(case: Case, by: User, *, leader: bool) -> Assignment:
    assignment = (
        Assignment.objects.filter(
            case=case, stage=ONSITE, status=Assignment.Status.ACTIVE, reviewer__user=by
        )
        .select_related("reviewer")
        .first()
    )
    if assignment is None:
        raise PermissionDenied(_("您不是该案卷现场评审组的成员。"))
    if assignment.declared_at is None:
        raise PermissionDenied(_("请先签署本案的公正性和保密声明。"))
    if leader and assignment.role != Assignment.Role.LEADER:
        raise PermissionDenied(_("只有现场评审组组长可以办理此事项。"))
    return assignment


def report_locked(case: Case) -> OnsiteReport:
    OnsiteReport.objects.get_or_create(case=case)
    return OnsiteReport.objects.select_for_update().get(case=case)


def open_for_edit(report: OnsiteReport, *, by: User) -> list[str]:
    """Refuse a change once the report is submitted or while the applicant is
    reading it; a change after the applicant answered needs a new confirmation.
    Returns the fields this reset touched."""
    if report.submitted_at is not None:
        raise ValidationError(_("现场评审报告已提交评审办，不能再修改。"))
    if report.sent_for_confirmation_at is None:
        return []
    if report.confirmation == Confirmation.PENDING:
        raise ValidationError(_("报告正在等待申报单位确认，确认前不能修改。"))
    audit_log_write(
        "review.onsite_confirmation_reset",
        actor=by,
        obj=report,
        confirmation=report.confirmation,
        note=report.confirmation_note,
    )
    report.sent_for_confirmation_at = None
    report.confirmation = Confirmation.PENDING
    report.confirmation_note = ""
    report.confirmed_at = None
    report.confirmed_by = None
    return [
        "sent_for_confirmation_at",
        "confirmation",
        "confirmation_note",
        "confirmed_at",
        "confirmed_by",
    ]
