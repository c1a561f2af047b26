"""API: a campaign's wrap report (as JSON and as a file), its read-only share links, and each
creator's recap note; the same queries, services and roles as the pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest, HttpResponseBase
from django.urls import reverse
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from rapport.api.permissions import actor_of, require_perm, workspace_of
from rapport.api.schemas import ErrorOut, FieldErrorsOut
from rapport.campaigns.queries.campaigns import campaign_for
from rapport.campaigns.queries.collaborations import collaboration_for
from rapport.performance.models import ReportShare
from rapport.performance.queries.report import Figure, Report, campaign_report
from rapport.performance.queries.shares import share_for, shares_of
from rapport.performance.services import shares as share_services
from rapport.performance.services.recap import set_recap_note
from rapport.performance.services.report_export import export_report
from rapport.performance.services.shares import DEFAULT_DAYS
from rapport.workspaces.roles import Perm

router = Router(tags=["Performance"])

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorsOut}


class FigureOut(Schema):
    name: str = Field(description="spend, reach, impressions, views, engagements, conversions, "
                      "revenue, er, cpm, cpv, cpa, roas.")  # fmt: skip
    label: str
    value: Decimal | int | None = Field(
        description="Unrounded; null when n/a (a zero denominator). ER is a fraction (0.03)."
    )
    display: str = Field(description='As the page writes it: "$16.67", "3.00%", "n/a".')
    definition: str = Field(description="What the figure means, in words.")


def _figures(cells: list[Figure]) -> list[dict[str, Any]]:
    return [
        {
            "name": c.name,
            "label": c.label,
            "value": c.value,
            "display": c.display,
            "definition": c.definition,
        }
        for c in cells
    ]


class CreatorRowOut(Schema):
    collaboration_id: int
    creator_id: int
    creator: str
    tier: str = Field(description="nano, micro, mid, macro or mega.")
    figures: list[FigureOut]
    recommendation: str = Field(
        description="scale, renegotiate, change_creative, keep or not_enough_data."
    )
    recommendation_label: str


class TopPostOut(Schema):
    post_id: int
    url: str
    platform: str
    creator: str
    collected_on: dt.date = Field(description="The date of the figures (latest snapshot).")
    figures: list[FigureOut]


class TierOut(Schema):
    tier: str
    label: str
    figures: list[FigureOut]


class PointOut(Schema):
    date: dt.date
    reach: int
    impressions: int
    views: int
    engagements: int
    conversions: int
    revenue: Decimal


class LearningOut(Schema):
    hypothesis: str
    varied: str = Field(description="What was varied.")
    result: str
    decision: str


class RuleOut(Schema):
    recommendation: str
    rule: str


class ReportOut(Schema):
    """A campaign's wrap report in one currency (figures are never added across currencies)."""

    campaign_id: int
    campaign: str
    currency: str
    currencies: list[str] = Field(description="Every currency the campaign has figures in.")
    er_denominator: str = Field(description="reach or impressions: what ER divides by.")
    spend_includes_product: bool
    headline: list[FigureOut]
    creators: list[CreatorRowOut]
    top_content: list[TopPostOut] = Field(description="The 5 posts with the most engagements.")
    over_time: list[PointOut] = Field(description="Figures as known on each date.")
    tiers: list[TierOut]
    learnings: list[LearningOut] = Field(description="The campaign's experiment log.")
    cost_metric: str = Field(description="cpa or cpm: the cost per result the rules use.")
    rules: list[RuleOut] = Field(description="The recommendation rules, in the order tried.")
    generated_at: dt.datetime


def report_dict(report: Report) -> dict[str, Any]:
    """The report as the API answers it."""
    return {
        "campaign_id": report.campaign.pk,
        "campaign": report.campaign.name,
        "currency": report.currency,
        "currencies": report.currencies,
        "er_denominator": report.er_denominator,
        "spend_includes_product": report.campaign.spend_includes_product,
        "headline": _figures(report.headline),
        "creators": [
            {
                "collaboration_id": row.collaboration_id,
                "creator_id": row.creator_id,
                "creator": row.creator,
                "tier": row.tier,
                "figures": _figures(row.cells),
                "recommendation": row.recommendation.value,
                "recommendation_label": str(row.recommendation.label),
            }
            for row in report.rows
        ],
        "top_content": [
            {
                "post_id": p.post_id,
                "url": p.url,
                "platform": p.platform,
                "creator": p.creator,
                "collected_on": p.collected_on,
                "figures": _figures(p.cells),
            }
            for p in report.top_posts
        ],
        "over_time": [
            {
                "date": day,
                "reach": f.reach,
                "impressions": f.impressions,
                "views": f.views,
                "engagements": f.engagements,
                "conversions": f.conversions,
                "revenue": f.revenue,
            }
            for day, f in report.series or []
        ],
        "tiers": [
            {"tier": t.tier, "label": t.label, "figures": _figures(t.cells)} for t in report.tiers
        ],
        "learnings": [
            {
                "hypothesis": e.hypothesis,
                "varied": e.varied,
                "result": e.result,
                "decision": e.decision,
            }
            for e in report.learnings
        ],
        "cost_metric": report.cost_metric,
        "rules": [{"recommendation": name, "rule": rule} for name, rule in report.rules],
        "generated_at": report.generated_at,
    }


