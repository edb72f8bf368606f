"""Reads of the reviewer pool: the office's search and a reviewer's record with
the assignments history and the averages of the evaluations received. The pool
is the office's: none of these is for the reviewer evaluated."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from applications.workflow import TERMINAL
from hengyang_award.core.models import AuditLog

from .models import Assignment, Reviewer, ReviewerEvaluation


def _open(prefix: str = "") -> Q:
    """An assignment the reviewer still has work in: active, on a case not closed."""
    return Q(**{f"{prefix}status": Assignment.Status.ACTIVE}) & ~Q(
        **{f"{prefix}case__state__in": TERMINAL}
    )


def reviewers_search(
    *, q: str = "", status: str | None = None, industry: str | None = None
) -> QuerySet[Reviewer]:
    """The pool filtered by a free-text query (name, employer, credit code, title,
    specialties, qualifications), a status and an industry; each reviewer carries
    `open_assignment_count`."""
    reviewers = Reviewer.objects.annotate(
        open_assignment_count=Count("assignments", filter=_open("assignments__"))
    )
    q = q.strip()
    if q:
        reviewers = reviewers.filter(
            Q(name__icontains=q)
            | Q(employer__icontains=q)
            | Q(employer_credit_code__icontains=q)
            | Q(title__icontains=q)
            | Q(specialties__icontains=q)
            | Q(qualifications__icontains=q)
        )
    if status:
        reviewers = reviewers.filter(status=status)
    if industry:
        reviewers = reviewers.filter(industries__icontains=industry.strip())
    return reviewers.order_by("name", "pk")


def reviewer_for_office(reviewer_id: int) -> Reviewer:
    return get_object_or_404(Reviewer.objects.select_related("user"), pk=reviewer_id)


def reviewer_industries() -> list[str]:
    """Every industry named in the pool, for the search filter."""
    found: set[str] = set()
    for value in Reviewer.objects.exclude(industries="").values_list("industries", flat=True):
        found.update(Reviewer(industries=value).industry_list)
    return sorted(found)


def reviewers_assignable() -> QuerySet[Reviewer]:
    """Reviewers who may be given new assignments: suspended and disqualified
    reviewers may not (Art. 26)."""
    return Reviewer.objects.filter(status=Reviewer.Status.ACTIVE)


def reviewer_open_assignments(reviewer_id: int) -> QuerySet[Assignment]:
    """The reviewer's open assignments: those to reassign when the reviewer is
    suspended or disqualified."""
    return (
        Assignment.objects.filter(_open(), reviewer_id=reviewer_id)
        .select_related("case__organisation", "case__cycle")
        .order_by("assigned_at", "pk")
    )


@dataclass(frozen=True)
class EvaluationSummary:
    count: int
    quality: Decimal | None
    discipline: Decimal | None


@dataclass(frozen=True)
class ReviewerRecord:
    reviewer: Reviewer
    assignments: list[Assignment]
    open_assignments: list[Assignment]
    evaluations: EvaluationSummary
    status_history: list[AuditLog]


def _average(value) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


def reviewer_record(reviewer_id: int) -> ReviewerRecord:
    """A reviewer's pool record (404 for an unknown id). Each assignment carries
    `evaluation_received` (the applicant's evaluation or None); each status-history
    entry its `source_label` and `target_label`."""
    reviewer = reviewer_for_office(reviewer_id)
    assignments = list(
        reviewer.assignments.select_related(
            "case__organisation", "case__cycle", "evaluation"
        ).order_by("-assigned_at", "-pk")
    )
    for assignment in assignments:
        try:
            assignment.evaluation_received = assignment.evaluation
        except ReviewerEvaluation.DoesNotExist:
            assignment.evaluation_received = None
    totals = ReviewerEvaluation.objects.filter(assignment__reviewer_id=reviewer.pk).aggregate(
        count=Count("pk"), quality=Avg("quality"), discipline=Avg("discipline")
    )
    history = list(
        AuditLog.objects.filter(
            action="reviewer.status",
            object_type=Reviewer._meta.label,
            object_id=str(reviewer.pk),
        )
        .select_related("actor")
        .order_by("at", "pk")
    )
    labels = dict(Reviewer.Status.choices)
    for entry in history:
        entry.source_label = labels.get(entry.detail.get("source"), "")
        entry.target_label = labels.get(entry.detail.get("target"), "")
    return ReviewerRecord(
        reviewer=reviewer,
        assignments=assignments,
        open_assignments=list(reviewer_open_assignments(reviewer.pk)),
        evaluations=EvaluationSummary(
            count=totals["count"],
            quality=_average(totals["quality"]),
            discipline=_average(totals["discipline"]),
        ),
        status_history=history,
    )
