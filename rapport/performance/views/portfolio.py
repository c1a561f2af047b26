"""The portfolio page (``performance:portfolio``): creators by cost per result against health,
the tier mix of the spend, and whom to deepen, keep, pause or test next.

Everyone in the workspace may look (``Perm.VIEW``); the page only reads.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from rapport.performance.kpis import definition
from rapport.performance.queries.portfolio import (
    DEEPEN_HEALTH,
    PAUSE_COST_INDEX,
    PAUSE_HEALTH,
    Portfolio,
    portfolio,
    rules,
)
from rapport.workspaces.decorators import request_workspace, workspace_view
from rapport.workspaces.roles import Perm

# The chart's drawing area inside its frame, in SVG units.
WIDTH, HEIGHT = 640, 400
LEFT, RIGHT, TOP, BOTTOM = 56, 24, 16, 56
# The cost index axis runs from 0 to at least 2 (twice the workspace's), at most 5.
AXIS_MIN, AXIS_MAX = Decimal(2), Decimal(5)


@require_safe
@workspace_view(Perm.VIEW)
def portfolio_page(request: HttpRequest) -> HttpResponseBase:
    """The portfolio in one currency (the first with figures unless chosen)."""
    workspace = request_workspace(request)
    problems: list[str] = []
    try:
        found = portfolio(workspace, currency=request.GET.get("currency"))
    except ValidationError as error:
        problems = [str(m) for messages in error.message_dict.values() for m in messages]
        found = portfolio(workspace)
    return render(
        request,
        "performance/portfolio.html",
        {
            "portfolio": found,
            "problems": problems,
            "rules": rules(),
            "chart": scatter(found),
            "columns": ("spend", "conversions", "impressions", "er"),
            "cost_definitions": [
                (name, definition(name, found.er_denominator)) for name in ("cpa", "cpm")
            ],
        },
    )


def _x(index: Decimal, top: Decimal) -> int:
    return LEFT + int(min(index, top) / top * (WIDTH - LEFT - RIGHT))


def _y(health: Decimal) -> int:
    return TOP + int((100 - health) / 100 * (HEIGHT - TOP - BOTTOM))


def scatter(found: Portfolio) -> SafeString:
    """An SVG of each creator with both a cost index and a health score: cost index across
    (left is cheaper per result than the workspace), health up; the rules' thresholds drawn as
    dashed lines and each point named in text. The page's table holds the same data."""
    plotted = [p for p in found.positions if p.cost_index is not None and p.health is not None]
    top = max([AXIS_MIN, *(p.cost_index for p in plotted if p.cost_index is not None)])
    top = min(top, AXIS_MAX)
    bottom_y, right_x = HEIGHT - BOTTOM, WIDTH - RIGHT
    left_out = len(found.positions) - len(plotted)
    desc = _(
        "Each creator with both a cost per result and a health score: the cost index across "
        "(1 is the workspace's own cost per result; left is cheaper), the health score up "
        "(0 to 100). Dashed lines mark a cost index of 1 and %(times)s and health scores of "
        "%(pause)s and %(deepen)s. %(plotted)s creators shown, %(left_out)s without both "
        "figures; the table lists everyone."
    ) % {
        "times": PAUSE_COST_INDEX,
        "pause": PAUSE_HEALTH,
        "deepen": DEEPEN_HEALTH,
        "plotted": len(plotted),
        "left_out": left_out,
    }
    guides = [
        (_x(Decimal(1), top), TOP, _x(Decimal(1), top), bottom_y),
        (_x(PAUSE_COST_INDEX, top), TOP, _x(PAUSE_COST_INDEX, top), bottom_y),
        (LEFT, _y(DEEPEN_HEALTH), right_x, _y(DEEPEN_HEALTH)),
        (LEFT, _y(PAUSE_HEALTH), right_x, _y(PAUSE_HEALTH)),
    ]
    parts = [
        format_html(
            '<svg class="chart" role="img" viewBox="0 0 {w} {h}" width="100%" '
            'aria-labelledby="portfolio-chart-title portfolio-chart-desc" '
            'xmlns="http://www.w3.org/2000/svg">'
            '<title id="portfolio-chart-title">{title}</title>'
            '<desc id="portfolio-chart-desc">{desc}</desc>'
            '<line x1="{l}" y1="{b}" x2="{r}" y2="{b}" stroke="#555"></line>'
            '<line x1="{l}" y1="{t}" x2="{l}" y2="{b}" stroke="#555"></line>'
            '<text x="{cx}" y="{ly}" font-size="12" text-anchor="middle">{xlabel}</text>'
            '<text x="14" y="{cy}" font-size="12" text-anchor="middle" '
            'transform="rotate(-90 14 {cy})">{ylabel}</text>'
            '<text x="{l}" y="{tick}" font-size="11" text-anchor="middle">0</text>'
            '<text x="{r}" y="{tick}" font-size="11" text-anchor="end">{top}</text>'
            '<text x="{lt}" y="{by}" font-size="11" text-anchor="end">0</text>'
            '<text x="{lt}" y="{ty}" font-size="11" text-anchor="end">100</text>',
            w=WIDTH,
            h=HEIGHT,
            title=_("Cost per result against health"),
            desc=desc,
            l=LEFT,
            r=right_x,
            t=TOP,
            b=bottom_y,
            cx=(LEFT + right_x) // 2,
            ly=HEIGHT - 12,
            cy=(TOP + bottom_y) // 2,
            xlabel=_("Cost index (1 = the workspace's cost per result)"),
            ylabel=_("Health score"),
            tick=bottom_y + 16,
            top=f"{top:.1f}",
            lt=LEFT - 6,
            by=bottom_y,
            ty=TOP + 10,
        ),
        format_html_join(
            "",
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#888" stroke-dasharray="4 4"></line>',
            guides,
        ),
        format_html_join(
            "",
            '<g><circle cx="{}" cy="{}" r="5" fill="#1d5fa7"></circle>'
            '<text x="{}" y="{}" font-size="11">{}</text>'
            "<title>{}: {} · {}</title></g>",
            (
                (
                    _x(p.cost_index, top),
                    _y(p.health),
                    _x(p.cost_index, top) + 8,
                    _y(p.health) + 4,
                    p.name[:24],
                    p.name,
                    p.cost_text,
                    _("health %(score)s") % {"score": p.health},
                )
                for p in plotted
                if p.cost_index is not None and p.health is not None
            ),
        ),
        SafeString("</svg>"),
    ]
    return SafeString("".join(parts))


urls: list[URLPattern] = [path("portfolio/", portfolio_page, name="portfolio")]
