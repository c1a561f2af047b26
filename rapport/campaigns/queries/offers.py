"""Reads of offers: a collaboration's rounds with everything inside them, in a fixed number of
queries, and single rows scoped to the workspace."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from rapport.campaigns.models import (
    BonusLadder,
    BonusRung,
    Collaboration,
    Offer,
    OfferPackage,
    SeedingItem,
)
from rapport.workspaces.models import Workspace


def _packages() -> Prefetch[str]:
    return Prefetch(
        "packages",
        queryset=OfferPackage.objects.prefetch_related(
            "add_ons",
            Prefetch("seeding", queryset=SeedingItem.objects.select_related("product")),
            Prefetch(
                "bonus",
                queryset=BonusLadder.objects.prefetch_related(
                    Prefetch("rungs", queryset=BonusRung.objects.order_by("id"))
                ),
            ),
        ),
    )


def with_packages(qs: QuerySet[Offer]) -> QuerySet[Offer]:
    """Offers with their packages, add-ons, seeding, bonus and rungs loaded."""
    return qs.select_related("created_by").prefetch_related(_packages())


def offers_of(collaboration: Collaboration) -> QuerySet[Offer]:
    """The collaboration's rounds, latest first, with everything inside them."""
    return with_packages(
        Offer.objects.filter(
            workspace_id=collaboration.workspace_id, collaboration=collaboration
        ).order_by("-number")
    )


def offer_for(workspace: Workspace, pk: int) -> Offer:
    """One offer round of the workspace (with its collaboration and packages), or 404."""
    return get_object_or_404(
        with_packages(
            Offer.objects.filter(workspace=workspace).select_related(
                "collaboration",
                "collaboration__creator",
                "collaboration__campaign",
                "workspace",
            )
        ),
        pk=pk,
    )


def package_for(workspace: Workspace, pk: int) -> OfferPackage:
    """One package of the workspace, or 404."""
    return get_object_or_404(
        OfferPackage.objects.filter(workspace=workspace).select_related(
            "offer", "offer__collaboration"
        ),
        pk=pk,
    )
