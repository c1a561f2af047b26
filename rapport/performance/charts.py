"""Server-rendered SVG charts for the reports: grouped horizontal bars and a line.

A chart is a picture of figures the page also lists in a table: each SVG has ``role="img"``, a
``<title>`` and a ``<desc>`` (what it shows, in words), and every bar or point carries its value
as text, so nothing is known only from a length. Each series of a bar chart is scaled to its own
largest value (spend and results have different units); the description says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

# Colours with enough contrast on white, and told apart by their legend as well as by colour.
COLOURS = ("#1d5fa7", "#c2571a", "#2f7d32")
WIDTH = 640
LABEL_WIDTH = 160
VALUE_WIDTH = 90
BAR_HEIGHT = 14
GAP = 10
LINE_HEIGHT = 200
PAD = 30


@dataclass(frozen=True)
class Value:
    """One figure in a chart: its number (``None`` = not known) and how the page writes it."""

    number: Decimal | int | None
    text: str


def _fraction(value: Decimal | int | None, largest: Decimal) -> Decimal:
    if not value or value <= 0 or not largest:
        return Decimal(0)
    return Decimal(value) / largest


def _open(chart_id: str, title: str, desc: str, width: int, height: int) -> SafeString:
    return format_html(
        '<svg class="chart" role="img" viewBox="0 0 {w} {h}" width="100%" '
        'preserveAspectRatio="xMinYMin meet" aria-labelledby="{id}-title {id}-desc" '
        'xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>',
        w=width,
        h=height,
        id=chart_id,
        title=title,
        desc=desc,
    )


def _legend(series: Sequence[str], y: int) -> SafeString:
    return format_html_join(
        "",
        '<rect x="{}" y="{}" width="12" height="12" fill="{}"></rect>'
        '<text x="{}" y="{}" font-size="12">{}</text>',
        (
            (LABEL_WIDTH + i * 160, y, COLOURS[i % len(COLOURS)], LABEL_WIDTH + i * 160 + 16,
             y + 11, name)
            for i, name in enumerate(series)
        ),
    )  # fmt: skip


def bar_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    series: Sequence[str],
    groups: Sequence[tuple[str, Sequence[Value]]],
) -> SafeString:
    """Horizontal bars: one group per label (a creator, a tier), one bar per series in it, each
    series scaled to its own largest value and every bar followed by its value as text."""
    largest = [
        max((Decimal(g[1][i].number or 0) for g in groups), default=Decimal(0))
        for i in range(len(series))
    ]
    group_height = len(series) * (BAR_HEIGHT + 2) + GAP
    height = 24 + len(groups) * group_height + GAP
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    parts = [_open(chart_id, title, desc, WIDTH, height), _legend(series, 4)]
    for n, (label, values) in enumerate(groups):
        top = 24 + n * group_height
        parts.append(
            format_html(
                '<text x="0" y="{}" font-size="12"><tspan>{}</tspan></text>',
                top + BAR_HEIGHT - 2,
                label[:24],
            )
        )
        for i, value in enumerate(values):
            y = top + i * (BAR_HEIGHT + 2)
            length = int(_fraction(value.number, largest[i]) * span)
            parts.append(
                format_html(
                    '<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{c}">'
                    "<title>{s}: {t}</title></rect>"
                    '<text x="{tx}" y="{ty}" font-size="11">{t}</text>',
                    x=LABEL_WIDTH,
                    y=y,
                    w=max(length, 1),
                    h=BAR_HEIGHT,
                    c=COLOURS[i % len(COLOURS)],
                    s=series[i],
                    t=value.text,
                    tx=LABEL_WIDTH + length + 4,
                    ty=y + BAR_HEIGHT - 3,
                )
            )
    parts.append(SafeString("</svg>"))
    return SafeString("".join(parts))


def line_chart(
    *, chart_id: str, title: str, desc: str, points: Sequence[tuple[str, Value]]
) -> SafeString:
    """One line through ``points`` (label, value) from left to right, the first and last labels
    written under it and each point's value in its tooltip; an unknown value counts as 0."""
    height = LINE_HEIGHT + 2 * PAD
    largest = max((Decimal(v.number or 0) for _, v in points), default=Decimal(0))
    step = (WIDTH - 2 * PAD) / max(len(points) - 1, 1)
    coords = [
        (
            PAD + int(i * step),
            PAD + LINE_HEIGHT - int(_fraction(v.number, largest) * LINE_HEIGHT),
        )
        for i, (_, v) in enumerate(points)
    ]
    parts = [
        _open(chart_id, title, desc, WIDTH, height),
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#888"></line>',
            PAD,
            PAD + LINE_HEIGHT,
            WIDTH - PAD,
            PAD + LINE_HEIGHT,
        ),
    ]
    if coords:
        parts.append(
            format_html(
                '<polyline fill="none" stroke="{}" stroke-width="2" points="{}"></polyline>',
                COLOURS[0],
                " ".join(f"{x},{y}" for x, y in coords),
            )
        )
        parts.append(
            format_html_join(
                "",
                '<circle cx="{}" cy="{}" r="3" fill="{}"><title>{}: {}</title></circle>',
                (
                    (x, y, COLOURS[0], label, value.text)
                    for (x, y), (label, value) in zip(coords, points, strict=True)
                ),
            )
        )
        ends = [(coords[0][0], points[0]), (coords[-1][0], points[-1])]
        parts.append(
            format_html_join(
                "",
                '<text x="{}" y="{}" font-size="11" text-anchor="{}">{} · {}</text>',
                (
                    (x, height - 8, "start" if n == 0 else "end", label, value.text)
                    for n, (x, (label, value)) in enumerate(ends[: len(points)])
                ),
            )
        )
    parts.append(SafeString("</svg>"))
    return SafeString("".join(parts))
