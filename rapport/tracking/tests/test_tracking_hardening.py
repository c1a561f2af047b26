"""Small guards: a POST to a short link, public suffixes as allowed domains, short signing
secrets, and webhook addresses kept from those who do not manage tracking."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from rapport.testing.factories import ShopFactory, TrackingLinkFactory
from rapport.tracking.models import Click, Shop
from rapport.tracking.services.links import allowed_domains, clean_tracking_domains
from rapport.tracking.services.shops import create_shop, masked_secret, update_shop
from rapport.workspaces.models import Membership, Workspace
from rapport.workspaces.roles import Role


def test_a_post_to_a_short_link_is_refused_with_405_even_with_csrf_checks(
    workspace: Workspace,
) -> None:
    link = TrackingLinkFactory.create(collaboration__campaign__workspace=workspace)
    response = Client(enforce_csrf_checks=True).post(f"/r/{link.slug}")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert not Click.objects.exists()


@pytest.mark.parametrize("entry", ["com", "https://co.uk/", "CO.JP", "shop.example.com com.au"])
def test_top_level_domains_and_public_suffixes_are_refused(entry: str) -> None:
    with pytest.raises(ValidationError) as caught:
        clean_tracking_domains(entry)
    message = caught.value.message_dict["tracking_domains"][0]
    assert "public suffix" in message
    assert entry.split()[-1] in message


def test_a_shops_own_domain_under_a_public_suffix_is_allowed(workspace: Workspace) -> None:
    assert clean_tracking_domains("shop.co.uk lumen.com.au") == ["shop.co.uk", "lumen.com.au"]
    workspace.tracking_domains = ["com", "co.uk", "lumen.co.uk"]  # saved before this rule
    assert allowed_domains(workspace) == ["lumen.co.uk"]
    assert clean_tracking_domains("localhost") == ["localhost"]  # a shop run locally


@pytest.mark.parametrize("platform", ["shopify", "woocommerce"])
def test_a_short_signing_secret_is_refused(
    workspace: Workspace, manager: Membership, platform: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        create_shop(
            workspace=workspace, actor=manager.user, name="S", platform=platform, secret="a" * 15
        )
    assert "at least 16 characters (this one has 15)" in caught.value.message_dict["secret"][0]
    shop = create_shop(
        workspace=workspace, actor=manager.user, name="S", platform=platform, secret="a" * 16
    )
    with pytest.raises(ValidationError):
        update_shop(shop=shop, actor=manager.user, secret="short-secret")


def test_the_secret_shows_two_characters_only_when_longer_than_24(workspace: Workspace) -> None:
    bullets = "\N{BULLET}" * 8
    assert masked_secret(ShopFactory.create(workspace=workspace, secret="x" * 24)) == bullets
    assert masked_secret(ShopFactory.create(workspace=workspace, secret="x" * 23 + "yz")) == (
        "\N{BULLET}" * 8 + "yz"
    )


@pytest.fixture
def shop(workspace: Workspace) -> Shop:
    return ShopFactory.create(workspace=workspace, name="Lumen US", key="k" * 32)


@pytest.mark.parametrize("path", ["/w/lumen/tracking/shops/", "/w/lumen/tracking/shops/{pk}/"])
def test_viewers_do_not_see_the_webhook_address(
    shop: Shop, member: Callable[[str], Membership], client_for: Callable[[Membership], Client],
    path: str,
) -> None:  # fmt: skip
    url = path.format(pk=shop.pk)
    viewer_html = client_for(member(Role.VIEWER)).get(url).content.decode()
    assert shop.key not in viewer_html
    assert "ask an owner, manager or ops" in viewer_html
    ops_html = client_for(member(Role.OPS)).get(url).content.decode()
    assert f"/api/v1/webhooks/shopify/{shop.key}" in ops_html
    assert "ask an owner, manager or ops" not in ops_html


def test_the_api_gives_the_webhook_address_only_to_those_who_manage_tracking(
    shop: Shop, manager: Membership, member: Callable[[str], Membership],
    api_client_for: Callable[..., Client],
) -> None:  # fmt: skip
    viewer = api_client_for(member(Role.VIEWER))
    listed = viewer.get("/api/v1/shops").json()["items"][0]
    assert listed["webhook_url"] is None
    assert shop.key not in viewer.get(f"/api/v1/shops/{shop.pk}").content.decode()
    body = api_client_for(manager).get(f"/api/v1/shops/{shop.pk}").json()
    assert body["webhook_url"].endswith(f"/api/v1/webhooks/shopify/{shop.key}")
