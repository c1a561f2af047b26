"""The read-only wrap report behind a share link (``shared:report``, ``/shared/<token>/``).

No account is needed: the token is the key. The page shows the same report as the team's page,
without navigation, edit controls or anything private (no e-mail or postal address). It is not
indexed and sends no referrer. A revoked or expired link answers 410 with a plain page; a token
that names no link answers 404 and counts towards the same slow-down as bad hub tokens.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from rapport.hub import throttle
from rapport.performance.charts import Value, bar_chart, line_chart
from rapport.performance.kpis import LABELS, definition, show
from rapport.performance.queries.report import Report, Series, campaign_report
from rapport.performance.services.shares import ShareState, note_viewed, resolve, state_of

# The page lists the creators who cost the most; "show all" and the exports list every one.
ROWS_ON_PAGE = 50
# The per-creator chart stays readable: the creators who cost the most.
CREATORS_IN_CHART = 20


def report_context(report: Report, *, show_all: bool = False) -> dict[str, Any]:
    """What templates/performance/_report_body.html needs: the report, the creators' rows to
    show (the :data:`ROWS_ON_PAGE` with the most spend unless ``show_all``) and its charts."""
    shown = report.rows if show_all else report.rows[:ROWS_ON_PAGE]
    currency = report.currency
    result = report.result_metric
    spend_label, result_label = str(LABELS["spend"]), str(LABELS[result])

    def values(figures: Any) -> list[Value]:
        return [
            Value(figures.spend, show("spend", figures.spend, currency)),
            Value(getattr(figures, result), show(result, getattr(figures, result))),
        ]

    scaled = _("Each series is scaled to its own largest value; the table lists every figure.")
    charts: dict[str, Any] = {
        "chart_creators": bar_chart(
            chart_id="chart-creators",
            title=_("Spend and %(result)s per creator") % {"result": result_label.lower()},
            desc=scaled,
            series=[spend_label, result_label],
            groups=[(row.creator, values(row.figures)) for row in shown[:CREATORS_IN_CHART]],
        ),
        "chart_tiers": bar_chart(
            chart_id="chart-tiers",
            title=_("Spend and %(result)s per tier") % {"result": result_label.lower()},
            desc=scaled,
            series=[spend_label, result_label],
            groups=[(tier.label, values(tier.figures)) for tier in report.tiers],
        ),
    }
    if report.series is not None:
        charts |= over_time_context(
            Series(
                currency=currency,
                er_denominator=report.er_denominator,
                result_metric=result,
                series=report.series,
            )
        )
    return {
        "report": report,
        "rows_shown": shown,
        "rows_hidden": len(report.rows) - len(shown),
        "creators_in_chart": min(len(shown), CREATORS_IN_CHART),
    } | charts


def over_time_context(found: Series) -> dict[str, Any]:
    """What templates/performance/_report_over_time.html needs: the charts and the table of the
    campaign's figures over time."""
    result, currency = found.result_metric, found.currency
    names = list(dict.fromkeys(("reach", "impressions", "views", "engagements", result)))
    return {
        "series": found.series,
        "charts_over_time": [
            line_chart(
                chart_id=f"chart-time-{name}",
                title=_("%(figure)s over time") % {"figure": LABELS[name]},
                desc=_("%(figure)s as known on each date, from the first post to the last date.")
                % {"figure": LABELS[name]},
                points=[
                    (day.isoformat(), Value(getattr(f, name), show(name, getattr(f, name))))
                    for day, f in found.series
                ],
            )
            for name in dict.fromkeys((result, "engagements"))
        ]
        if found.series
        else [],
        "series_header": [
            (str(LABELS[name]), definition(name, found.er_denominator)) for name in names
        ],
        "series_rows": [
            (day, [show(name, getattr(figures, name), currency) for name in names])
            for day, figures in found.series
        ],
    }


def _closed(request: HttpRequest, state: ShareState) -> HttpResponse:
    return _private(render(request, "performance/shared_closed.html", {"state": state}, status=410))


def _private(response: HttpResponse) -> HttpResponse:
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
def shared_report(request: HttpRequest, token: str) -> HttpResponse:
    """The campaign's wrap report, read-only, for whoever holds a live link."""
    share = resolve(token)
    if share is None:
        wait = throttle.retry_after(request)
        if wait:
            response = render(request, "performance/shared_closed.html", {"wait": wait}, status=429)
            response["Retry-After"] = str(wait)
            return _private(response)
        throttle.record_failure(request)
        return _private(render(request, "performance/shared_closed.html", status=404))
    state = state_of(share)
    if state != ShareState.ACTIVE:
        return _closed(request, state)
    note_viewed(share)
    try:
        report = campaign_report(share.campaign, currency=request.GET.get("currency"))
    except ValidationError:
        report = campaign_report(share.campaign)
    context = report_context(report, show_all="all" in request.GET) | {
        "share": share,
        "workspace_name": share.campaign.workspace.name,
    }
    return _private(render(request, "performance/shared_report.html", context))


urls: list[URLPattern] = [path("<str:token>/", shared_report, name="report")]
