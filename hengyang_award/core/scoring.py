"""GB/T 19580 scoring items and the GB/Z 19579 scoring bands."""

import json
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "gbt19580_items.json"


@cache
def standard() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def allowed_percents() -> tuple[int, ...]:
    """Scores are percentages in steps of the guide (5 %), 0 to 100."""
    step = standard()["scoring_bands"]["step_percent"]
    return tuple(range(0, 101, step))


def band_of(kind: str, percent: int) -> dict | None:
    for band in standard()["scoring_bands"][kind]["bands"]:
        if band["min"] <= percent <= band["max"]:
            return band
    return None


def item_points(points: int, percent: int) -> float:
    return points * percent / 100
