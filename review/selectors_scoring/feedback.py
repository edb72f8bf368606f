"""The content of the feedback report: bands, never exact scores."""

from dataclasses import dataclass
from decimal import Decimal

from applications.models import Case

from .. import scoring
from ..models import Consensus
from ..radar import radar_svg
from .common import DOCUMENT, scoring_items


@dataclass
class FeedbackCategory:
    code: str
    name: str
    band: scoring.Band
    share: Decimal
    strengths: list[tuple[str, str]]  # (item name, sentence)
    opportunities: list[tuple[str, str]]


@dataclass
class Feedback:
    case: Case
    overall_band: scoring.Band
    categories: list[FeedbackCategory]
    strongest: list[FeedbackCategory]
    weakest: list[FeedbackCategory]
    radar: str


def feedback_of(case: Case) -> Feedback:
    """The feedback report's content, from the submitted document consensus: bands,
    never exact scores. Raises Consensus.DoesNotExist without one."""
    consensus = Consensus.objects.prefetch_related("entries").get(
        case=case, stage=DOCUMENT, status=Consensus.Status.SUBMITTED
    )
    items = scoring_items()
    entries = {e.item_code: e for e in consensus.entries.all()}
    sums = scoring.category_sums(items, {c: e.percent for c, e in entries.items()})
    categories = []
    for block in sums:
        members = [i for i in items if i.category_code == block.code]
        categories.append(
            FeedbackCategory(
                code=block.code,
                name=block.name,
                band=scoring.band_of_share(block.percent),
                share=block.percent,
                strengths=[
                    (i.name, line)
                    for i in members
                    if i.code in entries
                    for line in entries[i.code].strengths
                ],
                opportunities=[
                    (i.name, line)
                    for i in members
                    if i.code in entries
                    for line in entries[i.code].opportunities
                ],
            )
        )
    total_points = sum(i.points for i in items) or 1
    overall = scoring.total(items, {c: e.percent for c, e in entries.items()}) * 100 / total_points
    # Key themes: the categories clearly above and below the organisation's own
    # overall level (three each at most); an even profile has neither.
    above = sorted((c for c in categories if c.share > overall), key=lambda c: -c.share)
    below = sorted((c for c in categories if c.share < overall), key=lambda c: c.share)
    return Feedback(
        case=case,
        overall_band=scoring.band_of_share(overall),
        categories=categories,
        strongest=above[:3],
        weakest=below[:3],
        radar=radar_svg([c.name for c in categories], [c.share for c in categories], size=360),
    )
