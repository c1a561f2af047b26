"""Reads for the hub's asset handoff: the products being seeded to the creator, and their
personal tracking link and discount code."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext as _

from rapport.campaigns.models import Collaboration, ShipmentItem
from rapport.tracking.queries.links import codes_of, links_of
from rapport.tracking.services.links import short_url


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
    """Something the creator shares so their sales are counted: one of their tracking links
    (with the platform and placement it is for) or their discount code."""

    kind: TrackingKind
    value: str
    platform: str = ""  # the platform's name, for a link
    placement: str = ""  # a ``Placement`` value, for a link

    @property
    def label(self) -> str:
        if self.kind == TrackingKind.CODE:
            return _("Your discount code")
        if self.platform:
            return _("Your link for %(platform)s") % {"platform": self.platform}
        return _("Your link")

    @property
    def where(self) -> str:
        if self.kind == TrackingKind.CODE:
            return _("Your audience enters it at checkout.")
        return {
            "bio": _("Put it in your bio or profile."),
            "story": _("Put it on your story's link sticker."),
            "post": _("Put it in your post's caption."),
            "video": _("Put it in your video's description."),
        }.get(self.placement, _("Share it where your audience will tap it."))


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
    """The creator's active tracking links (full short addresses) and active discount code."""
    assets = [
        TrackingAsset(
            kind=TrackingKind.LINK,
            value=short_url(link),
            platform=link.get_platform_display(),
            placement=link.placement,
        )
        for link in links_of(collaboration).filter(is_active=True)
    ]
    code = codes_of(collaboration).filter(is_active=True).first()
    if code is not None:
        assets.append(TrackingAsset(kind=TrackingKind.CODE, value=code.code))
    return assets
