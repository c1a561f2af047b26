"""Relationship health and the brand's service: the service dashboard page, and the health
section of a creator's page (``creator_section``, included by the creators app)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from babel.numbers import format_decimal, format_percent
from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, ngettext_lazy

from rapport.campaigns.queries.sla import duration_text
from rapport.creators.models import Creator
from rapport.performance.kpis import NOT_AVAILABLE, ratio
from rapport.performance.queries import health as queries
from rapport.performance.queries.service import (
    MONTH_CHOICES,
    Dashboard,
    ServiceLevels,
    dashboard,
)
from rapport.workspaces.decorators import request_workspace, workspace_view
from rapport.workspaces.roles import Perm

RATES = ("on_time_rate", "response_rate", "sla_attainment", "clarification_rate")
HOURS = ("median_response_hours", "median_approval_hours")
DAYS = ("median_days_to_pay", "median_review_days")
RATINGS = ("quality_score", "satisfaction")

LABELS = {
    "on_time_rate": gettext_lazy("On-time delivery"),
    "response_rate": gettext_lazy("Response to offers"),
    "approval_rounds": gettext_lazy("Drafts per deliverable"),
    "quality_score": gettext_lazy("Content quality"),
    "repeat": gettext_lazy("Repeat collaboration"),
    "satisfaction": gettext_lazy("Creator satisfaction"),
    "open_to_new_formats": gettext_lazy("Open to new formats"),
    "median_response_hours": gettext_lazy("Median first response"),
    "median_approval_hours": gettext_lazy("Median approval time"),
    "median_days_to_pay": gettext_lazy("Median days to pay"),
    "median_review_days": gettext_lazy("Median days in review"),
    "sla_attainment": gettext_lazy("SLA attainment"),
    "clarification_rate": gettext_lazy("Clarification rate"),
}
CREATOR_FIGURES = (
    "on_time_rate",
    "response_rate",
    "approval_rounds",
    "quality_score",
    "repeat",
    "satisfaction",
    "open_to_new_formats",
)
SERVICE_FIGURES = (
    "median_response_hours",
    "median_approval_hours",
    "median_days_to_pay",
    "sla_attainment",
    "clarification_rate",
    "median_review_days",
)


def _locale() -> str:
    return translation.to_locale(translation.get_language() or "en")


def text(name: str, value: Any) -> str:
    """A health or service figure as people read it: "85%", "1 d 2 h", "4.5 days", "4.2 / 5",
    "yes"; "n/a" when it is not known."""
    if value is None:
        return str(NOT_AVAILABLE)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if name in RATES:
        return format_percent(value, locale=_locale())
    if name in HOURS:
        return duration_text(dt.timedelta(hours=float(value)))
    amount = format_decimal(value, format="#,##0.#", locale=_locale())
    if name in DAYS:
        return ngettext("%(n)s day", "%(n)s days", 1 if value == 1 else 2) % {"n": amount}
    if name in RATINGS:
        return _("%(n)s / 5") % {"n": amount}
    return str(amount)


@dataclass(frozen=True)
class Shown:
    """One figure on a page: its name, label, value as text and definition in words."""

    name: str
    label: str
    text: str
    definition: str
    value: Any


def shown(names: tuple[str, ...], source: Any) -> list[Shown]:
    """The figures ``names`` of ``source`` (a CreatorHealth or ServiceLevels), ready to show."""
    return [
        Shown(
            name=name,
            label=str(LABELS[name]),
            text=text(name, getattr(source, name)),
            definition=str(queries.DEFINITIONS[name]),
            value=getattr(source, name),
        )
        for name in names
    ]


def creator_section(request: HttpRequest, creator: Creator) -> dict[str, Any]:
    """The context of performance/_creator_health.html on the creator's page (keys start with
    ``health_``): the creator's health with its score, and the brand's service to them."""
    health, service = queries.health_at(creator.workspace, [creator.pk], now=timezone.now())
    mine = health.get(creator.pk)
    return {
        "health": mine,
        "health_figures": shown(CREATOR_FIGURES, mine) if mine else [],
        "health_service": shown(SERVICE_FIGURES, service.get(creator.pk, ServiceLevels())),
        "health_score_rule": str(queries.SCORE_RULE),
    }


class PeriodForm(forms.Form):
    months = forms.TypedChoiceField(
        label=gettext_lazy("Period"),
        choices=[
            (n, ngettext_lazy("last %(n)s month", "last %(n)s months", "n") % {"n": n})
            for n in MONTH_CHOICES
        ],
        coerce=int,
        initial=6,
        required=False,
    )


def months_of(data: Any) -> int:
    """The period asked for (3, 6 or 12 months); 6 when missing or not one of those."""
    form = PeriodForm(data)
    return (form.is_valid() and form.cleaned_data["months"]) or 6


# The bar chart's drawing area, in SVG units.
CHART_WIDTH, CHART_HEIGHT, BAR_GAP = 720, 140, 16


def trend_bars(board: Dashboard) -> list[dict[str, Any]]:
    """One bar per month: SLA attainment as its height (no bar when nothing was decided)."""
    width = CHART_WIDTH / len(board.trend)
    bars = []
    for n, month in enumerate(board.trend):
        rate = month.levels.sla_attainment
        height = 0 if rate is None else round(float(rate) * CHART_HEIGHT, 1)
        bars.append(
            {
                "x": round(n * width + BAR_GAP / 2, 1),
                "y": CHART_HEIGHT - height,
                "width": round(width - BAR_GAP, 1),
                "height": height,
                "label_x": round(n * width + width / 2, 1),
                "month": month.key,
                "text": text("sla_attainment", rate),
            }
        )
    return bars


def _rows(groups: list[Any]) -> list[dict[str, Any]]:
    return [{"group": group, "figures": shown(SERVICE_FIGURES, group.levels)} for group in groups]


@workspace_view(Perm.VIEW)
def service(request: HttpRequest) -> HttpResponse:
    """The service dashboard: how the brand serves its creators over the last months, overall,
    per service moment, per relationship owner, per creator and month by month."""
    workspace = request_workspace(request)
    months = months_of(request.GET or None)
    board = dashboard(workspace, months=months)
    return render(
        request,
        "performance/service.html",
        {
            "form": PeriodForm(initial={"months": months}),
            "board": board,
            "overall": shown(SERVICE_FIGURES, board.overall),
            "definitions": {name: str(queries.DEFINITIONS[name]) for name in SERVICE_FIGURES},
            "columns": [(LABELS[name], queries.DEFINITIONS[name]) for name in SERVICE_FIGURES],
            "by_moment": [
                {
                    "row": row,
                    "attainment": text(
                        "sla_attainment", ratio(row.attainment.met, row.attainment.total)
                    ),
                }
                for row in board.by_moment
            ],
            "by_owner": _rows(board.by_owner),
            "by_creator": _rows(board.by_creator),
            "trend": _rows(board.trend),
            "bars": trend_bars(board),
            "chart": {"width": CHART_WIDTH, "height": CHART_HEIGHT},
        },
    )


urls: list[URLPattern] = [
    path("service/", service, name="service"),
]
