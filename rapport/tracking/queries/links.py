"""Reads for tracking links and discount codes: one of the workspace's (else 404), a
collaboration's, a campaign's, and the campaign's tracking table with clicks and orders."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from rapport.campaigns.models import Campaign, Collaboration, CollabStage
from rapport.tracking.models import DiscountCode, TrackingLink
from rapport.tracking.queries.clicks import ClickCounts, collaboration_counts
from rapport.tracking.queries.orders import OrderSummary, campaign_summary
from rapport.workspaces.models import Workspace

# The stages whose creators get a link and a code: from the contract on, and not out of the line.
TRACKED_STAGES = (
    CollabStage.CONTRACTED,
    CollabStage.BRIEFED,
    CollabStage.PRODUCT_SHIPPED,
    CollabStage.IN_PRODUCTION,
    CollabStage.IN_REVIEW,
    CollabStage.APPROVED,
    CollabStage.LIVE,
    CollabStage.REPORTED,
    CollabStage.PAID,
    CollabStage.CLOSED,
)


def link_for(workspace: Workspace, pk: int) -> TrackingLink:
    """One link of the workspace with its collaboration, or 404."""
    return get_object_or_404(
        TrackingLink.objects.filter(workspace=workspace).select_related(
            "workspace", "collaboration__creator", "collaboration__campaign"
        ),
        pk=pk,
    )


def code_for(workspace: Workspace, pk: int) -> DiscountCode:
    """One discount code of the workspace with its collaboration, or 404."""
    return get_object_or_404(
        DiscountCode.objects.filter(workspace=workspace).select_related(
            "workspace", "collaboration__creator", "collaboration__campaign"
        ),
        pk=pk,
    )


def links_of(collaboration: Collaboration) -> QuerySet[TrackingLink]:
    """The collaboration's links, active ones first, by platform and placement."""
    return TrackingLink.objects.filter(collaboration=collaboration).order_by(
        "-is_active", "platform", "placement", "id"
    )


def codes_of(collaboration: Collaboration) -> QuerySet[DiscountCode]:
    """The collaboration's codes, the active one first."""
    return DiscountCode.objects.filter(collaboration=collaboration).order_by(
        "-is_active", "-created_at", "-id"
    )


def campaign_links(campaign: Campaign) -> QuerySet[TrackingLink]:
    """Every link of the campaign's collaborations, by creator."""
    return (
        TrackingLink.objects.filter(
            workspace_id=campaign.workspace_id, collaboration__campaign=campaign
        )
        .select_related("collaboration__creator", "collaboration__campaign")
        .order_by("collaboration__creator__name", "collaboration_id", "platform", "placement", "id")
    )


def campaign_codes(campaign: Campaign) -> QuerySet[DiscountCode]:
    """Every discount code of the campaign's collaborations, by code."""
    return (
        DiscountCode.objects.filter(
            workspace_id=campaign.workspace_id, collaboration__campaign=campaign
        )
        .select_related("collaboration__creator", "collaboration__campaign")
        .order_by("code", "id")
    )


def tracked_collaborations(campaign: Campaign) -> QuerySet[Collaboration]:
    """The campaign's collaborations that get tracking (``TRACKED_STAGES``), with what preparing
    and checking read prefetched: the creator's accounts, deliverables, links and codes."""
    return (
        Collaboration.objects.filter(
            workspace_id=campaign.workspace_id, campaign=campaign, stage__in=TRACKED_STAGES
        )
        .select_related("creator", "campaign", "workspace")
        .prefetch_related(
            "creator__social_accounts",
            "deliverables",
            Prefetch("tracking_links", queryset=TrackingLink.objects.order_by("platform", "id")),
            Prefetch("discount_codes", queryset=DiscountCode.objects.order_by("-is_active", "-id")),
        )
        .order_by("creator__name", "id")
    )


@dataclass(frozen=True)
class TrackingRow:
    """One line of the campaign's tracking table."""

    collaboration: Collaboration
    links: list[TrackingLink]
    code: DiscountCode | None
    clicks: ClickCounts | None  # None: no click yet
    orders: OrderSummary | None  # None: no attributed order yet

    @property
    def active_links(self) -> list[TrackingLink]:
        return [link for link in self.links if link.is_active]


def tracking_rows(campaign: Campaign) -> list[TrackingRow]:
    """The campaign's tracked collaborations with their links, their code (the active one, else
    the latest), clicks (humans and bots) and attributed orders; a fixed number of queries."""
    clicks = collaboration_counts(campaign)
    orders = campaign_summary(campaign)
    rows = []
    for collaboration in tracked_collaborations(campaign):
        codes = list(collaboration.discount_codes.all())
        rows.append(
            TrackingRow(
                collaboration=collaboration,
                links=list(collaboration.tracking_links.all()),
                code=codes[0] if codes else None,
                clicks=clicks.get(collaboration.pk),
                orders=orders.get(collaboration.pk),
            )
        )
    return rows
