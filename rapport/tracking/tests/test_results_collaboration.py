"""What a collaboration's tracking brought in, and the per-collaboration and per-creator sums."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from rapport.campaigns.models import Collaboration
from rapport.testing.factories import (
    CollaborationFactory,
    DiscountCodeFactory,
    TrackingLinkFactory,
)
from rapport.tracking.models import Shop
from rapport.tracking.queries.orders import OrderSummary, campaign_summary, creator_summary
from rapport.tracking.queries.results import Results, collaboration_results
from rapport.tracking.records import RefundData
from rapport.tracking.services.orders import ingest
from rapport.tracking.tests.order_helpers import DAY, PLACED, click_on, order_data, shop
from rapport.workspaces.models import Membership, Workspace

__all__ = ["shop"]  # fixtures


@pytest.fixture
def ana(workspace: Workspace) -> Collaboration:
    collaboration = CollaborationFactory.create(campaign__workspace=workspace, currency="EUR")
    DiscountCodeFactory.create(collaboration=collaboration, code="ANA15")
    return collaboration


def sell(shop: Shop, external_id: str, total: str, **overrides: Any) -> None:
    data = {"codes": ("ANA15",), "currency": "EUR", "total": Decimal(total)}
    data.update(overrides)
    ingest(shop=shop, data=order_data(external_id=external_id, **data), source="webhook")


def test_results_count_conversions_and_revenue_in_the_terms_currency(
    shop: Shop, ana: Collaboration
) -> None:
    sell(shop, "1", "100.00")
    refund = RefundData("r", Decimal("30"), PLACED + DAY)
    sell(shop, "2", "50.00", refunds=(refund,))  # partly refunded: counts, net
    sell(shop, "3", "40.00", refunds=(RefundData("r", Decimal("40"), PLACED + DAY),))  # fully
    sell(shop, "4", "60.00", cancelled_at=PLACED + DAY)  # cancelled
    sell(shop, "5", "70.00", currency="USD")  # another currency: counted apart
    link = TrackingLinkFactory.create(collaboration=ana)
    click_on(link, PLACED - DAY, "c1")
    click_on(link, PLACED - DAY, "c2")
    click_on(link, PLACED - DAY, "c3", is_bot=True)

    assert collaboration_results(ana) == Results(
        currency="EUR",
        revenue=Decimal("120.00"),
        conversions=2,
        other_currency_orders=1,
        clicks=2,
    )


def test_results_fall_back_on_the_campaigns_currency_and_take_a_period(
    workspace: Workspace, shop: Shop
) -> None:
    collaboration = CollaborationFactory.create(campaign__workspace=workspace, currency="")
    DiscountCodeFactory.create(collaboration=collaboration, code="BEN")
    ingest(
        shop=shop,
        data=order_data(external_id="a", codes=("BEN",), placed_at=PLACED - DAY),
        source="x",
    )
    ingest(shop=shop, data=order_data(external_id="b", codes=("BEN",)), source="x")

    results = collaboration_results(collaboration, since=PLACED - DAY, until=PLACED)
    assert (results.currency, results.conversions, results.revenue) == ("USD", 1, Decimal("120.00"))
    empty = collaboration_results(collaboration, since=PLACED + DAY)
    assert (empty.conversions, empty.revenue, empty.clicks) == (0, Decimal("0.00"), 0)


def test_campaign_and_creator_summaries_keep_currencies_apart(
    workspace: Workspace, shop: Shop, ana: Collaboration, django_assert_num_queries: Any
) -> None:
    other = CollaborationFactory.create(campaign=ana.campaign)
    DiscountCodeFactory.create(collaboration=other, code="OTHER")
    sell(shop, "1", "100.00")
    sell(shop, "2", "70.00", currency="USD")
    sell(shop, "3", "20.00", codes=("OTHER",))
    sell(shop, "4", "20.00", cancelled_at=PLACED)

    with django_assert_num_queries(1):
        summary = campaign_summary(ana.campaign)
    assert summary == {
        ana.pk: OrderSummary(orders=2, revenue={"EUR": Decimal("100.00"), "USD": Decimal("70.00")}),
        other.pk: OrderSummary(orders=1, revenue={"EUR": Decimal("20.00")}),
    }
    assert creator_summary(ana.creator) == summary[ana.pk]


def test_the_results_endpoint(
    workspace: Workspace, shop: Shop, ana: Collaboration, manager: Membership,
    other_workspace: Workspace, api_client_for: Callable[..., Client],
) -> None:  # fmt: skip
    sell(shop, "1", "100.00")
    client = api_client_for(manager)
    body = client.get(f"/api/v1/collaborations/{ana.pk}/results").json()
    assert body == {
        "currency": "EUR",
        "revenue": "100.00",
        "conversions": 1,
        "other_currency_orders": 0,
        "clicks": 0,
    }
    later = client.get(f"/api/v1/collaborations/{ana.pk}/results?since=2026-04-01T00:00:00").json()
    assert later["conversions"] == 0
    theirs = CollaborationFactory.create(campaign__workspace=other_workspace)
    assert client.get(f"/api/v1/collaborations/{theirs.pk}/results").status_code == 404
