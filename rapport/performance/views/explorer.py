"""The results explorer (``performance:explorer``): every KPI at the level the member picks.

Everyone in the workspace may look (``Perm.VIEW``); the page only reads.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.http import require_safe

from rapport.campaigns.models import Campaign
from rapport.campaigns.queries.campaigns import campaign_for
from rapport.performance.queries.explorer import COLUMNS, LEVELS, explore
from rapport.performance.queries.figures import Level
from rapport.workspaces.decorators import request_workspace, workspace_view
from rapport.workspaces.roles import Perm

# Where a row's name leads, per level (by the row's key).
LINKS = {
    Level.CAMPAIGN: "performance:report",
    Level.CREATOR: "creators:detail",
    Level.COLLABORATION: "campaigns:collaboration",
    Level.POST: "performance:post",
}


def _campaign_id(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() else None


@require_safe
@workspace_view(Perm.VIEW)
def explorer(request: HttpRequest) -> HttpResponseBase:
    """The table of one level's groups in one currency, optionally within one campaign. A level
    or currency that does not exist is said, and the defaults are shown instead."""
    workspace = request_workspace(request)
    campaign_id = _campaign_id(request.GET.get("campaign"))
    campaign = campaign_for(workspace, campaign_id) if campaign_id else None
    problems: list[str] = []
    level, currency = request.GET.get("level"), request.GET.get("currency")
    try:
        exploration = explore(workspace, level=level, currency=currency, campaign=campaign)
    except ValidationError as error:
        problems = [str(m) for messages in error.message_dict.values() for m in messages]
        fields = error.message_dict
        exploration = explore(
            workspace,
            level=None if "level" in fields else level,
            currency=None if "currency" in fields else currency,
            campaign=campaign,
        )
    return render(
        request,
        "performance/explorer.html",
        {
            "exploration": exploration,
            "problems": problems,
            "columns": COLUMNS,
            "levels": [(value, Level(value).label) for value in LEVELS],
            "campaigns": Campaign.objects.filter(workspace=workspace)
            .order_by("name", "id")
            .only("pk", "name"),
            "link_name": LINKS.get(exploration.level, ""),
        },
    )


urls: list[URLPattern] = [path("", explorer, name="explorer")]
