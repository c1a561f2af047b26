"""The demo's tracking: the launch campaign's links and codes, a connected Shopify shop, a fortnight
of clicks on the creators who are approved or live, and orders, some attributed by code, some by a
tracked click, one refunded and a few that no creator brought, so every tracking page and the
bonus have something to show."""

from __future__ import annotations

import datetime as dt
import random
import secrets
from decimal import Decimal

from django.db.models import Min
from django.utils import timezone

from rapport.campaigns.models import Campaign, CollabStage
from rapport.finance.bonuses import compute_bonus
from rapport.tracking.models import Click, Device, OrderSource, Shop, ShopPlatform, TrackingLink
from rapport.tracking.records import OrderData, RefundData
from rapport.tracking.services import orders, preparation, shops
from rapport.tracking.services.clicks import new_ref
from rapport.workspaces.models import User, Workspace

SHOP_DOMAIN = "lumen-skincare.example.com"
DESTINATION = f"https://{SHOP_DOMAIN}/products/barrier-repair-serum"
REFERRERS = ["instagram.com", "l.instagram.com", "www.tiktok.com", "t.co", ""]
DEVICES = [Device.MOBILE] * 7 + [Device.DESKTOP] * 2 + [Device.TABLET]


def _clicks(
    link: TrackingLink, since: dt.datetime, now: dt.datetime, rng: random.Random, count: int
) -> list[Click]:
    made = []
    for _ in range(count):
        at = since + (now - since) * rng.uniform(0.05, 0.95)
        made.append(
            Click(
                workspace_id=link.workspace_id,
                link=link,
                ref=new_ref(),
                at=at,
                referrer_host=rng.choice(REFERRERS),
                device=rng.choice(DEVICES),
                country=rng.choice(["US", "US", "GB", "CA", "FR", ""]),
                visitor=f"{rng.getrandbits(128):032x}",
                is_bot=rng.random() < 0.08,
            )
        )
    return Click.objects.bulk_create(made)


def build_tracking(workspace: Workspace, users: dict[str, User], seed: int = 5) -> None:
    """Prepare the launch campaign's links and codes, connect the demo shop and fill in clicks,
    orders and the live creator's bonus (the campaigns must exist)."""
    launch = Campaign.objects.filter(workspace=workspace, name="Spring Glow Launch").first()
    if launch is None:
        return
    rng = random.Random(seed)
    now = timezone.now()
    omar = users["omar@demo.rapport.test"]
    Shop.objects.filter(workspace=workspace).delete()
    workspace.tracking_domains = [SHOP_DOMAIN]
    workspace.save(update_fields=["tracking_domains"])
    preparation.prepare_campaign(campaign=launch, destination=DESTINATION, actor=omar, percent=15)
    shop = shops.create_shop(
        workspace=workspace,
        actor=omar,
        name="Lumen Skincare (Shopify)",
        platform=ShopPlatform.SHOPIFY,
        domain="lumen-skincare.myshopify.com",
        secret=secrets.token_urlsafe(24),  # a real shop's secret is pasted from its admin
    )
    posting = (
        launch.collaborations.filter(stage__in=[CollabStage.APPROVED, CollabStage.LIVE])
        .annotate(live_since=Min("deliverables__went_live_at"))
        .prefetch_related("tracking_links", "discount_codes")
    )
    number = 1000
    for collaboration in posting.order_by("pk"):
        live = collaboration.stage == CollabStage.LIVE
        # Since the post went live (the bonus counts from then); the bio link before that.
        since = collaboration.live_since or now - dt.timedelta(days=14)
        code = next((c.code for c in collaboration.discount_codes.all() if c.is_active), "")
        for link in collaboration.tracking_links.all():
            clicks = _clicks(link, since, now, rng, 240 if live else 35)
            humans = [c for c in clicks if not c.is_bot]
            # Orders through the link: the shop passes our click reference on in the landing page.
            for click in rng.sample(humans, 6 if live else 1):
                number += 1
                orders.ingest(
                    shop=shop,
                    source=OrderSource.WEBHOOK,
                    data=OrderData(
                        external_id=str(5_500_000 + number),
                        name=f"#{number}",
                        placed_at=click.at + dt.timedelta(minutes=rng.randint(3, 90)),
                        currency="USD",
                        total=Decimal(rng.choice(["38.00", "54.00", "76.00"])),
                        landing_url=f"/products/barrier-repair-serum?rclid={click.ref}",
                    ),
                )
        # Orders with the creator's code (typed in any case at checkout).
        for index in range(44 if live else 3):
            number += 1
            placed = since + (now - since) * rng.uniform(0.05, 0.95)
            refunds: tuple[RefundData, ...] = ()
            if index == 0:
                refunds = (RefundData("r-" + str(number), Decimal("38.00"), placed),)
            orders.ingest(
                shop=shop,
                source=OrderSource.WEBHOOK,
                data=OrderData(
                    external_id=str(5_500_000 + number),
                    name=f"#{number}",
                    placed_at=placed,
                    currency="USD",
                    total=Decimal(rng.choice(["38.00", "54.00", "76.00", "108.00"])),
                    codes=(code.lower() if index % 3 == 0 else code,),
                    refunds=refunds,
                ),
            )
        if live:
            compute_bonus(collaboration=collaboration, actor=users["finn@demo.rapport.test"])
    # Orders no creator brought: kept and listed for someone to look at.
    for code in ("WELCOME10", ""):
        number += 1
        orders.ingest(
            shop=shop,
            source=OrderSource.WEBHOOK,
            data=OrderData(
                external_id=str(5_500_000 + number),
                name=f"#{number}",
                placed_at=now - dt.timedelta(days=2),
                currency="USD",
                total=Decimal("54.00"),
                codes=(code,) if code else (),
            ),
        )
