"""The scoring arithmetic against hand-computed examples."""

import re
from decimal import Decimal
from types import SimpleNamespace

import pytest

from review import scoring
from review.radar import radar_svg


def item(code: str, category: str, points: int):
    return SimpleNamespace(
        code=code, category_code=category, category_name=f"类目{category}", points=points
    )


ITEMS = [
    item("4.1.2", "4.1", 50),
    item("4.1.3", "4.1", 30),
    item("4.1.4", "4.1", 30),
    item("4.7.2", "4.7", 80),
    item("4.7.3", "4.7", 15),
]


@pytest.mark.parametrize(
    ("points", "percent", "expected"),
    [
        (50, 60, Decimal("30.00")),
        (15, 35, Decimal("5.25")),
        (80, 0, Decimal("0.00")),
        (30, 100, Decimal("30.00")),
        (15, 5, Decimal("0.75")),
        (40, None, Decimal("0.00")),
    ],
)
def test_item_points_percent_of_item_points_exact(points, percent, expected):
    assert scoring.item_points(points, percent) == expected


def test_category_sums_and_total_hand_computed():
    percents = {"4.1.2": 60, "4.1.3": 45, "4.1.4": None, "4.7.2": 55, "4.7.3": 35}

    sums = scoring.category_sums(ITEMS, percents)
    total = scoring.total(ITEMS, percents)

    # 4.1: 50×60% + 30×45% + 0 = 30 + 13.5 = 43.5 of 110 → 39.55 %
    # 4.7: 80×55% + 15×35% = 44 + 5.25 = 49.25 of 95 → 51.84 %
    assert [(s.code, s.points, s.scored, s.percent) for s in sums] == [
        ("4.1", 110, Decimal("43.50"), Decimal("39.55")),
        ("4.7", 95, Decimal("49.25"), Decimal("51.84")),
    ]
    assert total == Decimal("92.75")


def test_total_of_the_standard_at_sixty_percent_is_six_hundred(db):
    from hengyang_award.core.models import ScoringItem

    items = list(ScoringItem.objects.all())

    total = scoring.total(items, {i.code: 60 for i in items})
    sums = scoring.category_sums(items, {i.code: 60 for i in items})

    assert total == Decimal("600.00")
    assert [(s.name, s.points, s.scored) for s in sums] == [
        ("领导", 110, Decimal("66.00")),
        ("战略", 90, Decimal("54.00")),
        ("顾客与市场", 90, Decimal("54.00")),
        ("资源", 130, Decimal("78.00")),
        ("过程管理", 100, Decimal("60.00")),
        ("测量、分析与改进", 80, Decimal("48.00")),
        ("结果", 400, Decimal("240.00")),
    ]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([60, 40, 50], Decimal(50)),
        ([60, 40, 50, 70], Decimal(55)),
        ([55, 60], Decimal("57.5")),
        ([30], Decimal(30)),
        ([], None),
    ],
)
def test_median_odd_even_single_empty(values, expected):
    assert scoring.median(values) == expected


def test_spread_and_divergence_against_margin():
    assert scoring.spread([40, 65, 50]) == 25
    assert scoring.spread([]) is None
    assert scoring.diverges([40, 65, 50], 20) is True
    assert scoring.diverges([40, 60, 50], 20) is False  # exactly the margin is not more
    assert scoring.diverges([], 20) is False


def test_departs_more_than_margin_from_median():
    assert scoring.departs(75, Decimal("50"), 20) is True
    assert scoring.departs(70, Decimal("50"), 20) is False
    assert scoring.departs(30, Decimal("57.5"), 20) is True
    assert scoring.departs(40, None, 20) is False


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("57.5"), 60),
        (Decimal("52.4"), 50),
        (Decimal("62.5"), 65),
        (Decimal(0), 0),
        (None, None),
    ],
)
def test_nearest_step_rounds_half_up_to_five(value, expected):
    assert scoring.nearest_step(value) == expected


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        (0, True),
        (5, True),
        (100, True),
        (62, False),
        (105, False),
        (-5, False),
        ("60", False),
        (True, False),
        (60.0, False),
    ],
)
def test_percent_valid_only_multiples_of_five_from_0_to_100(value, ok):
    assert scoring.percent_valid(value) is ok


@pytest.mark.parametrize(
    ("share", "label"),
    [
        (0, "0%–5%"),
        (7.5, "0%–5%"),
        (10, "10%–25%"),
        (Decimal("39.55"), "30%–45%"),
        (60, "50%–65%"),
        (67, "50%–65%"),
        (70, "70%–85%"),
        (100, "90%–100%"),
    ],
)
def test_band_of_share_lower_band_between_bands(share, label):
    assert scoring.band_of_share(share).label == label


def test_radar_svg_escapes_labels_and_draws_one_axis_per_category():
    svg = radar_svg(["领导", "<b>", "结果"], [60, 40, 100])

    assert svg.startswith("<svg")
    assert svg.count("<line") == 3
    assert "<b>" not in svg
    # Only the category names are written: the values are drawn, never printed.
    assert re.findall(r"<text[^>]*>(.*?)</text>", svg) == ["领导", "&lt;b&gt;", "结果"]
