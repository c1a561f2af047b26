"""Arrangements shared by the figures, explorer and portfolio tests: real rows, no shortcuts."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any, cast

from django.utils import timezone

from rapport.campaigns.models import Campaign, Collaboration
from rapport.finance.models import BonusLine
from rapport.performance.models import MetricSnapshot, Post
from rapport.testing.factories import (
    CollaborationFactory,
    CreatorFactory,
    DeliverableFactory,
    MetricSnapshotFactory,
    PostFactory,
    ShopFactory,
    TrackingLinkFactory,
)
from rapport.tracking.models import Click, Order, Shop

_numbers = itertools.count(1)


def collaboration(
    campaign: Campaign, cost: str | None, *, stage: str = "live", **extra: Any
) -> Collaboration:
    """A creator in ``campaign`` with a committed cost (``None``: not agreed yet)."""
    creator = extra.pop("creator", None) or CreatorFactory.create(
        workspace=campaign.workspace, **extra.pop("creator_fields", {})
    )
    return CollaborationFactory.create(
        campaign=campaign,
        creator=creator,
        stage=stage,
        committed_cost=None if cost is None else Decimal(cost),
        **extra,
    )


def post(collab: Collaboration, platform: str = "instagram", **metrics: int | None) -> Post:
    """A post of a new deliverable of ``collab`` with one snapshot of ``metrics`` (none when
    no metric is given)."""
    deliverable = DeliverableFactory.create(collaboration=collab, platform=platform)
    made = PostFactory.create(deliverable=deliverable)
    if metrics:
        snapshot(made, **cast(dict[str, Any], metrics))
    return made


def snapshot(
    of: Post,
    *,
    collected_on: dt.date | None = None,
    source: str = "entered",
    recorded_at: dt.datetime | None = None,
    **metrics: int | None,
) -> MetricSnapshot:
    """A snapshot of ``of`` collected on ``collected_on`` (today by default)."""
    return MetricSnapshotFactory.create(
        post=of,
        collected_on=collected_on or timezone.localdate(),
        source=source,
        recorded_at=recorded_at or timezone.now(),
        **metrics,
    )


def orders(
    collab: Collaboration,
    count: int,
    *,
    revenue: str = "100.00",
    total: str | None = None,
    currency: str | None = None,
    placed_at: dt.datetime | None = None,
    shop: Shop | None = None,
    **extra: Any,
) -> list[Order]:
    """``count`` orders of ``revenue`` each (out of ``total``, when refunds took some)
    attributed to ``collab`` by its discount code."""
    shop = shop or ShopFactory.create(workspace=collab.workspace)
    currency = currency or collab.currency or collab.campaign.currency
    return [
        Order.objects.create(
            workspace=collab.workspace,
            shop=shop,
            external_id=f"order-{next(_numbers)}",
            placed_at=placed_at or timezone.now() - dt.timedelta(hours=1),
            currency=currency,
            total=Decimal(total or revenue),
            revenue=Decimal(revenue),
            collaboration=collab,
            attributed_by="code",
            source="file",
            **extra,
        )
        for _ in range(count)
    ]


def clicks(collab: Collaboration, people: int, bots: int = 0) -> None:
    """Clicks on a tracking link of ``collab``: ``people`` by people, ``bots`` by bots."""
    link = TrackingLinkFactory.create(collaboration=collab)
    for is_bot in [False] * people + [True] * bots:
        Click.objects.create(
            workspace=collab.workspace,
            link=link,
            ref=f"ref{next(_numbers)}",
            at=timezone.now(),
            is_bot=is_bot,
        )


def bonus(collab: Collaboration, amount: str, status: str = "computed") -> BonusLine:
    """The bonus ``collab`` earned at wrap time."""
    return BonusLine.objects.create(
        workspace=collab.workspace,
        collaboration=collab,
        metric="cpa",
        amount=Decimal(amount),
        currency=collab.currency or collab.campaign.currency,
        status=status,
        computed_at=timezone.now(),
    )
