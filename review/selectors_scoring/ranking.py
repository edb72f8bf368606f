"""The office's ranking of the cycle's cases by consensus total."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch, Q

from applications.models import Case
from applications.workflow import CaseState
from hengyang_award.core.models import AwardCycle

from .. import scoring
from ..models import Assignment, Consensus
from ..radar import radar_svg
from .common import ACTIVE, DOCUMENT, SUBMITTED, scoring_items


@dataclass
class RankingRow:
    case: Case
    total: Decimal | None
    categories: list[scoring.CategorySum]
    submitted: int
    reviewers: int
    candidate: bool
    proposed: bool = False
    radar: str = ""

    @property
    def band(self) -> scoring.Band | None:
        if self.total is None:
            return None
        return scoring.band_of_share(self.total * 100 / self.case.cycle.total_points)


def ranking(cycle: AwardCycle) -> list[RankingRow]:
    """Every case of the cycle that reached document review, by consensus total
    with the category breakdown; the cases still to decide are `candidate`, and
    the cycle's rule (at most N, at least the threshold) marks the `proposed` ones.
    A fixed number of queries whatever the number of cases."""
    has_consensus = Consensus.objects.filter(
        case=OuterRef("pk"), stage=DOCUMENT, status=Consensus.Status.SUBMITTED
    )
    cases = list(
        Case.objects.filter(cycle=cycle)
        .filter(Q(state=CaseState.DOCUMENT_REVIEW) | Q(Exists(has_consensus)))
        .select_related("organisation", "cycle")
        .prefetch_related(
            Prefetch(
                "consensuses",
                queryset=Consensus.objects.filter(
                    stage=DOCUMENT, status=Consensus.Status.SUBMITTED
                ).prefetch_related("entries"),
                to_attr="document_consensus",
            ),
            Prefetch(
                "review_assignments",
                queryset=Assignment.objects.filter(stage=DOCUMENT, status=ACTIVE).select_related(
                    "scorebook"
                ),
                to_attr="document_assignments",
            ),
        )
    )
    items = scoring_items()
    rows = []
    for case in cases:
        consensus = case.document_consensus[0] if case.document_consensus else None
        percents = {e.item_code: e.percent for e in consensus.entries.all()} if consensus else {}
        sums = scoring.category_sums(items, percents)
        rows.append(
            RankingRow(
                case=case,
                total=consensus.total if consensus else None,
                categories=sums,
                submitted=sum(
                    1
                    for a in case.document_assignments
                    if getattr(a, "scorebook", None) is not None and a.scorebook.status == SUBMITTED
                ),
                reviewers=len(case.document_assignments),
                candidate=consensus is not None and case.state == CaseState.DOCUMENT_REVIEW,
                radar=radar_svg(
                    [s.name for s in sums], [s.percent for s in sums], size=96, show_labels=False
                )
                if consensus
                else "",
            )
        )
    rows.sort(key=lambda r: (r.total is None, -(r.total or 0), r.case.organisation.name))
    limit = cycle.onsite_shortlist_max
    chosen = 0
    for row in rows:
        if not row.candidate or row.total < cycle.onsite_shortlist_threshold:
            continue
        if limit and chosen >= limit:
            break
        row.proposed = True
        chosen += 1
    return rows
