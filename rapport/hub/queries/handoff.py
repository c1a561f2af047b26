"""Reads for the hub's asset handoff: the products being seeded to the creator, and their
personal tracking link and discount code."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext as _

from rapport.campaigns.models import Collaboration, ShipmentItem


@dataclass(frozen=True)
class ProductFact:
    """One product the creator receives, as the hub shows it."""

    name: str
    variant: str = ""
    quantity: int = 1
    description: str = ""


class TrackingKind(StrEnum):
    LINK = "link"
    CODE = "code"


@dataclass(frozen=True)
class TrackingAsset:
    """Something the creator shares so their sales are counted: their tracking link or their
    discount code. The tracking part supplies the kind and value; the hub says where it goes."""

    kind: TrackingKind
    value: str

    @property
    def label(self) -> str:
        return _("Your link") if self.kind == TrackingKind.LINK else _("Your discount code")

    @property
    def where(self) -> str:
        if self.kind == TrackingKind.LINK:
            return _("Put it in your bio or on your story's link sticker.")
        return _("Your audience enters it at checkout.")


def product_facts(collaboration: Collaboration) -> list[ProductFact]:
    """The products seeded to the creator: what the shipments carry (name, variant, quantity),
    described with the agreed terms' seeding line; agreed items not shipped yet follow."""
    seeding = list(collaboration.terms.get("seeding") or [])
    described = {s.get("product_id"): s.get("description", "") for s in seeding}
    items = (
        ShipmentItem.objects.filter(shipment__collaboration=collaboration)
        .select_related("product")
        .order_by("shipment__created_at", "id")
    )
    facts: list[ProductFact] = []
    shipped: set[int] = set()
    for item in items:
        shipped.add(item.product_id)
        description = str(described.get(item.product_id) or "")
        facts.append(
            ProductFact(
                name=item.product.name,
                variant=item.variant,
                quantity=item.quantity,
                description="" if description == item.product.name else description,
            )
        )
    facts += [
        ProductFact(name=str(s.get("description", "")), quantity=int(s.get("quantity") or 1))
        for s in seeding
        if s.get("product_id") is None or s.get("product_id") not in shipped
    ]
    return facts


def tracking_assets(collaboration: Collaboration) -> list[TrackingAsset]:
    """The creator's personal tracking link and discount code. None exist yet: the tracking
    part (issue 5) supplies them here, and the hub shows their place until then."""
    return []
