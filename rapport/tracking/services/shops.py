"""Shops that send orders: adding one, changing it, taking it off, and rotating its webhook key.

A shop's webhook address carries ``key``, a random token nobody can guess, so that the address
itself names the shop; deliveries are then checked against ``secret``, the signing secret the shop
gives (Shopify shows it under Settings > Notifications > Webhooks; WooCommerce uses the one typed
when the webhook is created). The secret is kept, encrypted at rest, to check signatures; it is
never shown back nor written to the audit log: only bullets are, followed by its last two
characters when it is longer than 24 (a short secret shows nothing of itself). (After a change
of ``SECRET_KEY`` it reads back empty: the shop's page then asks for it again.)
"""

from __future__ import annotations

import re
import secrets
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rapport.tracking.models import Shop, ShopPlatform
from rapport.workspaces.models import User, Workspace
from rapport.workspaces.services import diff, record

# 24 random bytes: 32 URL-safe characters, the width of ``Shop.key``.
KEY_BYTES = 24
# Shopify's signing secrets are 64 hex characters; WooCommerce takes whatever is typed: at least
# 16 characters keeps a signature from being guessed.
SECRET_MIN_LENGTH = 16
# Only a secret longer than this shows its last characters, and only SECRET_HINT_LENGTH of them.
SECRET_HINT_FROM = 24
SECRET_HINT_LENGTH = 2
# A host name: labels of letters, digits and hyphens, separated by dots, with a top-level label.
HOST = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")

# The topics to subscribe in the shop's admin, per platform; any other topic is answered
# "ignored" (see ``services.webhooks``).
TOPICS: dict[str, tuple[str, ...]] = {
    ShopPlatform.SHOPIFY: ("orders/create", "orders/updated", "orders/cancelled", "refunds/create"),
    ShopPlatform.WOOCOMMERCE: (
        "order.created",
        "order.updated",
        "order.deleted",
        "order.restored",
    ),
}

# The setup steps shown on the shop's page, per platform, in the words of the shop's own admin.
SETUP_STEPS: dict[str, tuple[Any, ...]] = {
    ShopPlatform.SHOPIFY: (
        gettext_lazy("In your Shopify admin, open Settings, then Notifications, then Webhooks."),
        gettext_lazy(
            "Choose “Create webhook”. Event: Order creation; format: JSON; URL: the webhook "
            "address above; webhook API version: the latest. Save."
        ),
        gettext_lazy(
            "Create three more webhooks to the same address for the events Order update, Order "
            "cancellation and Refund create (topics orders/updated, orders/cancelled and "
            "refunds/create)."
        ),
        gettext_lazy(
            "Copy the signing secret Shopify shows under the list (“Your webhooks will be signed "
            "with …”) into this shop's signing secret here."
        ),
        gettext_lazy(
            "Send a test notification from Shopify: the last delivery time here changes when it "
            "arrives."
        ),
    ),
    ShopPlatform.WOOCOMMERCE: (
        gettext_lazy(
            "In WordPress, open WooCommerce, then Settings, then Advanced, then Webhooks, and "
            "choose “Add webhook”."
        ),
        gettext_lazy(
            "Status: Active; topic: Order created; API version: the latest (WP REST API "
            "Integration v3); delivery URL: the webhook address above."
        ),
        gettext_lazy(
            "Secret: type the same long random text as this shop's signing secret here. Save."
        ),
        gettext_lazy(
            "Add three more webhooks with the same address and secret for the topics Order "
            "updated, Order deleted and Order restored."
        ),
        gettext_lazy(
            "WooCommerce sends a test delivery when a webhook is saved; from the first order on, "
            "the last delivery time here changes."
        ),
    ),
}


def new_key() -> str:
    """A fresh webhook key: random, URL-safe, unique among shops."""
    while True:
        key = secrets.token_urlsafe(KEY_BYTES)
        if not Shop.objects.filter(key=key).exists():
            return key


def webhook_url(shop: Shop) -> str:
    """The shop's absolute webhook address, to paste into the shop's admin; empty for a shop
    that only uploads files."""
    if shop.platform not in TOPICS:
        return ""
    path = reverse(f"api:{shop.platform}_webhook", kwargs={"shop_key": shop.key})
    return settings.RAPPORT_BASE_URL.rstrip("/") + path


def masked_secret(shop: Shop) -> str:
    """The signing secret as it may be shown: bullets, then its last two characters when it is
    longer than 24 (bullets only otherwise); empty when none is set."""
    if not shop.secret:
        return ""
    shown = shop.secret[-SECRET_HINT_LENGTH:] if len(shop.secret) > SECRET_HINT_FROM else ""
    return "\N{BULLET}" * 8 + shown


def _clean_domain(value: str) -> str:
    """``https://Glow.myshopify.com/admin`` as ``glow.myshopify.com``."""
    value = value.strip().lower()
    if not value:
        return ""
    host = urlsplit(value if "//" in value else f"//{value}").hostname or ""
    if not HOST.match(host):
        raise ValidationError(
            {
                "domain": _(
                    "“%(value)s” is not a shop's domain: give its host name, such as "
                    "glow.myshopify.com or shop.example.com."
                )
                % {"value": value}
            }
        )
    return host


