"""The shops endpoints: the same rules as the page; the secret is write-only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client

from rapport.testing.factories import ShopFactory
from rapport.tracking.models import Shop
from rapport.workspaces.models import Membership, Workspace
from rapport.workspaces.roles import Role

SECRET = "shpss_0c5d9e8f1a2b3c4d7e6f"


def test_connecting_a_shop_answers_its_address_but_never_its_secret(
    manager: Membership, api_client_for: Callable[..., Client], settings: Any
) -> None:
    settings.RAPPORT_BASE_URL = "https://crm.lumen.example"
    client = api_client_for(manager)

    response = client.post(
        "/api/v1/shops",
        {
            "name": "Lumen US",
            "platform": "shopify",
            "domain": "lumen.myshopify.com",
            "secret": SECRET,
        },
        content_type="application/json",
    )

    assert response.status_code == 201
    body = response.json()
    shop = Shop.objects.get()
    assert body["webhook_url"] == f"https://crm.lumen.example/api/v1/webhooks/shopify/{shop.key}"
    assert body["topics"] == [
        "orders/create",
        "orders/updated",
        "orders/cancelled",
        "refunds/create",
    ]
    assert body["secret_hint"] == "\N{BULLET}" * 8 + "6f"
    assert SECRET not in response.content.decode()
    assert (body["orders_received"], body["last_delivery_at"]) == (0, None)


def test_a_shop_without_its_secret_is_a_field_error(
    manager: Membership, api_client_for: Callable[..., Client]
) -> None:
    response = api_client_for(manager).post(
        "/api/v1/shops",
        {"name": "Lumen FR", "platform": "woocommerce"},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "secret"


def test_list_change_take_off_and_rotate(
    workspace: Workspace,
    manager: Membership,
    api_client_for: Callable[..., Client],
    django_assert_max_num_queries: Any,
) -> None:
    client = api_client_for(manager)
    shops = [ShopFactory.create(workspace=workspace, name=f"Shop {n:02}") for n in range(5)]

    with django_assert_max_num_queries(4):
        first = client.get("/api/v1/shops?limit=3").json()
    second = client.get(f"/api/v1/shops?limit=3&cursor={first['next']}").json()
    assert [s["name"] for s in first["items"] + second["items"]] == [s.name for s in shops]

    shop = shops[0]
    old_key = shop.key
    changed = client.patch(
        f"/api/v1/shops/{shop.pk}", {"name": "Lumen US"}, content_type="application/json"
    ).json()
    off = client.delete(f"/api/v1/shops/{shop.pk}").json()
    rotated = client.post(f"/api/v1/shops/{shop.pk}/rotate-key").json()

    assert changed["name"] == "Lumen US" and changed["is_active"] is True
    assert off["is_active"] is False
    shop.refresh_from_db()
    assert rotated["webhook_url"].endswith(shop.key) and shop.key != old_key


def test_a_viewer_token_reads_but_changes_nothing(
    workspace: Workspace, member: Callable[[str], Membership], api_client_for: Callable[..., Client]
) -> None:
    shop = ShopFactory.create(workspace=workspace)
    client = api_client_for(member(Role.VIEWER))

    assert client.get(f"/api/v1/shops/{shop.pk}").status_code == 200
    new = {"name": "X", "platform": "shopify", "secret": SECRET}
    rename = {"name": "X"}
    json = "application/json"
    assert client.post("/api/v1/shops", new, content_type=json).status_code == 403
    assert client.patch(f"/api/v1/shops/{shop.pk}", rename, content_type=json).status_code == 403
    assert client.post(f"/api/v1/shops/{shop.pk}/rotate-key").status_code == 403
    assert client.delete(f"/api/v1/shops/{shop.pk}").status_code == 403


def test_another_workspaces_shop_is_not_found(
    other_workspace: Workspace, manager: Membership, api_client_for: Callable[..., Client]
) -> None:
    theirs = ShopFactory.create(workspace=other_workspace)
    client = api_client_for(manager)

    assert client.get(f"/api/v1/shops/{theirs.pk}").status_code == 404
    assert client.post(f"/api/v1/shops/{theirs.pk}/rotate-key").status_code == 404
    assert client.get("/api/v1/shops").json()["items"] == []


def test_the_webhooks_are_documented_with_their_headers_and_examples(
    manager: Membership, api_client_for: Callable[..., Client]
) -> None:
    schema = Client().get("/api/v1/openapi.json").json()

    shopify = schema["paths"]["/api/v1/webhooks/shopify/{shop_key}"]["post"]
    woo = schema["paths"]["/api/v1/webhooks/woocommerce/{shop_key}"]["post"]
    assert "X-Shopify-Hmac-Sha256" in {p["name"] for p in shopify["parameters"]}
    assert "X-WC-Webhook-Signature" in {p["name"] for p in woo["parameters"]}
    examples = shopify["requestBody"]["content"]["application/json"]["examples"]
    assert examples["orders/create"]["value"]["total_price"] == "64.00"
    assert set(shopify["responses"]) >= {"200", "400", "401", "404", "413"}
    assert "security" not in shopify or shopify["security"] == []
