"""Generate the wrap-report data set (``bench.wrap_report``): one campaign with 2,000
collaborations and a million metric snapshots.

In a workspace of its own (``bench.generate`` makes it: N creators and the bench team), one
campaign that has wrapped up: a collaboration per creator, almost all with agreed terms (committed
cost, with a seeded product's value in it for most) and live, reported, paid or closed (2% were
cancelled and count nowhere); 3% are in euros, the rest in dollars. Each has 2 or 3 deliverables
that went live 70 to 100 days ago, each with its post, and the posts share the snapshots: a
reading a day alternating between the platform's API, the team and the creator (several sources
on the same day, so the latest snapshot is decided by when it was recorded), the figures growing
as real posts do and shaped by the creator's following. A sixth of the collaborations carry a
bonus line; each collaboration has a tracking link with clicks (8% from bots), and orders are
attributed to most of them by code or click (some refunded, a few cancelled), plus orders no
creator brought.

Rows are written with ``bulk_create`` in batches (snapshots 50,000 at a time, never all in
memory); on SQLite, synchronous writes are off while generating (``PRAGMA synchronous=OFF``)
and set back after. The set is seeded and kept between runs: the campaign's description records
what it holds once everything is written, and :func:`find_wrap` only reuses a complete one.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from bench.generate import weighted
from rapport.campaigns.models import (
    ApprovalStage,
    Campaign,
    CampaignStatus,
    Collaboration,
    CollabStage,
    Deliverable,
    DeliverableKind,
    Objective,
)
from rapport.creators.models import Creator, Platform
from rapport.finance.models import BonusLine, BonusStatus
from rapport.performance.models import MetricSnapshot, MetricSource, Post
from rapport.tracking.models import (
    Attribution,
    Click,
    Device,
    Order,
    OrderSource,
    Shop,
    ShopPlatform,
    TrackingLink,
)
from rapport.workspaces.models import ErDenominator, User, Workspace

WRAP_SLUG = "bench-wrap"
SNAPSHOT_BATCH = 50_000
STAGES = [
    (CollabStage.LIVE, 30),
    (CollabStage.REPORTED, 35),
    (CollabStage.PAID, 28),
    (CollabStage.CLOSED, 5),
    (CollabStage.CANCELLED, 2),
]
KINDS = [DeliverableKind.REEL, DeliverableKind.VIDEO, DeliverableKind.STORY, DeliverableKind.POST]
PLATFORMS = [(Platform.INSTAGRAM, 6), (Platform.TIKTOK, 3), (Platform.YOUTUBE, 2)]
SOURCES = (MetricSource.API, MetricSource.ENTERED, MetricSource.CREATOR)
# A post's engagements per person reached, by the creator's tier.
ENGAGEMENT = {"nano": 0.07, "micro": 0.045, "mid": 0.03, "macro": 0.02, "mega": 0.013}


def marker(collaborations: int, snapshots: int, seed: int) -> str:
    """What the campaign's description says once its data set is complete."""
    return (
        f"Benchmark wrap report: {collaborations} collaborations, {snapshots} snapshots, "
        f"seed {seed}."
    )


def find_wrap(workspace: Workspace, *, collaborations: int, snapshots: int, seed: int) -> Any:
    """The complete wrap campaign for these parameters, or None."""
    return Campaign.objects.filter(
        workspace=workspace,
        slug=WRAP_SLUG,
        description=marker(collaborations, snapshots, seed),
    ).first()


@dataclass
class Counts:
    """What was written, for the summary."""

    collaborations: int = 0
    posts: int = 0
    snapshots: int = 0
    bonuses: int = 0
    clicks: int = 0
    orders: int = 0


@dataclass(frozen=True)
class Growth:
    """A post's settled figures; each snapshot is a share of them."""

    post_id: int
    first_day: dt.date
    reach: int
    impressions_ratio: float
    views_ratio: float | None
    engagement: float
    clicks_ratio: float


