"""The orders pages and endpoints: list with filters, one order and why it counts, roles, query
counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from rapport.campaigns.models import Collaboration
from rapport.testing.factories import (
    CollaborationFactory,
    DiscountCodeFactory,
    ShopFactory,
    TrackingLinkFactory,
)
from rapport.tracking.models import Order, Shop
from rapport.tracking.records import RefundData
from rapport.tracking.services.orders import ingest
from rapport.tracking.tests.order_helpers import PLACED, click_on, order_data, payload
from rapport.workspaces.models import Membership, Workspace
from rapport.workspaces.roles import Role


@pytest.fixture
def shop(workspace: Workspace) -> Shop:
    return ShopFactory.create(workspace=workspace, name="Lumen US")


@pytest.fixture
def ana(workspace: Workspace) -> Collaboration:
    return CollaborationFactory.create(
        campaign__workspace=workspace, campaign__name="Spring glow", creator__name="Ana Lima"
    )


def many_orders(shop: Shop, ana: Collaboration, count: int) -> None:
    DiscountCodeFactory.create(collaboration=ana, code="ANA15")
    link = TrackingLinkFactory.create(collaboration=ana)
    click_on(link, PLACED - dt.timedelta(days=1), "r-1")
    for i in range(count):
        data: dict[str, Any] = {"external_id": f"o{i}", "name": f"#{1000 + i}"}
        if i % 3 == 0:
            data["codes"] = ("ana15",)
        elif i % 3 == 1:
            data["click_ref"] = "r-1"
        ingest(
            shop=shop,
            data=order_data(**data, placed_at=PLACED + dt.timedelta(minutes=i)),
            source="file",
        )


def orders_url(workspace: Workspace) -> str:
    return f"/w/{workspace.slug}/tracking/orders/"


def test_the_list_shows_orders_newest_first_with_whom_they_count_for(
    workspace: Workspace, shop: Shop, ana: Collaboration, client_for: Callable[..., Client],
    member: Callable[[str], Membership],
) -> None:  # fmt: skip
    many_orders(shop, ana, 3)
    response = client_for(member(Role.VIEWER)).get(orders_url(workspace))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("#1002") < html.index("#1001") < html.index("#1000")
    assert "Ana Lima" in html and "Spring glow" in html
    assert "1 order is not attributed to anyone" in html
    assert "Upload an orders file" not in html  # a viewer cannot upload


def test_the_filters_narrow_the_list(
    workspace: Workspace, shop: Shop, ana: Collaboration, manager_client: Client
) -> None:
    many_orders(shop, ana, 6)
    ingest(shop=shop, data=order_data(external_id="eur", name="#EUR", currency="EUR"), source="x")
    none = manager_client.get(orders_url(workspace) + "?attribution=none").content.decode()
    assert "#1002" in none and "#1005" in none and "#1000" not in none
    by_code = manager_client.get(orders_url(workspace) + "?attribution=code").content.decode()
    assert "#1000" in by_code and "#1003" in by_code and "#1001" not in by_code
    campaign = manager_client.get(
        orders_url(workspace) + f"?campaign={ana.campaign_id}"
    ).content.decode()
    assert "#1000" in campaign and "#1002" not in campaign
    eur = manager_client.get(orders_url(workspace) + "?currency=eur").content.decode()
    assert "#EUR" in eur and "#1000" not in eur
    other_shop = ShopFactory.create(workspace=workspace)
    by_shop = manager_client.get(orders_url(workspace) + f"?shop={other_shop.pk}")
    assert "No orders match." in by_shop.content.decode()


def test_the_list_pages_by_50_in_a_fixed_number_of_queries(
    workspace: Workspace,
    shop: Shop,
    ana: Collaboration,
    manager_client: Client,
    django_assert_max_num_queries: Any,
) -> None:
    many_orders(shop, ana, 55)
    with django_assert_max_num_queries(14):
        first = manager_client.get(orders_url(workspace))
    assert first.content.decode().count('href="/w/lumen/tracking/orders/') >= 50
    second = manager_client.get(orders_url(workspace) + "?page=2").content.decode()
    assert "#1000" in second and "#1054" not in second


def test_an_order_page_says_how_it_was_attributed_and_lists_refunds(
    workspace: Workspace, shop: Shop, ana: Collaboration, manager_client: Client
) -> None:
    DiscountCodeFactory.create(collaboration=ana, code="ANA15")
    order = ingest(
        shop=shop,
        data=order_data(
            codes=("ana15",),
            landing_url="/glow?utm_source=ig",
            refunds=(RefundData("rf-77", Decimal("20"), PLACED + dt.timedelta(days=1)),),
        ),
        source="webhook",
    )
    html = manager_client.get(f"/w/{workspace.slug}/tracking/orders/{order.pk}/").content.decode()
    assert "The order used the discount code ANA15, which belongs to this creator." in html
    assert "rf-77" in html and "$20" in html and "$100" in html  # the refund, the revenue
    assert "/glow?utm_source=ig" in html


def test_an_unattributed_order_says_why(
    workspace: Workspace, shop: Shop, manager_client: Client
) -> None:
    order = ingest(shop=shop, data=order_data(codes=("FRIENDS",)), source="webhook")
    html = manager_client.get(f"/w/{workspace.slug}/tracking/orders/{order.pk}/").content.decode()
    assert "Not attributed: its codes are none of this workspace&#x27;s" in html


def test_another_workspaces_order_is_not_found(
    shop: Shop, other_workspace: Workspace, manager_client: Client, workspace: Workspace
) -> None:
    theirs = ingest(
        shop=ShopFactory.create(workspace=other_workspace), data=order_data(), source="webhook"
    )
    response = manager_client.get(f"/w/{workspace.slug}/tracking/orders/{theirs.pk}/")
    assert response.status_code == 404


def test_the_upload_page_shows_every_problem_above_the_form_and_stores_nothing(
    workspace: Workspace, shop: Shop, client_for: Callable[..., Client],
    member: Callable[[str], Membership],
) -> None:  # fmt: skip
    client = client_for(member(Role.OPS))
    bad = b"order_id,placed_at,currency,total\nA-1,2026-03-01,US$,1\nA-2,2026-03-01,USD,-4\n"
    response = client.post(
        f"/w/{workspace.slug}/tracking/orders/import/",
        {"shop": shop.pk, "file": SimpleUploadedFile("o.csv", bad)},
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "The file has 2 problems; nothing was stored." in html
    assert "Row 2, currency:" in html and "Row 3, total: An amount cannot be negative." in html
    assert html.index("Row 2") < html.index('type="file"')
    assert not Order.objects.exists()

    good = client.post(
        f"/w/{workspace.slug}/tracking/orders/import/",
        {"shop": shop.pk, "file": SimpleUploadedFile("o.csv", payload("orders_template.csv"))},
    )
    assert "3 new, 0 updated, 0 unchanged." in good.content.decode()


def test_only_those_who_manage_tracking_may_upload(
    workspace: Workspace, shop: Shop, client_for: Callable[..., Client],
    member: Callable[[str], Membership], other_workspace: Workspace,
) -> None:  # fmt: skip
    finance = client_for(member(Role.FINANCE))
    url = f"/w/{workspace.slug}/tracking/orders/import/"
    assert finance.get(url).status_code == 403
    theirs = ShopFactory.create(workspace=other_workspace)
    ops = client_for(member(Role.OPS))
    response = ops.post(
        url,
        {"shop": theirs.pk, "file": SimpleUploadedFile("o.csv", payload("orders_template.csv"))},
    )
    assert response.status_code == 422  # not one of the choices
    assert not Order.objects.exists()


def test_the_api_lists_orders_with_filters_in_a_fixed_number_of_queries(
    workspace: Workspace, shop: Shop, ana: Collaboration, manager: Membership,
    api_client_for: Callable[..., Client], django_assert_max_num_queries: Any,
) -> None:  # fmt: skip
    many_orders(shop, ana, 30)
    client = api_client_for(manager)
    with django_assert_max_num_queries(4):
        response = client.get("/api/v1/orders?limit=25")
    body = response.json()
    assert len(body["items"]) == 25 and body["next"]
    assert body["items"][0]["name"] == "#1029"
    rest = client.get(f"/api/v1/orders?limit=25&cursor={body['next']}").json()
    assert len(rest["items"]) == 5 and rest["next"] is None
    by_click = client.get("/api/v1/orders?attribution=click").json()["items"]
    assert {o["attributed_by"] for o in by_click} == {"click"}
    assert by_click[0]["creator"] == "Ana Lima" and by_click[0]["click_ref"] == "r-1"
    assert (
        client.get(f"/api/v1/orders?campaign_id={ana.campaign_id}&limit=200")
        .json()["items"]
        .__len__()
        == 20
    )


def test_the_api_gives_one_order_with_its_refunds_and_reason(
    workspace: Workspace, shop: Shop, manager: Membership, other_workspace: Workspace,
    api_client_for: Callable[..., Client],
) -> None:  # fmt: skip
    order = ingest(
        shop=shop,
        data=order_data(refunds=(RefundData("rf-1", Decimal("20"), PLACED),)),
        source="webhook",
    )
    client = api_client_for(manager)
    body = client.get(f"/api/v1/orders/{order.pk}").json()
    assert body["refunds"] == [
        {"external_id": "rf-1", "amount": "20.00", "refunded_at": "2026-03-31T12:00:00Z"}
    ]
    assert body["revenue"] == "100.00" and body["attributed_by"] == "none"
    assert body["reason"].startswith("Not attributed")
    theirs = ingest(
        shop=ShopFactory.create(workspace=other_workspace), data=order_data(), source="webhook"
    )
    assert client.get(f"/api/v1/orders/{theirs.pk}").status_code == 404
