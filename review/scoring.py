"""The arithmetic of GB/T 19580 scoring (GB/Z 19579 bands): item points, category
and total sums, the median and spread of a group's percentages, and the band a
share of points falls in. Pure functions of their arguments: no database."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from hengyang_award.core.scoring import allowed_percents, standard

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


class Item(Protocol):
    """What the arithmetic needs of a scoring item (ScoringItem has it)."""

    code: str
    category_code: str
    category_name: str
    points: int


def percent_valid(percent: object) -> bool:
    """A percentage the guide allows: an int from 0 to 100 in its step (5 %)."""
    return (
        isinstance(percent, int)
        and not isinstance(percent, bool)
        and (percent in allowed_percents())
    )


def item_points(points: int, percent: int | None) -> Decimal:
    """Item points = percentage × item points (exact, two decimals)."""
    if percent is None:
        return Decimal(0).quantize(CENT)
    return (Decimal(points) * Decimal(percent) / HUNDRED).quantize(CENT)


@dataclass(frozen=True)
class CategorySum:
    code: str
    name: str
    points: int
    scored: Decimal

    @property
    def percent(self) -> Decimal:
        """The share of the category's points reached, in percent."""
        if not self.points:
            return Decimal(0)
        return (self.scored * HUNDRED / Decimal(self.points)).quantize(CENT)


def category_sums(items: Iterable[Item], percents: Mapping[str, int | None]) -> list[CategorySum]:
    """Points reached per category, in the items' order of categories."""
    order: list[str] = []
    names: dict[str, str] = {}
    points: dict[str, int] = {}
    scored: dict[str, Decimal] = {}
    for item in items:
        code = item.category_code
        if code not in points:
            order.append(code)
            names[code] = item.category_name
            points[code] = 0
            scored[code] = Decimal(0)
        points[code] += item.points
        scored[code] += item_points(item.points, percents.get(item.code))
    return [
        CategorySum(code=c, name=names[c], points=points[c], scored=scored[c].quantize(CENT))
        for c in order
    ]


def total(items: Iterable[Item], percents: Mapping[str, int | None]) -> Decimal:
    return sum(
        (item_points(item.points, percents.get(item.code)) for item in items), Decimal(0)
    ).quantize(CENT)


def median(values: Sequence[int]) -> Decimal | None:
    """The median of the group's percentages (mean of the middle two for an even
    count); None without values."""
    ordered = sorted(values)
    n = len(ordered)
    if n == 0:
        return None
    middle = n // 2
    if n % 2:
        return Decimal(ordered[middle])
    return (Decimal(ordered[middle - 1]) + Decimal(ordered[middle])) / 2


def spread(values: Sequence[int]) -> int | None:
    """Highest minus lowest percentage, in percentage points."""
    if not values:
        return None
    return max(values) - min(values)


def diverges(values: Sequence[int], margin: int) -> bool:
    """Reviewers diverge when their spread exceeds the cycle's margin."""
    width = spread(values)
    return width is not None and width > margin


def departs(percent: int, centre: Decimal | None, margin: int) -> bool:
    """A consensus percentage that departs from the median by more than the margin."""
    return centre is not None and abs(Decimal(percent) - centre) > margin


def nearest_step(value: Decimal | None) -> int | None:
    """The allowed percentage nearest to a value (halves round up)."""
    if value is None:
        return None
    step = standard()["scoring_bands"]["step_percent"]
    steps = (value / step).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return max(0, min(100, int(steps) * step))


@dataclass(frozen=True)
class Band:
    low: int
    high: int

    @property
    def label(self) -> str:
        return f"{self.low}%–{self.high}%"


def bands() -> list[Band]:
    """The guide's six bands (the same bounds for process and result items)."""
    return [Band(b["min"], b["max"]) for b in standard()["scoring_bands"]["process"]["bands"]]


def band_of_share(percent: Decimal | float | int) -> Band:
    """The band a share of points falls in. Shares between two bands (e.g. 67 %,
    from a mix of item percentages) belong to the lower band: the next band is
    reached only from its lower bound."""
    found = bands()[0]
    for band in bands():
        if Decimal(str(percent)) >= band.low:
            found = band
    return found
