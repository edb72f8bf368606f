"""The applicant's written evaluation of the on-site reviewers (Art. 22)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hengyang_award.core.models import User
from hengyang_award.core.roles import Role
from hengyang_award.core.services import audit_log_write

from ...models import Assignment, OnsiteReport, ReviewerEvaluation
from ...selectors_onsite import ONSITE


@transaction.atomic
def reviewer_evaluation_submit(
    assignment_id: int, *, by: User, quality: int, discipline: int, comment: str = ""
) -> ReviewerEvaluation:
    """The applicant's written evaluation of one on-site reviewer's work quality
    and discipline (Art. 22): once per assignment, after the visit has begun."""
    assignment = (
        Assignment.objects.select_for_update()
        .select_related("case", "reviewer")
        .filter(pk=assignment_id, stage=ONSITE, status=Assignment.Status.ACTIVE)
        .first()
    )
    if assignment is None:
        raise ValidationError(_("没有这名现场评审组成员。"))
    case = assignment.case
    if by.organisation_id != case.organisation_id or not by.has_role(Role.APPLICANT):
        raise PermissionDenied(_("只有接受现场评审的申报单位可以评价评审员。"))
    report = OnsiteReport.objects.filter(case=case).first()
    today = timezone.localdate()
    if report is None or report.visit_starts_on is None or report.visit_starts_on > today:
        raise ValidationError(_("现场评审开始后才能评价评审员。"))
    if ReviewerEvaluation.objects.filter(assignment=assignment).exists():
        raise ValidationError(_("已评价过该评审员，每名评审员只能评价一次。"))
    errors = {
        field: _("请选择1到5分。")
        for field, value in (("quality", quality), ("discipline", discipline))
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5
    }
    if errors:
        raise ValidationError(errors)
    evaluation = ReviewerEvaluation.objects.create(
        assignment=assignment,
        quality=quality,
        discipline=discipline,
        comment=comment.strip(),
        by=by,
    )
    audit_log_write("review.reviewer_evaluation_submit", actor=by, obj=evaluation)
    return evaluation
