"""A radar chart of the seven categories as inline SVG, drawn in Python so the same
markup serves a web page and a WeasyPrint PDF (no script, no outside resource)."""

import math
from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

RINGS = (20, 40, 60, 80, 100)


def _point(cx: float, cy: float, radius: float, index: int, count: int) -> tuple[float, float]:
    # The first axis points straight up; the others follow clockwise.
    angle = -math.pi / 2 + 2 * math.pi * index / count
    return cx + radius * math.cos(angle), cy + radius * math.sin(angle)


def _polygon(points: Sequence[tuple[float, float]]) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in points)


def radar_svg(
    labels: Sequence[str],
    percents: Sequence[Decimal | float | int],
    *,
    size: int = 320,
    title: str = "",
    show_labels: bool = True,
) -> SafeString:
    """Each axis is one category, from 0 (centre) to 100 % of its points; the
    filled shape joins the shares reached. Values are not printed: the chart shows
    a profile, not a score."""
    count = len(labels)
    if count < 3 or len(percents) != count:
        return mark_safe("")
    font = max(9, round(size / 26))
    margin = font * 2.2 if show_labels else size * 0.04
    radius = size / 2 - margin
    # Labels beside the chart need room: wide enough for the longest one
    # (CJK glyphs are about one em wide).
    side = font * (max(len(str(x)) for x in labels) + 1.5) if show_labels else margin
    width = 2 * (radius + side)
    cx, cy = width / 2, size / 2
    label = f' aria-label="{escape(title)}"' if title else ""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="radar" width="{width:.0f}" '
        f'height="{size}" viewBox="0 0 {width:.0f} {size}" role="img"{label}>'
    ]
    if title:
        parts.append(f"<title>{escape(title)}</title>")
    for ring in RINGS:
        ring_points = [_point(cx, cy, radius * ring / 100, i, count) for i in range(count)]
        parts.append(
            f'<polygon points="{_polygon(ring_points)}" fill="none" stroke="#c8ced6" '
            f'stroke-width="{1.2 if ring == 100 else 0.6}"/>'
        )
    for i in range(count):
        x, y = _point(cx, cy, radius, i, count)
        parts.append(
            f'<line x1="{cx:.1f}" y1="{cy:.1f}" x2="{x:.1f}" y2="{y:.1f}" '
            'stroke="#c8ced6" stroke-width="0.6"/>'
        )
    shape = [
        _point(cx, cy, radius * max(0.0, min(100.0, float(p))) / 100, i, count)
        for i, p in enumerate(percents)
    ]
    parts.append(
        f'<polygon points="{_polygon(shape)}" fill="rgba(179,38,30,0.25)" '
        'stroke="#b3261e" stroke-width="1.6"/>'
    )
    for x, y in shape:
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.2" fill="#b3261e"/>')
    if show_labels:
        for i, label in enumerate(labels):
            x, y = _point(cx, cy, radius + font * 0.9, i, count)
            anchor = "middle" if abs(x - cx) < 1 else ("start" if x > cx else "end")
            baseline = y + font * 0.35
            if y < cy - radius * 0.9:
                baseline = y
            elif y > cy + radius * 0.9:
                baseline = y + font * 0.8
            parts.append(
                f'<text x="{x:.1f}" y="{baseline:.1f}" text-anchor="{anchor}" '
                f'font-size="{font}" font-family="Noto Sans CJK SC, sans-serif" '
                f'fill="#1f2933">{escape(label)}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — labels escaped above
