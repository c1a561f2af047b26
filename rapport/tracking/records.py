"""What a shop tells us about an order, whatever the way it arrived (Shopify or WooCommerce
webhook, CSV file): the webhook and file readers produce these, ``services.orders.ingest`` stores
them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class RefundData:
    """One refund, identified by the shop's refund id; ``amount`` is positive."""

    external_id: str
    amount: Decimal
    refunded_at: dt.datetime


@dataclass(frozen=True)
class OrderData:
    """One order as the shop describes it. ``codes`` are as typed by the buyer (matching ignores
    case); ``landing_url`` is the first page of the visit, which may carry our ``rclid`` and UTM
    parameters; ``click_ref`` is our click reference when the shop passes it on separately (an
    order note attribute or a meta field). ``updated_at`` is when the shop last changed the order
    (None when the source does not say): a delivery older than one already applied does not change
    the order's own fields, so deliveries arriving out of order do not undo each other."""

    external_id: str
    placed_at: dt.datetime
    currency: str
    total: Decimal
    name: str = ""
    codes: tuple[str, ...] = ()
    landing_url: str = ""
    click_ref: str = ""
    cancelled_at: dt.datetime | None = None
    refunds: tuple[RefundData, ...] = ()
    updated_at: dt.datetime | None = None
