"""Reads of product seeding: the product list, shipments with their clocks, the fulfilment file."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from rapport.campaigns.models import (
    Campaign,
    Collaboration,
    Moment,
    Product,
    Shipment,
    ShipmentItem,
    ShipmentStatus,
    SlaClock,
)
from rapport.workspaces.models import Workspace

ADDRESS_LINES = 5  # the fulfilment file's address columns; longer addresses share the last one
CHUNK_SIZE = 500


def products_for(workspace: Workspace, *, offered_only: bool = False) -> QuerySet[Product]:
    """The workspace's products by name; only those still offered when ``offered_only``."""
    qs = Product.objects.filter(workspace=workspace)
    return qs.filter(is_active=True) if offered_only else qs


def product_for(workspace: Workspace, pk: int) -> Product:
    """One product of the workspace, or 404."""
    return get_object_or_404(Product.objects.filter(workspace=workspace), pk=pk)


def _items() -> Prefetch[Any]:
    return Prefetch("items", queryset=ShipmentItem.objects.select_related("product"))


def with_shipment_relations(qs: QuerySet[Shipment]) -> QuerySet[Shipment]:
    """What a shipment row shows: its creator, campaign and items, in a fixed number of queries."""
    return qs.select_related("collaboration__creator", "collaboration__campaign").prefetch_related(
        _items()
    )


def shipment_for(workspace: Workspace, pk: int) -> Shipment:
    """One shipment of the workspace with what its page shows, or 404."""
    qs = with_shipment_relations(Shipment.objects.filter(workspace=workspace))
    return get_object_or_404(qs.select_related("workspace"), pk=pk)


def collaboration_for(workspace: Workspace, pk: int) -> Collaboration:
    """One collaboration of the workspace (to ship to), or 404."""
    qs = Collaboration.objects.filter(workspace=workspace).select_related(
        "creator", "campaign", "workspace"
    )
    return get_object_or_404(qs, pk=pk)


@dataclass(frozen=True)
class ShipmentFilters:
    """The shipments list's filters, read from a query string."""

    status: str = ""
    campaign_id: int | None = None
    collaboration_id: int | None = None

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> ShipmentFilters:
        status = str(params.get("status") or "")
        return cls(
            status=status if status in ShipmentStatus.values else "",
            campaign_id=_int(params.get("campaign")),
            collaboration_id=_int(params.get("collaboration")),
        )


def _int(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) < 18 else None


def filtered_shipments(workspace: Workspace, filters: ShipmentFilters) -> QuerySet[Shipment]:
    """The workspace's shipments under ``filters``, newest first."""
    qs = Shipment.objects.filter(workspace=workspace)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.campaign_id is not None:
        qs = qs.filter(collaboration__campaign_id=filters.campaign_id)
    if filters.collaboration_id is not None:
        qs = qs.filter(collaboration_id=filters.collaboration_id)
    return qs.order_by("-created_at", "-id")


def campaigns_with_shipments(workspace: Workspace) -> QuerySet[Campaign]:
    """The campaigns the shipments list can be filtered by."""
    return Campaign.objects.filter(workspace=workspace).order_by("name", "id")


def shipping_clocks(shipments: Iterable[Shipment]) -> dict[int, SlaClock]:
    """The latest shipping-confirmation clock of each shipment, by shipment id (one query)."""
    ids = [s.pk for s in shipments]
    if not ids:
        return {}
    clocks = SlaClock.objects.filter(
        moment=Moment.SHIPPING, subject_type=Shipment._meta.model_name, subject_id__in=ids
    ).order_by("subject_id", "started_at", "id")
    return {clock.subject_id: clock for clock in clocks}  # later clocks replace earlier ones


def collaboration_shipments(collaboration: Collaboration) -> list[Shipment]:
    """A collaboration's shipments, newest first, with their items."""
    qs = Shipment.objects.filter(
        workspace_id=collaboration.workspace_id, collaboration=collaboration
    )
    return list(qs.prefetch_related(_items()).order_by("-created_at", "-id"))


def address_lines(address: str, count: int = ADDRESS_LINES) -> list[str]:
    """An address as ``count`` lines: its non-empty lines, the extra ones joined into the last."""
    lines = [line.strip() for line in address.splitlines() if line.strip()]
    if len(lines) > count:
        lines = [*lines[: count - 1], ", ".join(lines[count - 1 :])]
    return lines + [""] * (count - len(lines))


def fulfilment_header() -> list[str]:
    """The fulfilment file's columns; the last three are for the centre to fill in."""
    return [
        _("Reference"),
        _("Campaign"),
        _("Creator"),
        *[_("Address line %(n)s") % {"n": n} for n in range(1, ADDRESS_LINES + 1)],
        _("SKU"),
        _("Product"),
        _("Variant"),
        _("Quantity"),
        _("Carrier"),
        _("Tracking number"),
        _("Shipped date"),
    ]


def awaiting_label(workspace: Workspace, campaign_id: int | None = None) -> QuerySet[Shipment]:
    """Shipments still waiting for their label (the ones a fulfilment centre must pack)."""
    qs = Shipment.objects.filter(workspace=workspace, status=ShipmentStatus.DRAFT)
    if campaign_id is not None:
        qs = qs.filter(collaboration__campaign_id=campaign_id)
    return qs


def fulfilment_rows(workspace: Workspace, campaign_id: int | None = None) -> Iterator[list[Any]]:
    """One row per item of every shipment awaiting a label, read in chunks (constant memory)."""
    items = (
        ShipmentItem.objects.filter(
            workspace=workspace, shipment__in=awaiting_label(workspace, campaign_id)
        )
        .select_related("product", "shipment__collaboration__creator")
        .select_related("shipment__collaboration__campaign")
        .order_by("shipment_id", "id")
    )
    for item in items.iterator(chunk_size=CHUNK_SIZE):
        shipment = item.shipment
        yield [
            shipment.pk,
            shipment.collaboration.campaign.name,
            shipment.collaboration.creator.name,
            *address_lines(shipment.address),
            item.product.sku,
            item.product.name,
            item.variant,
            item.quantity,
            "",
            "",
            "",
        ]
