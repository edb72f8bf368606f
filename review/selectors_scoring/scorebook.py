"""A reviewer's own scorebook beside the applicant's self-assessment."""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.http import Http404

from applications.models import ApplicationSnapshot, Case
from applications.selectors import case_for_user
from hengyang_award.core.models import ScoringItem, User

from .. import scoring
from ..models import Assignment, Scorebook
from .common import (
    ACTIVE,
    DOCUMENT,
    BandGuide,
    band_guides,
    scoring_items,
)


def assignment_for_scoring(user: User, case_pk: int) -> Assignment:
    """The user's own active document assignment on a case they can see; 404 for
    anybody else (the office and unassigned reviewers included)."""
    case = case_for_user(user, case_pk)
    assignment = (
        Assignment.objects.filter(case=case, stage=DOCUMENT, status=ACTIVE, reviewer__user=user)
        .select_related("reviewer", "case__cycle", "case__organisation")
        .first()
    )
    if assignment is None or not user.has_perm("applications.review_case", case):
        raise Http404
    return assignment


def application_of(case: Case) -> dict[str, Any]:
    """The frozen application of the case's current round: the self-assessment per
    item ({"text", "percent"}) and the evidence files."""
    snapshot = (
        ApplicationSnapshot.objects.filter(case=case, round=case.submission_round)
        .only("data")
        .first()
    )
    data = snapshot.data if snapshot else {}
    form = data.get("form", {})
    attachments = data.get("attachments", [])
    if not case.cycle.confidential_files_to_reviewers:
        # Art. 21: the cycle keeps files marked confidential from reviewers.
        attachments = [a for a in attachments if a.get("confidentiality") == "none"]
    return {
        "overview": form.get("overview", ""),
        "self_assessment": form.get("self_assessment") or {},
        "attachments": attachments,
    }


@dataclass
class SheetRow:
    item: ScoringItem
    guide: list[BandGuide]
    self_text: str
    self_percent: int | None
    percent: int | None
    strengths: list[str]
    opportunities: list[str]
    fields: dict[str, Any] | None = None  # the form's fields of this item, set by the view

    @property
    def points(self) -> Decimal:
        return scoring.item_points(self.item.points, self.percent)

    @property
    def band(self) -> scoring.Band | None:
        return None if self.percent is None else scoring.band_of_share(self.percent)


@dataclass
class SheetCategory:
    code: str
    name: str
    points: int
    rows: list[SheetRow] = field(default_factory=list)

    @property
    def scored(self) -> Decimal:
        return sum((r.points for r in self.rows), Decimal(0))


@dataclass
class Sheet:
    categories: list[SheetCategory]
    total: Decimal
    total_points: int
    missing: list[str]


def scorebook_sheet(assignment: Assignment) -> Sheet:
    """The reviewer's entries per item, beside the applicant's self-assessment and
    the band descriptors of the item's kind."""
    scorebook = Scorebook.objects.filter(assignment=assignment).first()
    entries = {e.item_code: e for e in scorebook.entries.all()} if scorebook else {}
    return _sheet(assignment.case, entries)


def _sheet(case: Case, entries: dict[str, Any]) -> Sheet:
    items = scoring_items()
    guides = band_guides()
    assessment = application_of(case)["self_assessment"]
    categories: dict[str, SheetCategory] = {}
    for item in items:
        entry = entries.get(item.code)
        own = assessment.get(item.code) or {}
        category = categories.setdefault(
            item.category_code,
            SheetCategory(code=item.category_code, name=item.category_name, points=0),
        )
        category.points += item.points
        category.rows.append(
            SheetRow(
                item=item,
                guide=guides[item.kind],
                self_text=own.get("text", ""),
                self_percent=own.get("percent"),
                percent=entry.percent if entry else None,
                strengths=list(entry.strengths) if entry else [],
                opportunities=list(entry.opportunities) if entry else [],
            )
        )
    percents = {code: e.percent for code, e in entries.items()}
    return Sheet(
        categories=list(categories.values()),
        total=scoring.total(items, percents),
        total_points=sum(i.points for i in items),
        missing=[i.code for i in items if percents.get(i.code) is None],
    )
