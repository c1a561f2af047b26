"""The shops page: each shop's webhook address and setup steps, connecting and changing a shop,
and who may do what."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from rapport.testing.factories import ShopFactory
from rapport.tracking.models import Order, Shop
from rapport.workspaces.models import Membership, Workspace
from rapport.workspaces.roles import Role

SECRET = "shpss_0c5d9e8f1a2b3c4d7e6f"


@pytest.fixture
def shop(workspace: Workspace) -> Shop:
    return ShopFactory.create(
        workspace=workspace, name="Lumen US", domain="lumen-skin.myshopify.com", secret=SECRET
    )


def test_the_page_shows_the_address_steps_and_what_arrived(
    shop: Shop, manager_client: Client, settings: Any
) -> None:
    settings.RAPPORT_BASE_URL = "https://crm.lumen.example"
    ShopFactory.create(workspace=shop.workspace, name="Lumen FR", platform="woocommerce")

    response = manager_client.get("/w/lumen/tracking/shops/")

    html = response.content.decode()
    assert response.status_code == 200
    assert f'value="https://crm.lumen.example/api/v1/webhooks/shopify/{shop.key}"' in html
    assert f'data-copy="#webhook-url-{shop.pk}"' in html
    for topic in ("orders/create", "orders/updated", "orders/cancelled", "refunds/create"):
        assert f"<code>{topic}</code>" in html
    for topic in ("order.created", "order.updated", "order.deleted", "order.restored"):
        assert f"<code>{topic}</code>" in html
    assert "None yet" in html
    assert SECRET not in html


def test_the_list_costs_the_same_few_queries_for_many_shops(
    workspace: Workspace, manager_client: Client, django_assert_max_num_queries: Any
) -> None:
    for _ in range(12):
        ShopFactory.create(workspace=workspace)
    manager_client.get("/w/lumen/tracking/shops/")  # the first visit also saves the session

    with django_assert_max_num_queries(6):
        response = manager_client.get("/w/lumen/tracking/shops/")

    assert response.content.decode().count('class="shop') == 12


def test_connecting_a_shop_opens_its_page_with_the_steps(
    workspace: Workspace, manager_client: Client
) -> None:
    response = manager_client.post(
        "/w/lumen/tracking/shops/",
        {
            "name": "Lumen EU",
            "platform": "woocommerce",
            "domain": "shop.lumen.example",
            "secret": "wc-secret-7f3a9b1c44",
        },
        follow=True,
    )

    shop = Shop.objects.get()
    html = response.content.decode()
    assert (shop.workspace, shop.platform, shop.secret) == (
        workspace,
        "woocommerce",
        "wc-secret-7f3a9b1c44",
    )
    assert "Lumen EU connected" in html
    assert "Advanced, then Webhooks" in html
    assert "<code>" + "\N{BULLET}" * 8 + "</code>" in html  # 20 characters: none shown
    assert "wc-secret-7f3a9b1c44" not in html


def test_a_shop_without_its_secret_is_refused_and_says_why(manager_client: Client) -> None:
    response = manager_client.post(
        "/w/lumen/tracking/shops/", {"name": "Lumen US", "platform": "shopify", "secret": ""}
    )

    assert response.status_code == 422
    assert "needs its webhook signing secret" in response.content.decode()
    assert not Shop.objects.exists()


def test_changing_a_shop_keeps_the_secret_unless_a_new_one_is_typed(
    shop: Shop, manager_client: Client
) -> None:
    page = manager_client.get(f"/w/lumen/tracking/shops/{shop.pk}/").content.decode()
    assert "ending in 7e6f" in page and SECRET not in page

    manager_client.post(
        f"/w/lumen/tracking/shops/{shop.pk}/",
        {
            "name": "Lumen USA",
            "platform": "shopify",
            "domain": shop.domain,
            "secret": "",
            "is_active": "on",
        },
    )

    shop.refresh_from_db()
    assert (shop.name, shop.secret, shop.is_active) == ("Lumen USA", SECRET, True)


def test_unticking_on_takes_the_shop_off(shop: Shop, manager_client: Client) -> None:
    response = manager_client.post(
        f"/w/lumen/tracking/shops/{shop.pk}/",
        {"name": shop.name, "platform": "shopify", "domain": shop.domain},
        follow=True,
    )

    shop.refresh_from_db()
    assert not shop.is_active
    assert "Off: deliveries are refused" in response.content.decode()


def test_a_new_address_retires_the_old_one(shop: Shop, manager_client: Client) -> None:
    old = shop.key

    response = manager_client.post(f"/w/lumen/tracking/shops/{shop.pk}/rotate-key/", follow=True)

    shop.refresh_from_db()
    assert shop.key != old
    html = response.content.decode()
    assert shop.key in html and old not in html


def test_orders_received_are_counted_per_shop(shop: Shop, manager_client: Client) -> None:
    import datetime as dt

    for n in range(3):
        Order.objects.create(
            workspace=shop.workspace,
            shop=shop,
            external_id=str(n),
            placed_at=dt.datetime(2026, 11, 20, tzinfo=dt.UTC),
            currency="USD",
            total=10,
            revenue=10,
            source="webhook",
        )

    html = manager_client.get(f"/w/lumen/tracking/shops/{shop.pk}/").content.decode()

    assert f'?shop={shop.pk}">3</a>' in html


@pytest.mark.parametrize("role", [Role.VIEWER, Role.FINANCE, Role.REVIEWER])
def test_other_roles_see_shops_but_change_nothing(
    shop: Shop,
    member: Callable[[str], Membership],
    client_for: Callable[[Membership], Client],
    role: str,
) -> None:
    client = client_for(member(role))

    page = client.get("/w/lumen/tracking/shops/")
    add = client.post("/w/lumen/tracking/shops/", {"name": "X", "platform": "other"})
    edit = client.post(f"/w/lumen/tracking/shops/{shop.pk}/", {"name": "X", "platform": "other"})
    rotate = client.post(f"/w/lumen/tracking/shops/{shop.pk}/rotate-key/")

    assert page.status_code == 200 and "Connect a shop" not in page.content.decode()
    assert (add.status_code, edit.status_code, rotate.status_code) == (403, 403, 403)
    assert Shop.objects.get().name == "Lumen US"


def test_another_workspaces_shop_is_not_found(
    other_workspace: Workspace, manager_client: Client
) -> None:
    theirs = ShopFactory.create(workspace=other_workspace)

    assert manager_client.get(f"/w/lumen/tracking/shops/{theirs.pk}/").status_code == 404
    assert (
        manager_client.post(f"/w/lumen/tracking/shops/{theirs.pk}/rotate-key/").status_code == 404
    )
