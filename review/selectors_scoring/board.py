"""The group's submitted scorebooks side by side, and the consensus."""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from applications.models import Case
from applications.workflow import CaseState
from hengyang_award.core.models import ScoringItem, User

from .. import scoring
from ..models import Assignment, Consensus, ConsensusEntry, Scorebook, ScoreEntry
from ..radar import radar_svg
from .common import (
    ACTIVE,
    DOCUMENT,
    SUBMITTED,
    Standing,
    scoring_items,
    standing_of,
)


@dataclass
class BoardRow:
    item: ScoringItem
    percents: list[int | None]  # one per column of the board
    findings: list[tuple[str, list[str], list[str]]]  # (reviewer, strengths, opportunities)
    median: Decimal | None
    spread: int | None
    diverges: bool
    consensus: ConsensusEntry | None
    suggested: dict[str, Any]
    margin: int
    fields: dict[str, Any] | None = None  # the form's fields of this item, set by the view

    @property
    def departs(self) -> bool:
        """The saved consensus differs from the median by more than the margin: a
        reason is required before the consensus can be submitted."""
        entry = self.consensus
        return bool(
            entry
            and entry.percent is not None
            and scoring.departs(entry.percent, self.median, self.margin)
        )


@dataclass
class BoardCategory:
    code: str
    name: str
    rows: list[BoardRow] = field(default_factory=list)


@dataclass
class Board:
    case: Case
    standing: Standing
    columns: list[Scorebook]
    column_totals: list[Decimal]
    categories: list[BoardCategory]
    waiting: list[str]
    margin: int
    consensus: Consensus | None
    consensus_sums: list[scoring.CategorySum]
    consensus_total: Decimal
    radar: str

    @property
    def column_pairs(self) -> list[tuple[Scorebook, Decimal]]:
        return list(zip(self.columns, self.column_totals, strict=True))

    @property
    def can_edit(self) -> bool:
        return (
            self.standing.is_leader
            and self.case.state == CaseState.DOCUMENT_REVIEW
            and (self.consensus is None or self.consensus.status != Consensus.Status.SUBMITTED)
        )

    @property
    def consensus_visible(self) -> bool:
        """The draft is the leader's; the submitted consensus is the group's."""
        return self.consensus is not None and (
            self.standing.is_leader or self.consensus.status == Consensus.Status.SUBMITTED
        )


def _merged(lists: list[list[str]]) -> list[str]:
    seen: dict[str, None] = {}
    for lines in lists:
        for line in lines:
            seen.setdefault(line, None)
    return list(seen)


def consensus_board(user: User, case: Case) -> Board:
    """The submitted scorebooks side by side with the median and the spread per
    item, divergences beyond the cycle's margin flagged, and the consensus.
    Refuses (PermissionDenied) anyone who may not see the group's scores."""
    standing = standing_of(user, case)
    if not standing.sees_group_scores:
        if standing.assignment is not None:
            raise PermissionDenied(_("提交您自己的评分表后，才能查看评审组其他成员的评分。"))
        raise PermissionDenied(_("只有本案卷的评审组成员和评审办可以查看评分。"))
    items = scoring_items()
    assignments = list(
        Assignment.objects.filter(case=case, stage=DOCUMENT, status=ACTIVE)
        .select_related("reviewer", "scorebook")
        .order_by("role", "reviewer__name", "pk")
    )
    columns = [
        a.scorebook
        for a in assignments
        if getattr(a, "scorebook", None) is not None and a.scorebook.status == SUBMITTED
    ]
    waiting = [
        a.reviewer.name
        for a in assignments
        if getattr(a, "scorebook", None) is None or a.scorebook.status != SUBMITTED
    ]
    by_book: dict[int, dict[str, ScoreEntry]] = {b.pk: {} for b in columns}
    for entry in ScoreEntry.objects.filter(scorebook__in=columns):
        by_book[entry.scorebook_id][entry.item_code] = entry
    consensus = (
        Consensus.objects.filter(case=case, stage=DOCUMENT).prefetch_related("entries").first()
    )
    agreed = {e.item_code: e for e in consensus.entries.all()} if consensus else {}
    margin = case.cycle.consensus_margin_percent
    categories: dict[str, BoardCategory] = {}
    for item in items:
        cells = [
            by_book[b.pk][item.code].percent if item.code in by_book[b.pk] else None
            for b in columns
        ]
        values = [p for p in cells if p is not None]
        centre = scoring.median(values)
        found = [by_book[b.pk][item.code] for b in columns if item.code in by_book[b.pk]]
        categories.setdefault(
            item.category_code, BoardCategory(code=item.category_code, name=item.category_name)
        ).rows.append(
            BoardRow(
                item=item,
                percents=cells,
                findings=[
                    (
                        b.assignment.reviewer.name,
                        by_book[b.pk][item.code].strengths,
                        by_book[b.pk][item.code].opportunities,
                    )
                    for b in columns
                    if item.code in by_book[b.pk]
                ],
                median=centre,
                spread=scoring.spread(values),
                diverges=scoring.diverges(values, margin),
                consensus=agreed.get(item.code),
                suggested={
                    "percent": scoring.nearest_step(centre),
                    "strengths": _merged([e.strengths for e in found]),
                    "opportunities": _merged([e.opportunities for e in found]),
                },
                margin=margin,
            )
        )
    percents = {code: e.percent for code, e in agreed.items()}
    sums = scoring.category_sums(items, percents)
    board = Board(
        case=case,
        standing=standing,
        columns=columns,
        column_totals=[
            scoring.total(items, {c: e.percent for c, e in by_book[b.pk].items()}) for b in columns
        ],
        categories=list(categories.values()),
        waiting=waiting,
        margin=margin,
        consensus=consensus,
        consensus_sums=sums,
        consensus_total=scoring.total(items, percents),
        radar="",
    )
    if board.consensus_visible:
        board.radar = radar_svg(
            [s.name for s in sums], [s.percent for s in sums], title=_("各类目得分率")
        )
    return board
