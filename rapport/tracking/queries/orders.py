"""Reading orders: the workspace's list with its filters, one order, and what orders brought in
per collaboration of a campaign and per creator (summed in the database, per currency)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rapport.campaigns.models import Campaign, Collaboration
from rapport.creators.models import Creator
from rapport.tracking.models import Attribution, Order
from rapport.tracking.services.attribution import CLICK_PARAMETER, click_ref_of, landing_parameters
from rapport.tracking.services.links import CLOSED_STAGES
from rapport.tracking.services.orders import CENT
from rapport.workspaces.models import AuditEvent, Workspace

# An order that counts as a conversion: not cancelled and not refunded in full.
CONVERTED = Q(cancelled_at__isnull=True) & (Q(revenue__gt=0) | Q(total=0))


@dataclass(frozen=True)
class OrderFilters:
    """The list's filters, from a query string or the API; unknown values are ignored."""

    attribution: str = ""
    campaign_id: int | None = None
    shop_id: int | None = None
    currency: str = ""

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> OrderFilters:
        attribution = str(params.get("attribution") or "")
        return cls(
            attribution=attribution if attribution in Attribution.values else "",
            campaign_id=_int(params.get("campaign")),
            shop_id=_int(params.get("shop")),
            currency=str(params.get("currency") or "").strip().upper()[:3],
        )

    @property
    def is_filtered(self) -> bool:
        return bool(self.attribution or self.campaign_id or self.shop_id or self.currency)


def _int(raw: Any) -> int | None:
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return None
    return value if value > 0 else None


def _with_relations(qs: QuerySet[Order]) -> QuerySet[Order]:
    return qs.select_related(
        "shop",
        "collaboration__creator",
        "collaboration__campaign",
        "discount_code",
        "click__link",
    )


def workspace_orders(workspace: Workspace, filters: OrderFilters | None = None) -> QuerySet[Order]:
    """The workspace's orders, newest first, narrowed by ``filters``."""
    filters = filters or OrderFilters()
    qs = Order.objects.filter(workspace=workspace)
    if filters.attribution:
        qs = qs.filter(attributed_by=filters.attribution)
    if filters.campaign_id:
        qs = qs.filter(collaboration__campaign_id=filters.campaign_id)
    if filters.shop_id:
        qs = qs.filter(shop_id=filters.shop_id)
    if filters.currency:
        qs = qs.filter(currency=filters.currency)
    return _with_relations(qs).order_by("-placed_at", "-id")


def unattributed_count(workspace: Workspace) -> int:
    """How many of the workspace's orders nobody is credited with."""
    return Order.objects.filter(workspace=workspace, attributed_by=Attribution.NONE).count()


def order_for(workspace: Workspace, pk: int) -> Order:
    """One of the workspace's orders with what its page shows; 404 for any other."""
    return get_object_or_404(
        _with_relations(Order.objects.filter(workspace=workspace)).prefetch_related("refunds"),
        pk=pk,
    )


def order_currencies(workspace: Workspace) -> list[str]:
    """The currencies the workspace's orders came in, for the list's filter."""
    return sorted(
        Order.objects.filter(workspace=workspace)
        .order_by()
        .values_list("currency", flat=True)
        .distinct()
    )


def attribution_reason(order: Order) -> str:
    """Why the order counts for its collaboration (or for nobody), in a sentence."""
    if order.attributed_by == Attribution.MANUAL:
        event = hand_attribution_event(order)
        if event is None:
            return _("Set by hand; deliveries do not change it.")
        said = _("Set by hand by %(who)s on %(when)s; deliveries do not change it.") % {
            "who": event.actor_label,
            "when": date_format(localtime(event.created_at), "DATE_FORMAT"),
        }
        if event.reason:
            said += " " + _("Reason: %(reason)s") % {"reason": event.reason}
        return said
    if order.attributed_by == Attribution.CODE and order.discount_code is not None:
        return _("The order used the discount code %(code)s, which belongs to this creator.") % {
            "code": order.discount_code.code
        }
    if order.attributed_by == Attribution.CLICK and order.click is not None:
        if click_ref_of(order) == order.click.ref:
            how = _("The order carried the reference of a click on %(link)s")
        else:
            how = _("The order's landing page named the link %(link)s; its last click")
        days = (order.placed_at - order.click.at).days
        when = ngettext(
            "%(how)s, %(days)s day before the order (the window is %(window)s days).",
            "%(how)s, %(days)s days before the order (the window is %(window)s days).",
            days,
        )
        return when % {
            "how": how % {"link": order.click.link},
            "days": days,
            "window": order.workspace.attribution_days,
        }
    reasons = []
    if order.codes:
        reasons.append(_("its codes are none of this workspace's"))
    else:
        reasons.append(_("it used no discount code"))
    params = landing_parameters(order.landing_url)
    if click_ref_of(order):
        reasons.append(_("its click reference matches no click in the window"))
    elif params.get("utm_campaign"):
        reasons.append(_("its landing parameters match no link clicked in the window"))
    else:
        reasons.append(
            _("its landing page carries neither %(param)s nor UTM parameters")
            % {"param": CLICK_PARAMETER}
        )
    return _("Not attributed: %(reasons)s.") % {"reasons": "; ".join(reasons)}


@dataclass
class OrderSummary:
    """Attributed conversions and their revenue per currency (never summed across currencies)."""

    orders: int = 0
    revenue: dict[str, Decimal] = field(default_factory=dict)


def _summaries(qs: QuerySet[Order], key: str) -> dict[int, OrderSummary]:
    rows = (
        qs.order_by()
        .values(key, "currency")
        .annotate(converted=Count("id", filter=CONVERTED), earned=Sum("revenue"))
    )
    summaries: dict[int, OrderSummary] = {}
    for row in rows:
        summary = summaries.setdefault(row[key], OrderSummary())
        summary.orders += row["converted"]
        summary.revenue[row["currency"]] = (row["earned"] or Decimal(0)).quantize(CENT)
    return summaries


def campaign_summary(campaign: Campaign) -> dict[int, OrderSummary]:
    """Per collaboration of the campaign (by id): its attributed conversions and revenue per
    currency. One query; a collaboration without orders is absent."""
    return _summaries(
        Order.objects.filter(
            workspace_id=campaign.workspace_id, collaboration__campaign_id=campaign.pk
        ),
        "collaboration_id",
    )


def creator_summary(creator: Creator) -> OrderSummary:
    """The creator's attributed conversions and revenue per currency, over every campaign."""
    found = _summaries(
        Order.objects.filter(
            workspace_id=creator.workspace_id, collaboration__creator_id=creator.pk
        ),
        "collaboration__creator_id",
    )
    return found.get(creator.pk, OrderSummary())


def hand_attribution_event(order: Order) -> AuditEvent | None:
    """The audit entry of the order's latest attribution by hand (who, when, why), if any."""
    return (
        AuditEvent.objects.filter(
            workspace_id=order.workspace_id,
            object_type="order",
            object_id=order.pk,
            kind="tracking.order_attributed_by_hand",
        )
        .order_by("-created_at", "-id")
        .first()
    )


def attributable_collaborations(workspace: Workspace) -> QuerySet[Collaboration]:
    """The workspace's collaborations an order may be set to by hand (not declined or
    cancelled), by campaign and creator, with both names."""
    return (
        Collaboration.objects.filter(workspace=workspace)
        .exclude(stage__in=CLOSED_STAGES)
        .select_related("creator", "campaign")
        .order_by("campaign__name", "creator__name", "id")
    )
