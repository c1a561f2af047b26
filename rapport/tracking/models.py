"""Tracking and attribution (PRODUCT.md "Tracking and attribution").

A creator's audience reaches the shop two ways we can count: through the creator's short link on
our own host (``/r/<slug>``), which records a :class:`Click` and redirects with UTM parameters,
or with the creator's :class:`DiscountCode`. Shops send their :class:`Order` rows by webhook or in
a file; each order is attributed to a collaboration by its code, else by the last tracked click
within the workspace's attribution window, else kept unattributed.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rapport.campaigns.models import Collaboration
from rapport.creators.models import Platform
from rapport.workspaces.models import Workspace
from rapport.workspaces.secrets import EncryptedTextField

USER = settings.AUTH_USER_MODEL


class Placement(models.TextChoices):
    """Where on a platform the creator puts the link."""

    BIO = "bio", _("Bio or profile link")
    STORY = "story", _("Story link sticker")
    POST = "post", _("Post caption or link")
    VIDEO = "video", _("Video description")
    OTHER = "other", _("Elsewhere")


class CheckResult(models.TextChoices):
    """The outcome of the last check before launch."""

    OK = "ok", _("Ready")
    PROBLEM = "problem", _("Problem")


class TrackingLink(models.Model):
    """A creator's short link for one platform placement in one collaboration.

    ``/r/<slug>`` redirects to ``target_url``: the destination (on one of the workspace's allowed
    domains) with the UTM parameters already added, so the redirect only appends the click's
    reference. The ``utm_*`` columns are kept apart so an order's landing parameters can be matched.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    collaboration = models.ForeignKey(
        Collaboration, on_delete=models.CASCADE, related_name="tracking_links"
    )
    platform = models.CharField(_("platform"), max_length=12, choices=Platform.choices)
    placement = models.CharField(
        _("placement"), max_length=8, choices=Placement.choices, default=Placement.BIO
    )
    slug = models.CharField(_("short link"), max_length=40, unique=True)
    destination = models.URLField(_("destination"), max_length=2000)
    target_url = models.URLField(max_length=2400)
    utm_source = models.CharField(max_length=100)
    utm_medium = models.CharField(max_length=100)
    utm_campaign = models.CharField(max_length=100)
    utm_content = models.CharField(max_length=150)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    check_result = models.CharField(max_length=8, choices=CheckResult.choices, blank=True)
    check_message = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["collaboration", "platform", "placement"]
        constraints = [
            models.UniqueConstraint(
                fields=["collaboration", "platform", "placement"],
                name="one_link_per_placement",
            )
        ]
        indexes = [models.Index(fields=["workspace", "utm_campaign", "utm_content"])]

    def __str__(self) -> str:
        return f"/r/{self.slug}"


class Device(models.TextChoices):
    MOBILE = "mobile", _("Phone")
    TABLET = "tablet", _("Tablet")
    DESKTOP = "desktop", _("Computer")
    OTHER = "other", _("Other")


class Click(models.Model):
    """One visit through a tracking link. No IP address is kept: ``visitor`` is a hash of the
    address and browser under a salt that changes every day, enough to tell repeat visits apart
    on one day and nothing more. ``ref`` travels to the shop in the redirect (``rclid``) so an
    order can name its click."""

    id = models.BigAutoField(primary_key=True)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    link = models.ForeignKey(TrackingLink, on_delete=models.CASCADE, related_name="clicks")
    ref = models.CharField(max_length=24, unique=True)
    at = models.DateTimeField()
    referrer_host = models.CharField(max_length=255, blank=True)
    device = models.CharField(max_length=8, choices=Device.choices, default=Device.OTHER)
    country = models.CharField(max_length=2, blank=True)
    visitor = models.CharField(max_length=32, blank=True)
    is_bot = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["link", "at"]),
            models.Index(fields=["workspace", "at"]),
        ]

    def __str__(self) -> str:
        return f"click {self.ref}"


class DiscountKind(models.TextChoices):
    PERCENT = "percent", _("Percentage off")
    AMOUNT = "amount", _("Fixed amount off")
    FREE_SHIPPING = "shipping", _("Free shipping")


