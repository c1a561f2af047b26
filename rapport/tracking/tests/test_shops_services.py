"""Connecting shops: the rules of ``services.shops``."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from rapport.tracking.models import Shop
from rapport.tracking.services.shops import (
    create_shop,
    deactivate_shop,
    masked_secret,
    rotate_key,
    update_shop,
    webhook_url,
)
from rapport.workspaces.models import AuditEvent, Membership, Workspace

SECRET = "shpss_0c5d9e8f1a2b3c4d7e6f"


def _shop(workspace: Workspace, **values: str) -> Shop:
    fields = {"name": "Lumen US", "platform": "shopify", "domain": "", "secret": SECRET}
    return create_shop(workspace=workspace, actor=None, **{**fields, **values})


def test_a_new_shop_gets_an_unguessable_address_of_its_own(
    workspace: Workspace, settings: object
) -> None:
    settings.RAPPORT_BASE_URL = "https://crm.lumen.example"  # type: ignore[attr-defined]

    first, second = _shop(workspace), _shop(workspace, name="Lumen EU")

    assert len(first.key) == 32 and first.key != second.key
    assert webhook_url(first) == f"https://crm.lumen.example/api/v1/webhooks/shopify/{first.key}"
    woo = _shop(workspace, platform="woocommerce")
    assert webhook_url(woo).endswith(f"/api/v1/webhooks/woocommerce/{woo.key}")
    assert webhook_url(_shop(workspace, platform="other", secret="")) == ""


def test_the_domain_is_kept_as_a_host_name(workspace: Workspace) -> None:
    shop = _shop(workspace, domain="  https://Lumen-Skin.myshopify.com/admin ")

    assert shop.domain == "lumen-skin.myshopify.com"
    with pytest.raises(ValidationError) as caught:
        _shop(workspace, domain="not a domain")
    assert "domain" in caught.value.message_dict


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"name": "  "}, "name"),
        ({"platform": "magento"}, "platform"),
        ({"secret": ""}, "secret"),
        ({"secret": "short"}, "secret"),
        ({"platform": "woocommerce", "secret": ""}, "secret"),
    ],
)
def test_what_a_shop_needs(workspace: Workspace, values: dict[str, str], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        _shop(workspace, **values)

    assert field in caught.value.message_dict
    assert not Shop.objects.exists()


def test_the_secret_is_never_shown_nor_logged(workspace: Workspace, manager: Membership) -> None:
    shop = _shop(workspace)
    update_shop(shop=shop, actor=manager.user, secret="shpss_brand_new_secret_9z8y")

    assert masked_secret(shop) == "\N{BULLET}" * 8 + "8y"
    events = AuditEvent.objects.filter(object_id=shop.pk)
    logged = " ".join(f"{e.summary} {e.changes}" for e in events)
    assert "shpss_" not in logged
    assert events.filter(kind="shop.updated").get().changes["secret"][1].endswith("\N{BULLET}8y")


def test_an_empty_secret_on_update_keeps_the_current_one(workspace: Workspace) -> None:
    shop = _shop(workspace)

    update_shop(shop=shop, actor=None, name="Lumen United States", secret="")

    shop.refresh_from_db()
    assert (shop.name, shop.secret) == ("Lumen United States", SECRET)


def test_deactivating_and_rotating_are_recorded(workspace: Workspace, manager: Membership) -> None:
    shop = _shop(workspace)
    key = shop.key

    deactivate_shop(shop=shop, actor=manager.user)
    rotate_key(shop=shop, actor=manager.user)

    shop.refresh_from_db()
    assert not shop.is_active and shop.key != key
    kinds = list(
        AuditEvent.objects.filter(object_id=shop.pk).order_by("id").values_list("kind", "summary")
    )
    assert kinds == [
        ("shop.created", "Shop Lumen US connected (Shopify)"),
        ("shop.updated", "Shop Lumen US taken off"),
        ("shop.key_rotated", "Shop Lumen US has a new webhook address"),
    ]
