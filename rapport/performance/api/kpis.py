"""API: the results explorer's table, every KPI at one level in one currency (the same query as
the page), with each figure's definition."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from rapport.api.permissions import require_perm, workspace_of
from rapport.api.schemas import ErrorOut
from rapport.campaigns.queries.campaigns import campaign_for
from rapport.performance import kpis
from rapport.performance.queries.explorer import COLUMNS, explore
from rapport.performance.queries.figures import SHARED_NOTE, Level
from rapport.workspaces.roles import Perm

router = Router(tags=["Performance"])

ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


class FiguresOut(Schema):
    """The raw totals of one group, in the answer's currency."""

    spend: Decimal = Field(description="Committed cost (less product unless counted) + bonus.")
    reach: int = Field(description="Sum of each post's latest reach.")
    impressions: int = Field(description="Sum of each post's latest impressions.")
    views: int = Field(description="Sum of each post's latest video views.")
    engagements: int = Field(description="Likes + comments + shares + saves (latest figures).")
    conversions: int = Field(description="Attributed orders, not cancelled nor fully refunded.")
    revenue: Decimal = Field(description="Revenue of those orders, net of refunds.")
    clicks: int = Field(description="Clicks on the tracking links by people (bots left out).")


class KpiOut(Schema):
    """One KPI: its value and how the pages write it."""

    value: Decimal | None = Field(
        description="Unrounded; ER as a fraction (0.0312 = 3.12%); null when its denominator is 0."
    )
    display: str = Field(description='As the pages show it: "$16.67", "3.12%", "2.00x", "n/a".')


class GroupOut(Schema):
    figures: FiguresOut
    kpis: dict[str, KpiOut] = Field(description="er, cpm, cpv, cpa, cpe and roas.")


class RowOut(GroupOut):
    key: int | str = Field(
        description="The group's id (post, deliverable, collaboration, creator, campaign, "
        "workspace) or code (tier, platform)."
    )
    label: str = Field(description="What the pages call the group.")


class KpisOut(Schema):
    level: Level
    currency: str = Field(description="Every amount's currency; empty when there is no figure.")
    currencies: list[str] = Field(
        description="The currencies with figures; ask for each in turn (never summed together)."
    )
    campaign_id: int | None
    er_denominator: str = Field(description="reach or impressions: what ER divides by.")
    shared: bool = Field(
        description="True at the post, deliverable and platform levels, where each "
        "collaboration's spend, conversions, revenue and clicks are shared equally among its posts."
    )
    definitions: dict[str, str] = Field(description="Each figure's definition, in words.")
    rows: list[RowOut] = Field(description="Biggest spend first.")
    totals: GroupOut = Field(description="The whole workspace (or campaign) in this currency.")


class KpiParams(Schema):
    level: str = Field(
        "campaign",
        description="post, deliverable, collaboration, creator, campaign, tier, platform or "
        "workspace.",
    )
    currency: str = Field("", description="ISO code; the first of `currencies` when blank.")
    campaign_id: int | None = Field(None, description="Only this campaign's figures.")


def group_out(figures: kpis.Figures, er_denominator: str) -> dict[str, Any]:
    """``figures`` and every KPI of them, as the API writes them."""
    found = kpis.kpis(figures, er_denominator)
    return {
        "figures": figures,
        "kpis": {
            name: {
                "value": getattr(found, name),
                "display": kpis.show(name, getattr(found, name), figures.currency),
            }
            for name in kpis.KPIS
        },
    }


def bad_choice(error: ValidationError) -> Status[dict[str, str]]:
    """A 400 answer saying what was wrong with the level or currency asked for."""
    return Status(400, {"detail": " ".join(m for ms in error.message_dict.values() for m in ms)})


@router.get("/kpis", response={200: KpisOut, **ERRORS}, summary="KPIs at one level")
def list_kpis(request: HttpRequest, params: Query[KpiParams]) -> Any:
    """Every KPI of each group of `level` in one currency, with the totals and each figure's
    definition: the results explorer's table. 400 for a level or currency that does not exist
    (the message lists the choices)."""
    require_perm(request, Perm.VIEW)
    workspace = workspace_of(request)
    campaign = campaign_for(workspace, params.campaign_id) if params.campaign_id else None
    try:
        found = explore(workspace, level=params.level, currency=params.currency, campaign=campaign)
    except ValidationError as error:
        return bad_choice(error)
    definitions = {
        name: kpis.definition(name, found.er_denominator) for name in ("clicks", *COLUMNS)
    }
    if found.shared:
        for name in ("spend", "conversions", "revenue", "clicks", "cpm", "cpv", "cpa", "cpe"):
            definitions[name] = f"{definitions[name]} {SHARED_NOTE}"
    return {
        "level": found.level,
        "currency": found.currency,
        "currencies": found.currencies,
        "campaign_id": campaign.pk if campaign else None,
        "er_denominator": found.er_denominator,
        "shared": found.shared,
        "definitions": definitions,
        "rows": [
            {"key": row.key, "label": row.label, **group_out(row.figures, found.er_denominator)}
            for row in found.rows
        ],
        "totals": group_out(found.totals, found.er_denominator),
    }