class DiscountCode(models.Model):
    """A creator's discount code: upper case, unique in the workspace (orders match it whatever
    its case), with its discount, validity window and usage limit, as exported to the shop."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    collaboration = models.ForeignKey(
        Collaboration, on_delete=models.CASCADE, related_name="discount_codes"
    )
    code = models.CharField(_("code"), max_length=40)
    kind = models.CharField(
        _("discount"), max_length=8, choices=DiscountKind.choices, default=DiscountKind.PERCENT
    )
    value = models.DecimalField(
        _("value"), max_digits=10, decimal_places=2, default=Decimal(0), blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    starts_at = models.DateTimeField(_("valid from"), null=True, blank=True)
    ends_at = models.DateTimeField(_("valid until"), null=True, blank=True)
    usage_limit = models.PositiveIntegerField(_("usage limit"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    check_result = models.CharField(max_length=8, choices=CheckResult.choices, blank=True)
    check_message = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "code"], name="code_unique_in_workspace")
        ]

    def __str__(self) -> str:
        return self.code


class ShopPlatform(models.TextChoices):
    SHOPIFY = "shopify", "Shopify"
    WOOCOMMERCE = "woocommerce", "WooCommerce"
    OTHER = "other", _("Other (file upload only)")


class Shop(models.Model):
    """A shop that sends orders: by webhook to ``/api/v1/webhooks/<platform>/<key>``, signed with
    ``secret`` (the shop's webhook signing secret, encrypted at rest), or by file upload."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="shops")
    name = models.CharField(_("name"), max_length=120)
    platform = models.CharField(_("platform"), max_length=12, choices=ShopPlatform.choices)
    domain = models.CharField(_("shop domain"), max_length=255, blank=True)
    key = models.CharField(max_length=32, unique=True)
    secret = EncryptedTextField(_("webhook signing secret"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_delivery_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Attribution(models.TextChoices):
    CODE = "code", _("Discount code")
    CLICK = "click", _("Tracked click")
    NONE = "none", _("Not attributed")
    MANUAL = "manual", _("Set by hand")


class OrderSource(models.TextChoices):
    WEBHOOK = "webhook", _("Webhook")
    FILE = "file", _("File upload")


class Order(models.Model):
    """A shop's order, once per shop and order id however often it is delivered.

    ``revenue`` is what the order still brings in, in its own ``currency``: the total less
    refunds, and nothing once cancelled. It is stored so reports sum it in the database.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="orders")
    external_id = models.CharField(_("order id"), max_length=64)
    name = models.CharField(_("order"), max_length=64, blank=True)
    placed_at = models.DateTimeField(_("placed"))
    currency = models.CharField(_("currency"), max_length=3)
    total = models.DecimalField(_("total"), max_digits=14, decimal_places=2)
    refunded = models.DecimalField(
        _("refunded"), max_digits=14, decimal_places=2, default=Decimal(0)
    )
    revenue = models.DecimalField(_("revenue"), max_digits=14, decimal_places=2)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    codes = models.JSONField(_("discount codes"), default=list, blank=True)
    landing_url = models.CharField(_("landing page"), max_length=2000, blank=True)
    click_ref = models.CharField(max_length=24, blank=True)
    collaboration = models.ForeignKey(
        Collaboration, on_delete=models.SET_NULL, null=True, blank=True, related_name="orders"
    )
    attributed_by = models.CharField(
        _("attributed by"), max_length=8, choices=Attribution.choices, default=Attribution.NONE
    )
    discount_code = models.ForeignKey(
        DiscountCode, on_delete=models.SET_NULL, null=True, blank=True, related_name="orders"
    )
    click = models.ForeignKey(
        Click, on_delete=models.SET_NULL, null=True, blank=True, related_name="orders"
    )
    source = models.CharField(max_length=8, choices=OrderSource.choices)
    # When the shop last changed the order, per the newest delivery applied: an older delivery
    # arriving late does not undo a newer one.
    shop_updated_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-placed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["shop", "external_id"], name="order_once_per_shop")
        ]
        indexes = [
            models.Index(fields=["workspace", "collaboration", "placed_at"]),
            models.Index(fields=["workspace", "attributed_by", "placed_at"]),
        ]

    def __str__(self) -> str:
        return self.name or self.external_id


class Refund(models.Model):
    """A refund on an order, once per refund id; the order's ``refunded`` is their sum."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="refunds")
    external_id = models.CharField(max_length=64)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    refunded_at = models.DateTimeField()

    class Meta:
        ordering = ["refunded_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["order", "external_id"], name="refund_once_per_order")
        ]

    def __str__(self) -> str:
        return f"refund {self.external_id}"
