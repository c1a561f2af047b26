"""What a collaboration's tracking brought in: attributed orders and revenue, and clicks.

The bonus at wrap time (``finance.services.bonuses``), the hub and the reports read these.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from django.db.models import Count, Q, QuerySet, Sum

from rapport.campaigns.models import Collaboration
from rapport.tracking.models import Click, Order
from rapport.tracking.queries.orders import CONVERTED
from rapport.tracking.services.orders import CENT

M = TypeVar("M", Order, Click)


@dataclass(frozen=True)
class Results:
    """Attributed results of one collaboration in ``currency`` (the agreed terms' currency).

    ``conversions`` counts attributed orders not cancelled and not fully refunded; ``revenue``
    sums their revenue net of refunds. Orders in another currency are never added in: they are
    counted in ``other_currency_orders`` so the figure can say what it left out.
    """

    currency: str
    revenue: Decimal
    conversions: int
    other_currency_orders: int
    clicks: int


def collaboration_results(
    collaboration: Collaboration,
    *,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> Results:
    """The collaboration's attributed results, orders placed in [since, until).

    Two queries: one aggregate over its orders, one count of its links' clicks by people (bots
    left out) in the same period."""
    currency = collaboration.currency or collaboration.campaign.currency
    orders = _between(Order.objects.filter(collaboration=collaboration), "placed_at", since, until)
    ours = Q(currency=currency)
    totals = orders.aggregate(
        earned=Sum("revenue", filter=CONVERTED & ours),
        converted=Count("id", filter=CONVERTED & ours),
        other=Count("id", filter=CONVERTED & ~ours),
    )
    clicks = _between(
        Click.objects.filter(link__collaboration=collaboration, is_bot=False), "at", since, until
    ).count()
    return Results(
        currency=currency,
        # SQLite's sum drops the scale (100 for 100.00): give the cents back.
        revenue=(totals["earned"] or Decimal(0)).quantize(CENT),
        conversions=totals["converted"],
        other_currency_orders=totals["other"],
        clicks=clicks,
    )


def _between(
    qs: QuerySet[M], column: str, since: dt.datetime | None, until: dt.datetime | None
) -> QuerySet[M]:
    if since is not None:
        qs = qs.filter(**{f"{column}__gte": since})
    if until is not None:
        qs = qs.filter(**{f"{column}__lt": until})
    return qs
