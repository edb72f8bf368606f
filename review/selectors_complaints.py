"""Reads of complaints and reports (投诉举报, Art. 23). The office's lists and
records need `review.view_complaint` (checked by the views); nothing here is
for reviewers, and a complaint about a reviewer is never listed to that
reviewer's own account even when it also holds office rights."""

import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from applications.models import Case, CaseEvent
from hengyang_award.core.models import AwardCycle, User
from hengyang_award.core.selectors import cycles_public

from .models import Reviewer
from .models_complaints import Complaint

COMPLAINTS_PER_PAGE = 50


def complaint_cycles() -> QuerySet[AwardCycle]:
    """The cycles a complaint may be about: those shown to the public."""
    return cycles_public().order_by("-number")


def complaint_cases(cycle_ids: list[int] | None = None) -> QuerySet[Case]:
    """Cases that reached acceptance (an `accept` event), for the public form's
    choice by organisation name. The state is not read out to the public."""
    accepted = CaseEvent.objects.filter(case=OuterRef("pk"), name="accept")
    cases = Case.objects.filter(Exists(accepted), cycle__opened_at__isnull=False)
    if cycle_ids is not None:
        cases = cases.filter(cycle_id__in=cycle_ids)
    return cases.select_related("organisation").order_by("cycle_id", "organisation__name", "pk")


def complaints_for_office(
    user: User,
    *,
    cycle: AwardCycle | None = None,
    status: str = "",
    kind: str = "",
    overdue: bool = False,
    q: str = "",
    today: datetime.date,
) -> QuerySet[Complaint]:
    """The office's complaint list, newest first, with the filters of the list
    page. Complaints naming the user's own reviewer record are left out."""
    complaints = Complaint.objects.select_related("cycle", "case__organisation").exclude(
        reviewer__user=user
    )
    if cycle is not None:
        complaints = complaints.filter(cycle=cycle)
    if status:
        complaints = complaints.filter(status=status)
    if kind:
        complaints = complaints.filter(kind=kind)
    if overdue:
        complaints = complaints.filter(status__in=Complaint.OPEN, due_on__lt=today)
    q = q.strip()
    if q:
        compact = "".join(c for c in q.upper() if c.isalnum())
        complaints = complaints.filter(
            (Q(receipt__startswith=compact) if compact else Q(pk__in=[]))
            | Q(case__organisation__name__icontains=q)
            | Q(person_concerned__icontains=q)
        )
    return complaints.order_by("-received_at", "-pk")


def complaint_for_office(user: User, complaint_id: int) -> Complaint:
    """One complaint with its files, or 404 (also for a complaint about the
    user's own reviewer record)."""
    complaint = (
        Complaint.objects.select_related(
            "cycle",
            "case__organisation",
            "reviewer",
            "investigated_by",
            "closed_by",
            "reviewer_action_by",
        )
        .prefetch_related("files")
        .exclude(reviewer__user=user)
        .filter(pk=complaint_id)
        .first()
    )
    if complaint is None:
        raise Http404
    return complaint


def complaint_reviewer_choices() -> QuerySet[Reviewer]:
    """Pool entries an upheld complaint may lead to act on (not yet disqualified)."""
    return Reviewer.objects.exclude(status=Reviewer.Status.DISQUALIFIED).order_by("name", "pk")


def complaints_about_reviewer(reviewer_id: int) -> QuerySet[Complaint]:
    """The complaints the office linked to a reviewer: the way back from the
    pool record to the complaints behind a misconduct decision."""
    return Complaint.objects.filter(reviewer_id=reviewer_id).order_by("-received_at", "-pk")
