"""API: click counts of a tracking link (with a daily series) and of a campaign's collaborations."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from rapport.api.pagination import Page, PageParams, keyset_page
from rapport.api.permissions import require_perm, workspace_of
from rapport.api.schemas import ErrorOut, FieldErrorsOut
from rapport.campaigns.models import Collaboration
from rapport.campaigns.queries.campaigns import campaign_for
from rapport.tracking.queries import clicks
from rapport.tracking.queries.links import link_for
from rapport.workspaces.roles import Perm

router = Router(tags=["Tracking"])

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorsOut}


class ClickCountsOut(Schema):
    human: int = Field(description="Clicks by people.")
    bots: int = Field(
        description="Clicks by robots, counted apart: crawlers, link-preview fetchers, HTTP "
        "libraries, HEAD requests and an empty User-Agent."
    )
    visitors: int = Field(
        description="Distinct visitors among the people's clicks, counted per day (the visitor "
        "hash changes every UTC day)."
    )


class DayOut(Schema):
    day: dt.date = Field(description="The day, in the workspace's time zone.")
    human: int
    bots: int


class LinkClicksOut(ClickCountsOut):
    """A tracking link's clicks: all-time counts and the last days day by day."""

    link_id: int
    slug: str = Field(description="The short link is `/r/<slug>`.")
    daily: list[DayOut] = Field(description="Oldest day first, zeros included.")


class DaysParams(Schema):
    days: int = Field(30, ge=1, le=366, description="How many days the series covers, today in.")


class CollaborationClicksOut(ClickCountsOut):
    collaboration_id: int
    creator_id: int
    creator: str = Field(description="The creator's name.")


class CampaignClicksOut(Page[CollaborationClicksOut]):
    """A campaign's clicks: the totals, and one page of its collaborations (zeros included)."""

    campaign_id: int
    total: ClickCountsOut = Field(description="Over every link of the campaign.")


@router.get(
    "/tracking-links/{link_id}/clicks",
    response={200: LinkClicksOut, **ERRORS},
    summary="Clicks of a tracking link",
)
def link_clicks(request: HttpRequest, link_id: int, params: Query[DaysParams]) -> dict[str, Any]:
    """All-time counts of the link's clicks (people and robots apart, distinct visitors) and a
    daily series over the last `days` days."""
    require_perm(request, Perm.VIEW)
    link = link_for(workspace_of(request), link_id)
    counts = clicks.link_counts([link])[link.pk]
    return {
        "link_id": link.pk,
        "slug": link.slug,
        **asdict(counts),
        "daily": [asdict(day) for day in clicks.daily_clicks(link, params.days)],
    }


@router.get(
    "/campaigns/{campaign_id}/clicks",
    response={200: CampaignClicksOut, **ERRORS},
    summary="Clicks of a campaign, per collaboration",
)
def campaign_clicks(
    request: HttpRequest, campaign_id: int, params: Query[PageParams]
) -> dict[str, Any]:
    """The campaign's click counts, and per collaboration (ordered by id, paginated)."""
    require_perm(request, Perm.VIEW)
    campaign = campaign_for(workspace_of(request), campaign_id)
    collaborations = (
        Collaboration.objects.filter(campaign=campaign)
        .select_related("creator")
        .only("id", "creator__id", "creator__name")
        .order_by("id")
    )
    page = keyset_page(collaborations, cursor=params.cursor, limit=params.limit)
    counts = clicks.collaboration_counts(campaign, collaboration_ids=[c.pk for c in page.items])
    return {
        "campaign_id": campaign.pk,
        "total": asdict(clicks.campaign_counts(campaign)),
        "items": [
            {
                "collaboration_id": c.pk,
                "creator_id": c.creator_id,
                "creator": c.creator.name,
                **asdict(counts[c.pk]),
            }
            for c in page.items
        ],
        "next": page.next,
    }