class CurrencyParams(Schema):
    currency: str | None = Field(
        None, description="ISO 4217 code; the campaign's own currency when left out."
    )


class ExportParams(CurrencyParams):
    format: Literal["csv", "xlsx", "pdf"] = Field("csv", description="The file's format.")


@router.get(
    "/campaigns/{int:campaign_id}/report",
    response={200: ReportOut, **ERRORS},
    summary="Get a campaign's wrap report",
)
def get_report(
    request: HttpRequest, campaign_id: int, params: Query[CurrencyParams]
) -> dict[str, Any]:
    """The same report as the page: headline figures, per-creator rows with recommendations,
    top content, figures over time, tier mix and learnings, in one currency. 422 for a currency
    the campaign does not use."""
    require_perm(request, Perm.VIEW)
    campaign = campaign_for(workspace_of(request), campaign_id)
    return report_dict(campaign_report(campaign, currency=params.currency))


@router.get(
    "/campaigns/{int:campaign_id}/report/export",
    response={200: None, **ERRORS},
    summary="Export a campaign's wrap report (CSV, XLSX or PDF)",
)
def get_report_export(
    request: HttpRequest, campaign_id: int, params: Query[ExportParams]
) -> HttpResponseBase:
    """The report as a file, with the same figures as the page; the export is audited."""
    require_perm(request, Perm.VIEW)
    campaign = campaign_for(workspace_of(request), campaign_id)
    report = campaign_report(campaign, currency=params.currency)
    return export_report(report=report, fmt=params.format, actor=actor_of(request))


class ShareIn(Schema):
    days: int = Field(DEFAULT_DAYS, description="How long the link stays open (1 to 365).")


class ShareOut(Schema):
    id: int
    state: str = Field(description="active, expired or revoked.")
    created_at: dt.datetime
    created_by: str | None
    expires_at: dt.datetime
    revoked_at: dt.datetime | None
    last_viewed_at: dt.datetime | None

    @staticmethod
    def resolve_state(share: ReportShare) -> str:
        return share_services.state_of(share).value

    @staticmethod
    def resolve_created_by(share: ReportShare) -> str | None:
        return str(share.created_by) if share.created_by else None


class NewShareOut(ShareOut):
    url: str = Field(description="The link: shown this once, only its hash is kept.")


@router.get(
    "/campaigns/{int:campaign_id}/report/shares",
    response={200: list[ShareOut], **ERRORS},
    summary="List a report's read-only links",
)
def list_shares(request: HttpRequest, campaign_id: int) -> list[ReportShare]:
    require_perm(request, Perm.MANAGE_CAMPAIGNS)
    return list(shares_of(campaign_for(workspace_of(request), campaign_id)))


@router.post(
    "/campaigns/{int:campaign_id}/report/shares",
    response={201: NewShareOut, **ERRORS},
    summary="Make a read-only link to a report",
)
def create_share(request: HttpRequest, campaign_id: int, payload: ShareIn) -> Status:
    """Anyone with the link reads the report without an account until it expires or is
    revoked. The answer holds the link; it cannot be read again."""
    require_perm(request, Perm.MANAGE_CAMPAIGNS)
    campaign = campaign_for(workspace_of(request), campaign_id)
    share, token = share_services.create_share(
        campaign=campaign, actor=actor_of(request), days=payload.days
    )
    share.url = request.build_absolute_uri(reverse("shared:report", args=[token]))  # type: ignore[attr-defined]
    return Status(201, share)


@router.post(
    "/campaigns/{int:campaign_id}/report/shares/{int:share_id}/revoke",
    response={200: ShareOut, **ERRORS},
    summary="Revoke a read-only link",
)
def revoke_share(request: HttpRequest, campaign_id: int, share_id: int) -> ReportShare:
    """The link stops opening the report at once."""
    require_perm(request, Perm.MANAGE_CAMPAIGNS)
    campaign = campaign_for(workspace_of(request), campaign_id)
    return share_services.revoke_share(share=share_for(campaign, share_id), actor=actor_of(request))


class RecapIn(Schema):
    recap_note: str = Field(description="What was learned and what comes next; empty clears it.")


class RecapOut(Schema):
    collaboration_id: int
    recap_note: str


@router.put(
    "/collaborations/{int:collaboration_id}/recap",
    response={200: RecapOut, **ERRORS},
    summary="Write the creator's recap note",
)
def put_recap(request: HttpRequest, collaboration_id: int, payload: RecapIn) -> dict[str, Any]:
    """The note the creator reads in the recap on their hub page once they are live."""
    require_perm(request, Perm.MANAGE_CAMPAIGNS)
    collaboration = collaboration_for(workspace_of(request), collaboration_id)
    collaboration = set_recap_note(
        collaboration=collaboration, note=payload.recap_note, actor=actor_of(request)
    )
    return {"collaboration_id": collaboration.pk, "recap_note": collaboration.recap_note}
