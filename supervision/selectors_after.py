"""Reads of the after-award pages. The office sees everything; a winner's users
see their own organisation's items (inspections once their results are
recorded); the committee director sees the revocation procedures; anyone else
gets 404."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from hengyang_award.core.models import User

from .models import (
    AfterAwardFile,
    Award,
    FundReport,
    Inspection,
    MisuseReport,
    Revocation,
)
from .selectors import award_for_user, awards_of_user
from .services._common import is_winner_user
from .services.funds import fund_report_dues

OFFICE = "supervision.view_revocation"
DIRECTOR = "applications.decide_case"


def is_office(user: User) -> bool:
    return user.has_perm("supervision.view_fundreport")


def award_after_for_user(user: User, pk: int) -> Award:
    return award_for_user(user, pk)


def award_after_context(award: Award, *, user: User, today: datetime.date) -> dict:
    """Everything the award's supervision page shows to this user."""
    office = is_office(user)
    inspections = award.inspections.all()
    if not office:
        inspections = inspections.filter(recorded_at__isnull=False)
    reports = list(award.fund_reports.prefetch_related("lines").order_by("period_start", "pk"))
    return {
        "award": award,
        "office": office,
        "payment": getattr(award, "prize_payment", None),
        "reports": reports,
        "used": sum((r.total for r in reports), start=0),
        "dues": fund_report_dues(award, today=today),
        "inspections": list(inspections),
        "misuse_reports": list(award.misuse_reports.all()) if office else [],
        "revocations": list(award.revocations.all()),
    }


def fund_report_for_user(user: User, pk: int) -> FundReport:
    report = get_object_or_404(
        FundReport.objects.select_related("award__organisation", "award__cycle").prefetch_related(
            "lines", "files"
        ),
        pk=pk,
    )
    if is_office(user) or is_winner_user(user, report.award):
        return report
    raise Http404


def inspection_for_user(user: User, pk: int) -> Inspection:
    inspection = get_object_or_404(
        Inspection.objects.select_related("award__organisation", "award__cycle").prefetch_related(
            "files"
        ),
        pk=pk,
    )
    if user.has_perm("supervision.view_inspection"):
        return inspection
    if is_winner_user(user, inspection.award) and inspection.is_recorded:
        return inspection
    raise Http404


def revocation_for_user(user: User, pk: int) -> Revocation:
    revocation = get_object_or_404(
        Revocation.objects.select_related(
            "award__organisation", "award__cycle", "award__case", "notice", "ban"
        ).prefetch_related("files", "recovery_tasks"),
        pk=pk,
    )
    if user.has_perm(OFFICE) or user.has_perm(DIRECTOR):
        return revocation
    if is_winner_user(user, revocation.award):
        return revocation
    raise Http404


def misuse_for_office(user: User, pk: int) -> MisuseReport:
    if not user.has_perm("supervision.view_misusereport"):
        raise Http404
    return get_object_or_404(
        MisuseReport.objects.select_related("award__organisation").prefetch_related("files"),
        pk=pk,
    )


def file_for_user(user: User, pk: int) -> AfterAwardFile:
    """A file the user may read: through the item it belongs to."""
    stored = get_object_or_404(AfterAwardFile, pk=pk)
    if stored.fund_report_id:
        fund_report_for_user(user, stored.fund_report_id)
    elif stored.inspection_id:
        inspection_for_user(user, stored.inspection_id)
    elif stored.revocation_id:
        revocation_for_user(user, stored.revocation_id)
    elif stored.misuse_report_id:
        misuse_for_office(user, stored.misuse_report_id)
    else:
        raise Http404
    return stored


def revocations_for_user(user: User) -> QuerySet[Revocation]:
    revocations = Revocation.objects.select_related("award__organisation", "award__cycle")
    if user.has_perm(OFFICE) or user.has_perm(DIRECTOR):
        return revocations.order_by("-opened_at", "-pk")
    return revocations.filter(award__in=awards_of_user(user)).order_by("-opened_at", "-pk")


@dataclass
class Dashboard:
    overdue_reports: list = field(default_factory=list)
    reports_to_review: list = field(default_factory=list)
    overdue_follow_ups: list = field(default_factory=list)
    open_revocations: list = field(default_factory=list)
    recent_misuse: list = field(default_factory=list)


def after_dashboard(*, today: datetime.date) -> Dashboard:
    """The office's overview: overdue fund reports, reports to review, overdue
    follow-ups, open revocation procedures and recent misuse reports."""
    board = Dashboard()
    paid = (
        Award.objects.filter(revoked_on__isnull=True, prize_payment__isnull=False)
        .select_related("organisation", "cycle", "prize_payment")
        .prefetch_related(
            Prefetch(
                "fund_reports",
                queryset=FundReport.objects.only("pk", "award_id", "period_end", "total"),
            )
        )
        .order_by("organisation__name", "pk")
    )
    for award in paid:
        for due in fund_report_dues(award, today=today):
            if due.overdue:
                board.overdue_reports.append((award, due))
    board.reports_to_review = list(
        FundReport.objects.filter(status=FundReport.Status.SUBMITTED)
        .select_related("award__organisation", "award__cycle")
        .order_by("submitted_at", "pk")
    )
    board.overdue_follow_ups = list(
        Inspection.objects.filter(
            Q(follow_up_due__lt=today), answered_at__isnull=True, award__revoked_on__isnull=True
        )
        .exclude(follow_up="")
        .select_related("award__organisation", "award__cycle")
        .order_by("follow_up_due", "pk")
    )
    board.open_revocations = list(
        Revocation.objects.filter(outcome=Revocation.Outcome.OPEN)
        .select_related("award__organisation", "award__cycle")
        .order_by("opened_at", "pk")
    )
    board.recent_misuse = list(
        MisuseReport.objects.select_related("award__organisation", "award__cycle").order_by(
            "-observed_on", "-pk"
        )[:20]
    )
    return board
