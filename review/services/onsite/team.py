"""The on-site team and the visit's schedule."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import remove_perm

from applications.models import Case
from hengyang_award.core.models import User
from hengyang_award.core.services import audit_log_write
from hengyang_award.notifications.services import notify

from ...models import Assignment, Consensus, OnsiteReport, Reviewer
from ...selectors_onsite import ONSITE, is_review_office, onsite_team
from .common import (
    CASE_PERMISSIONS,
    locked_case,
    open_for_edit,
    place_of,
    report_locked,
    require_onsite,
)


def _conflicts_flagged_first(
    case_id: int, reviewer_ids: list[int], *, by: User, reason: str
) -> None:
    """`assignment_create` records a refused reviewer's likely conflicts as flags
    for the office, but a refusal inside the caller's transaction rolls them back.
    So a reviewer with conflicts not yet cleared is put to it first, outside the
    team's transaction: the refusal keeps its flags, and the team stays as it was."""
    from ...conflicts import cleared_reviewer_ids, conflicts_by_reviewer
    from ..assignment import assignment_create

    case = Case.objects.select_related("organisation", "cycle").get(pk=case_id)
    found = conflicts_by_reviewer(case, Reviewer.objects.filter(pk__in=reviewer_ids))
    for reviewer_id in sorted(found.keys() - cleared_reviewer_ids(case)):
        assignment_create(
            case_id,
            reviewer_id=reviewer_id,
            stage=ONSITE,
            role=Assignment.Role.MEMBER,
            by=by,
            reason=reason,
        )


def _assignment_end(assignment: Assignment, *, reason: str) -> None:
    """Take a reviewer off the team: the assignment ends as replaced, the reviewer
    is told, and the case closes to them unless they remain on it at another stage."""
    from ..assignment import REPLACED

    assignment.status = Assignment.Status.REPLACED
    assignment.ended_at = timezone.now()
    assignment.end_reason = reason
    assignment.save(update_fields=["status", "ended_at", "end_reason"])
    user = assignment.reviewer.user
    if user is None:
        return
    still_on_case = Assignment.objects.filter(
        case=assignment.case_id, reviewer=assignment.reviewer_id, status=Assignment.Status.ACTIVE
    ).exists()
    if not still_on_case:
        for perm in CASE_PERMISSIONS:
            remove_perm(f"applications.{perm}", user, assignment.case)
    notify(
        [user],
        kind="review.replaced",
        subject=REPLACED[0],
        body=REPLACED[1],
        params={
            "org": assignment.case.organisation.name,
            "stage": assignment.get_stage_display,
        },
        link=reverse("core:home"),
        dedupe_key=f"review.replaced:{assignment.pk}",
    )


def onsite_team_set(
    case_id: int, *, by: User, leader_id: int, member_ids: Iterable[int], reason: str = ""
) -> list[Assignment]:
    """Form (or change) the case's on-site team: a leader and members, together
    the cycle's team size, each put on it by `assignment_create` (the pool's and
    the conflict rules). Reviewers who leave the team are marked replaced."""
    member_ids = list(dict.fromkeys(member_ids))
    _conflicts_flagged_first(case_id, [leader_id, *member_ids], by=by, reason=reason)
    return _team_set(case_id, by=by, leader_id=leader_id, member_ids=member_ids, reason=reason)


@transaction.atomic
def _team_set(
    case_id: int, *, by: User, leader_id: int, member_ids: list[int], reason: str
) -> list[Assignment]:
    from ..assignment import assignment_create

    case = locked_case(case_id)
    if not is_review_office(by, case):
        raise PermissionDenied(_("只有评审办工作人员可以组建现场评审组。"))
    require_onsite(case)
    if OnsiteReport.objects.filter(case=case, submitted_at__isnull=False).exists():
        raise ValidationError(_("现场评审报告已提交，不能再调整评审组。"))
    if leader_id in member_ids:
        raise ValidationError({"members": _("组长不能同时列为组员。")})
    size = case.cycle.onsite_team_size
    if 1 + len(member_ids) != size:
        raise ValidationError(
            {
                "members": _("现场评审组应由%(size)d人组成（含组长），请选择%(n)d名组员。")
                % {"size": size, "n": size - 1}
            }
        )
    wanted = {leader_id: Assignment.Role.LEADER} | dict.fromkeys(member_ids, Assignment.Role.MEMBER)
    current = {
        a.reviewer_id: a
        for a in Assignment.objects.select_for_update(of=("self",))
        .select_related("reviewer__user", "case__organisation")
        .filter(case=case, stage=ONSITE, status=Assignment.Status.ACTIVE)
    }
    # Everyone leaving (or changing role) first, so the new leader finds the place free.
    for reviewer_id, assignment in current.items():
        if wanted.get(reviewer_id) != assignment.role:
            _assignment_end(assignment, reason=reason)
    for reviewer_id, role in wanted.items():
        kept = current.get(reviewer_id)
        if kept is None or kept.role != role:
            assignment_create(
                case.pk, reviewer_id=reviewer_id, stage=ONSITE, role=role, by=by, reason=reason
            )
    Consensus.objects.filter(case=case, stage=ONSITE).update(leader_id=leader_id)
    audit_log_write(
        "review.onsite_team_set",
        actor=by,
        obj=case,
        leader=leader_id,
        members=member_ids,
        reason=reason,
    )
    return onsite_team(case)


@transaction.atomic
def onsite_schedule_save(
    case_id: int, *, by: User, starts_on, ends_on, agenda: str, issues_to_verify: str
) -> OnsiteReport:
    """The visit's dates (at most the cycle's number of days), agenda and the
    issues to verify on site (by the office or the team leader)."""
    case = locked_case(case_id)
    if not is_review_office(by, case):
        place_of(case, by, leader=True)
    require_onsite(case)
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("结束日期不能早于开始日期。")})
    days = (ends_on - starts_on).days + 1
    if days > case.cycle.onsite_days:
        raise ValidationError(
            {
                "ends_on": _("现场评审最多%(max)d天，所选日期共%(n)d天。")
                % {"max": case.cycle.onsite_days, "n": days}
            }
        )
    report = report_locked(case)
    reset = open_for_edit(report, by=by)
    report.visit_starts_on = starts_on
    report.visit_ends_on = ends_on
    report.agenda = agenda.strip()
    report.issues_to_verify = issues_to_verify.strip()
    report.save(
        update_fields=[
            "visit_starts_on",
            "visit_ends_on",
            "agenda",
            "issues_to_verify",
            "updated_at",
            *reset,
        ]
    )
    audit_log_write(
        "review.onsite_schedule_save",
        actor=by,
        obj=report,
        starts_on=starts_on.isoformat(),
        ends_on=ends_on.isoformat(),
    )
    return report