@contextmanager
def fast_writes() -> Iterator[None]:
    """On SQLite, unsynchronised writes for the duration (the data set can be made again)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA cache_size=-262144")  # 256 MB
        cursor.execute("PRAGMA temp_store=MEMORY")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA cache_size=-2000")


class Generator:
    def __init__(self, workspace: Workspace, *, collaborations: int, snapshots: int, seed: int):
        self.workspace = workspace
        self.collaborations_wanted = collaborations
        self.snapshots_wanted = snapshots
        self.seed = seed
        self.rng = random.Random(seed)
        self.now = timezone.now()
        self.today = self.now.date()
        self.counts = Counts()
        self.team = list(
            User.objects.filter(memberships__workspace=workspace).order_by("id").distinct()
        )

    def campaign(self) -> Campaign:
        return Campaign.objects.create(
            workspace=self.workspace,
            name="Spring launch wrap (benchmark)",
            slug=WRAP_SLUG,
            objective=Objective.CONVERSION,
            starts_on=self.today - dt.timedelta(days=120),
            ends_on=self.today - dt.timedelta(days=5),
            budget=Decimal(5_000_000),
            currency="USD",
            owner=self.team[0],
            er_denominator=ErDenominator.REACH,
            status=CampaignStatus.ACTIVE,
            spend_includes_product=True,
        )

    def collaborations(self, campaign: Campaign) -> list[Collaboration]:
        creators = list(
            Creator.objects.filter(workspace=self.workspace, deleted_at__isnull=True)
            .order_by("id")
            .values_list("id", "tier", "followers_max")[: self.collaborations_wanted]
        )
        if len(creators) < self.collaborations_wanted:
            raise SystemExit(
                f"The workspace has {len(creators)} creators, fewer than the "
                f"{self.collaborations_wanted} collaborations asked for."
            )
        self.creators = {pk: (tier, followers) for pk, tier, followers in creators}
        rows = []
        for creator_id, _tier, followers in creators:
            currency = "EUR" if self.rng.random() < 0.03 else "USD"
            fee = Decimal(max(150, min(25_000, int(followers * self.rng.uniform(0.01, 0.03)))))
            product = Decimal(self.rng.choice([0, 38, 38, 76, 120]))
            rows.append(
                Collaboration(
                    workspace=self.workspace,
                    campaign=campaign,
                    creator_id=creator_id,
                    stage=weighted(self.rng, STAGES),
                    stage_changed_at=self.now - dt.timedelta(days=self.rng.uniform(1, 30)),
                    owner=self.rng.choice(self.team),
                    terms={"fee": str(fee), "currency": currency},
                    committed_cost=fee + product,
                    product_value=product,
                    currency=currency,
                )
            )
        self.counts.collaborations = len(rows)
        return Collaboration.objects.bulk_create(rows, batch_size=1_000)

    def posts(self, collaborations: list[Collaboration]) -> list[Growth]:
        deliverables = []
        for collab in collaborations:
            if collab.stage == CollabStage.CANCELLED:
                continue
            for n in range(self.rng.choice([2, 3])):
                went_live = self.now - dt.timedelta(days=self.rng.uniform(70, 100))
                url = f"https://www.instagram.com/p/benchwrap{collab.pk}x{n}/"
                deliverables.append(
                    Deliverable(
                        workspace=self.workspace,
                        collaboration=collab,
                        kind=self.rng.choice(KINDS),
                        platform=weighted(self.rng, PLATFORMS),
                        approval_stages=[ApprovalStage.FINAL],
                        post_at=went_live,
                        disclosure="#ad",
                        live_url=url,
                        went_live_at=went_live,
                        disclosure_checked=True,
                    )
                )
        Deliverable.objects.bulk_create(deliverables, batch_size=1_000)
        posts = Post.objects.bulk_create(
            [
                Post(
                    workspace=self.workspace,
                    collaboration_id=d.collaboration_id,
                    deliverable=d,
                    platform=d.platform,
                    url=d.live_url,
                    external_id=d.live_url.rstrip("/").rsplit("/", 1)[1],
                    posted_at=d.went_live_at,
                    collect_on=(d.went_live_at + dt.timedelta(days=7)).date(),
                    last_fetched_at=self.now - dt.timedelta(hours=self.rng.uniform(1, 20)),
                )
                for d in deliverables
                if d.went_live_at is not None
            ],
            batch_size=1_000,
        )
        self.counts.posts = len(posts)
        creator_of = {c.pk: c.creator_id for c in collaborations}
        kinds = {d.pk: d.kind for d in deliverables}
        growths = []
        for post in posts:
            tier, followers = self.creators[creator_of[post.collaboration_id]]
            video = kinds[post.deliverable_id] != DeliverableKind.POST
            assert post.posted_at is not None
            growths.append(
                Growth(
                    post_id=post.pk,
                    first_day=post.posted_at.date(),
                    reach=max(50, int((followers or 1_000) * self.rng.uniform(0.15, 0.9))),
                    impressions_ratio=self.rng.uniform(1.2, 1.7),
                    views_ratio=self.rng.uniform(1.0, 1.4) if video else None,
                    engagement=ENGAGEMENT.get(tier, 0.03) * self.rng.uniform(0.6, 1.5),
                    clicks_ratio=self.rng.uniform(0.002, 0.01),
                )
            )
        return growths

    def snapshot_rows(self, growths: list[Growth]) -> Iterator[MetricSnapshot]:
        """The snapshots, post after post: the wanted total shared out (the first posts take
        one more), a day each in turn from the API, the team and the creator."""
        per_post, extra = divmod(self.snapshots_wanted, len(growths))
        for position, growth in enumerate(growths):
            count = per_post + (1 if position < extra else 0)
            for k in range(count):
                day = growth.first_day + dt.timedelta(days=k // len(SOURCES))
                share = 1 - math.exp(-(k + 1) / (0.1 * count + 1))
                reach = int(growth.reach * share)
                engagements = reach * growth.engagement
                recorded = dt.datetime.combine(day, dt.time(18, k % 60), tzinfo=dt.UTC)
                yield MetricSnapshot(
                    workspace_id=self.workspace.pk,
                    post_id=growth.post_id,
                    collected_on=day,
                    source=SOURCES[k % len(SOURCES)],
                    reach=reach,
                    impressions=int(reach * growth.impressions_ratio),
                    views=int(reach * growth.views_ratio) if growth.views_ratio else None,
                    likes=int(engagements * 0.82),
                    comments=int(engagements * 0.04),
                    shares=int(engagements * 0.05),
                    saves=int(engagements * 0.09) if k % 7 else None,
                    clicks=int(reach * growth.clicks_ratio),
                    recorded_at=recorded,
                )

    def snapshots(self, growths: list[Growth], out: Callable[[str], Any]) -> None:
        batch: list[MetricSnapshot] = []
        started = time.monotonic()
        for snapshot in self.snapshot_rows(growths):
            batch.append(snapshot)
            if len(batch) == SNAPSHOT_BATCH:
                self.write_snapshots(batch)
                batch = []
                if self.counts.snapshots % 250_000 == 0:
                    out(
                        f"  {self.counts.snapshots:,} snapshots "
                        f"({time.monotonic() - started:.0f} s)"
                    )
        if batch:
            self.write_snapshots(batch)

    def write_snapshots(self, batch: list[MetricSnapshot]) -> None:
        with transaction.atomic():
            MetricSnapshot.objects.bulk_create(batch, batch_size=5_000)
        self.counts.snapshots += len(batch)

    def bonuses(self, collaborations: list[Collaboration]) -> None:
        lines = [
            BonusLine(
                workspace=self.workspace,
                collaboration=collab,
                metric="cpa",
                measured=Decimal(self.rng.randrange(2_000, 6_000)) / 100,
                amount=Decimal(self.rng.choice([250, 500, 1_000])),
                currency=collab.currency,
                calculation={"source": "benchmark"},
                status=self.rng.choice(list(BonusStatus.values)),
                computed_at=self.now - dt.timedelta(days=self.rng.uniform(1, 20)),
            )
            for collab in collaborations
            if collab.stage in (CollabStage.REPORTED, CollabStage.PAID, CollabStage.CLOSED)
            and self.rng.random() < 0.25
        ]
        BonusLine.objects.bulk_create(lines, batch_size=1_000)
        self.counts.bonuses = len(lines)

    def tracking(self, collaborations: list[Collaboration]) -> None:
        shop = Shop.objects.create(
            workspace=self.workspace,
            name="Bench shop",
            platform=ShopPlatform.SHOPIFY,
            domain="bench-wrap.myshopify.com",
            key=f"benchwrap{self.seed}",
        )
        links = TrackingLink.objects.bulk_create(
            [
                TrackingLink(
                    workspace=self.workspace,
                    collaboration=collab,
                    platform=Platform.INSTAGRAM,
                    slug=f"bw{collab.pk}",
                    destination="https://shop.example.com/serum",
                    target_url=f"https://shop.example.com/serum?utm_content=bw{collab.pk}",
                    utm_source="instagram",
                    utm_medium="creator",
                    utm_campaign=WRAP_SLUG,
                    utm_content=f"bw{collab.pk}",
                )
                for collab in collaborations
            ],
            batch_size=1_000,
        )
        clicks: list[Click] = []
        for link in links:
            for _n in range(self.rng.randint(0, 60)):
                clicks.append(
                    Click(
                        workspace=self.workspace,
                        link=link,
                        ref=f"bw{len(clicks):022x}",
                        at=self.now - dt.timedelta(days=self.rng.uniform(1, 100)),
                        device=Device.MOBILE,
                        country="US",
                        is_bot=self.rng.random() < 0.08,
                    )
                )
        Click.objects.bulk_create(clicks, batch_size=5_000)
        self.counts.clicks = len(clicks)
        orders: list[Order] = []
        for collab in [*collaborations, *[None] * (len(collaborations) // 5)]:
            for _n in range(self.rng.choice([0, 1, 2, 3, 5, 8]) if collab else 1):
                total = Decimal(self.rng.choice(["38.00", "54.00", "76.00", "108.00"]))
                refunded = total if self.rng.random() < 0.03 else Decimal(0)
                cancelled = self.rng.random() < 0.02
                orders.append(
                    Order(
                        workspace=self.workspace,
                        shop=shop,
                        external_id=str(9_000_000 + len(orders)),
                        name=f"#{9_000_000 + len(orders)}",
                        placed_at=self.now - dt.timedelta(days=self.rng.uniform(1, 100)),
                        currency=collab.currency if collab else "USD",
                        total=total,
                        refunded=refunded,
                        revenue=Decimal(0) if cancelled else total - refunded,
                        cancelled_at=self.now if cancelled else None,
                        codes=[f"BENCH{collab.pk}"] if collab else [],
                        collaboration=collab,
                        attributed_by=Attribution.CODE if collab else Attribution.NONE,
                        source=OrderSource.WEBHOOK,
                    )
                )
        Order.objects.bulk_create(orders, batch_size=2_000)
        self.counts.orders = len(orders)


def generate_performance(
    workspace: Workspace,
    *,
    collaborations: int,
    snapshots: int,
    seed: int,
    out: Callable[[str], Any] = print,
) -> Campaign:
    """Create the wrap campaign in ``workspace`` (any earlier, incomplete one is removed first);
    returns it once complete."""
    started = time.monotonic()
    Campaign.objects.filter(workspace=workspace, slug=WRAP_SLUG).delete()
    Shop.objects.filter(workspace=workspace, key=f"benchwrap{seed}").delete()
    generator = Generator(workspace, collaborations=collaborations, snapshots=snapshots, seed=seed)
    with fast_writes():
        with transaction.atomic():
            campaign = generator.campaign()
            collabs = generator.collaborations(campaign)
            growths = generator.posts(collabs)
            generator.bonuses(collabs)
            generator.tracking(collabs)
        generator.snapshots(growths, out)
    campaign.description = marker(collaborations, snapshots, seed)
    campaign.save(update_fields=["description"])
    counts = generator.counts
    out(
        f"  {counts.collaborations:,} collaborations, {counts.posts:,} posts, "
        f"{counts.snapshots:,} snapshots, {counts.bonuses:,} bonus lines, {counts.clicks:,} "
        f"clicks, {counts.orders:,} orders in {time.monotonic() - started:.0f} s"
    )
    return campaign