def _clean(values: dict[str, Any], shop: Shop | None = None) -> dict[str, Any]:
    """The given shop fields, cleaned; a ValidationError names each field at fault."""
    cleaned: dict[str, Any] = {}
    errors: dict[str, str] = {}
    if "name" in values:
        cleaned["name"] = (values["name"] or "").strip()
        if not cleaned["name"]:
            errors["name"] = _("Give the shop a name.")
        elif len(cleaned["name"]) > 120:
            errors["name"] = _("A shop's name has at most 120 characters.")
    if "platform" in values:
        cleaned["platform"] = values["platform"]
        if cleaned["platform"] not in ShopPlatform.values:
            errors["platform"] = _("Choose Shopify, WooCommerce or Other.")
    if "domain" in values:
        try:
            cleaned["domain"] = _clean_domain(values["domain"] or "")
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if "secret" in values:
        cleaned["secret"] = (values["secret"] or "").strip()
        signs = cleaned.get("platform", shop.platform if shop else "") in TOPICS
        if signs and cleaned["secret"] and len(cleaned["secret"]) < SECRET_MIN_LENGTH:
            errors["secret"] = _(
                "A signing secret has at least %(n)s characters (this one has %(len)s): copy it "
                "whole from the shop, or in WooCommerce type a longer random one."
            ) % {"n": SECRET_MIN_LENGTH, "len": len(cleaned["secret"])}
        elif len(cleaned["secret"]) > 200:
            errors["secret"] = _("A signing secret has at most 200 characters.")
    if "is_active" in values:
        cleaned["is_active"] = bool(values["is_active"])
    platform = cleaned.get("platform", shop.platform if shop else "")
    secret = cleaned.get("secret", shop.secret if shop else "")
    if platform in TOPICS and not secret and "secret" not in errors and "platform" not in errors:
        errors["secret"] = _(
            "A %(platform)s shop needs its webhook signing secret: without it no delivery can "
            "be trusted."
        ) % {"platform": ShopPlatform(platform).label}
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def create_shop(
    *,
    workspace: Workspace,
    actor: User | None,
    name: str,
    platform: str,
    domain: str = "",
    secret: str = "",
) -> Shop:
    """Connect a shop: it gets its own webhook address at once. Shopify and WooCommerce shops
    need the signing secret their deliveries are signed with."""
    cleaned = _clean({"name": name, "platform": platform, "domain": domain, "secret": secret})
    shop = Shop.objects.create(workspace=workspace, key=new_key(), **cleaned)
    record(
        workspace=workspace,
        actor=actor,
        kind="shop.created",
        summary=_("Shop %(shop)s connected (%(platform)s)")
        % {"shop": shop, "platform": shop.get_platform_display()},
        obj=shop,
    )
    return shop


@transaction.atomic
def update_shop(*, shop: Shop, actor: User | None, **values: Any) -> Shop:
    """Change the given fields of a shop (``name``, ``platform``, ``domain``, ``secret``,
    ``is_active``). An empty ``secret`` keeps the current one. ``is_active=False`` takes the
    shop off: its webhook address answers 404 until it is back on; its orders stay."""
    unknown = set(values) - {"name", "platform", "domain", "secret", "is_active"}
    if unknown:
        raise TypeError(f"Unknown shop fields: {sorted(unknown)}")
    if not (values.get("secret") or "").strip():
        values.pop("secret", None)
    cleaned = _clean(values, shop)
    changes = diff(shop, cleaned)
    if not changes:
        return shop
    for name, value in cleaned.items():
        setattr(shop, name, value)
    shop.save()
    if "secret" in changes:
        # Never the secret itself in the log: that it changed, and its new last characters.
        changes["secret"] = ("", masked_secret(shop))
    if set(changes) == {"is_active"}:
        summary = (
            _("Shop %(shop)s back on") if shop.is_active else _("Shop %(shop)s taken off")
        ) % {"shop": shop}
    else:
        summary = _("Shop %(shop)s changed") % {"shop": shop}
    record(
        workspace=shop.workspace,
        actor=actor,
        kind="shop.updated",
        summary=summary,
        obj=shop,
        changes=changes,
    )
    return shop


def deactivate_shop(*, shop: Shop, actor: User | None) -> Shop:
    """Take a shop off: deliveries to its address are refused (404); its orders are kept."""
    return update_shop(shop=shop, actor=actor, is_active=False)


@transaction.atomic
def rotate_key(*, shop: Shop, actor: User | None) -> Shop:
    """Give the shop a new webhook address; the current one stops working at once (use it when
    the address reached someone else, then paste the new one into the shop's admin)."""
    shop.key = new_key()
    shop.save(update_fields=["key"])
    record(
        workspace=shop.workspace,
        actor=actor,
        kind="shop.key_rotated",
        summary=_("Shop %(shop)s has a new webhook address") % {"shop": shop},
        obj=shop,
    )
    return shop
