"""The demo's performance data, so the wrap report, the explorer, the hub's results and the health
pages have something real to show.

The launch campaign gets three more creators (a nano, a micro and a macro one, walked through
the same services as the rest of the demo) whose content went live a fortnight or more ago: two
are reported, one is paid, with its invoice paid. Every live post then has figures collected over
time, from the team, from the creator and from the platform's API, growing the way real posts do
and shaped by the creator's following. Two creators granted an Instagram token (one of them has
expired: their post shows the connector's error) and the brand has a YouTube API key; none is
ever called by the demo. The paid creator answered the survey, and the experiment log holds two
tests with their results and decisions.

Running it again changes nothing: creators already in the campaign are not added twice,
snapshots are upserted per post, date and source, and the survey, connections and experiments are
only created when missing.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import asdict, dataclass
from decimal import Decimal

from django.utils import timezone

from rapport.campaigns.demo import _run as walk_collaboration
from rapport.campaigns.models import (
    Campaign,
    Collaboration,
    CollabStage,
    Deliverable,
    DeliverableKind,
    Product,
)
from rapport.campaigns.services import campaigns, collaborations
from rapport.creators.models import Creator, Platform, Stage, Tier
from rapport.finance.models import InvoiceStatus
from rapport.finance.services import receive_invoice, set_invoice_status
from rapport.hub.services.links import issue_link
from rapport.performance.models import (
    MetricSource,
    PlatformConnection,
    Post,
    Provider,
    SurveyResponse,
)
from rapport.performance.services.posts import default_collect_on, ensure_post_for_live
from rapport.performance.services.snapshots import record_snapshot
from rapport.workspaces.calendar import zone
from rapport.workspaces.models import User, Workspace

LAUNCH = "Spring Glow Launch"
EXPIRED = "The access token has expired"

# The creators added to the launch: their tier, their place in the campaign demo's walk (which
# sets their fee: the nano creator's is high for their following), the stage they end in and how
# many days ago their content went live.
WRAPPED = (
    (Tier.NANO, 7, CollabStage.REPORTED, 16),
    (Tier.MICRO, 2, CollabStage.REPORTED, 18),
    (Tier.MACRO, 6, CollabStage.PAID, 21),
)

# A video's engagements per person reached: smaller creators' audiences engage more.
ENGAGEMENT = {
    Tier.NANO: 0.075,
    Tier.MICRO: 0.048,
    Tier.MID: 0.032,
    Tier.MACRO: 0.021,
    Tier.MEGA: 0.014,
}
# When figures are collected (days after the post went live) and by whom: the team checks the
# next day, the platform's API reads it on day 3 and 14, the creator fills the standard form on
# the agreed collection day (7).
COLLECTIONS = (
    (0, MetricSource.ENTERED),
    (1, MetricSource.ENTERED),
    (3, MetricSource.API),
    (7, MetricSource.CREATOR),
    (14, MetricSource.API),
)

EXPERIMENTS = (
    (
        "Videos filmed at home in daylight are saved more than studio-lit ones.",
        "Setting: half the creators filmed at home by a window, half in a rented studio.",
        "Daylight videos were saved about 1.7 times as often per person reached; reach was "
        "about the same.",
        "Ask for daylight at home in the brief by default; studio only on request.",
    ),
    (
        "A code said aloud in the first five seconds converts better than a code in the "
        "caption only.",
        "Code placement: spoken and on screen early for some creators, caption only for others.",
        "Spoken codes brought about twice the orders per thousand views; the caption-only "
        "stories sold almost nothing.",
        "Put the code on screen and say it early; keep it in the caption too.",
    ),
)


@dataclass(frozen=True)
class Outcome:
    """What a post ends up showing once its figures have settled."""

    reach: int
    impressions: int
    views: int | None
    likes: int | None
    comments: int | None
    shares: int
    saves: int | None
    clicks: int | None


def build_performance(workspace: Workspace, users: dict[str, User], seed: int = 13) -> None:
    """Give the launch campaign its wrapped-up creators, posts, figures, survey answer and
    experiment results, and the workspace its platform connections (the campaigns must exist)."""
    launch = Campaign.objects.filter(workspace=workspace, name=LAUNCH).first()
    if launch is None:
        return
    rng = random.Random(seed)
    now = timezone.now()
    maya, finn = users["maya@demo.rapport.test"], users["finn@demo.rapport.test"]
    _add_wrapped_creators(launch, users, now)
    connected = _connections(workspace, launch, rng)
    posting = (
        launch.collaborations.filter(
            stage__in=[CollabStage.LIVE, CollabStage.REPORTED, CollabStage.PAID]
        )
        .select_related("creator", "workspace")
        .order_by("pk")
    )
    for collaboration in posting:
        deliverables = collaboration.deliverables.exclude(live_url="").order_by("pk")
        for deliverable in deliverables:
            post = ensure_post_for_live(deliverable, actor=maya)
            if post is None:
                continue
            _collect(post, deliverable, collaboration.creator, rng, connected, maya, now)
    _pay_and_survey(launch, finn, now)
    if not launch.experiments.exists():
        for hypothesis, varied, result, decision in EXPERIMENTS:
            campaigns.add_experiment(
                campaign=launch,
                actor=maya,
                hypothesis=hypothesis,
                varied=varied,
                result=result,
                decision=decision,
            )


def _add_wrapped_creators(launch: Campaign, users: dict[str, User], now: dt.datetime) -> None:
    """Invite one active creator of each tier of :data:`WRAPPED` (with an Instagram account and
    an e-mail address, not yet in the campaign), walk them live through the campaign demo's
    steps, date their content back and move them on to reported or paid."""
    maya, rita, omar = (
        users["maya@demo.rapport.test"],
        users["rita@demo.rapport.test"],
        users["omar@demo.rapport.test"],
    )
    if launch.collaborations.filter(stage__in=[CollabStage.REPORTED, CollabStage.PAID]).exists():
        return  # already added
    products = list(Product.objects.filter(workspace=launch.workspace).order_by("pk"))
    taken = launch.collaborations.values("creator_id")
    candidates = (
        Creator.objects.filter(
            workspace=launch.workspace,
            stage__in=[Stage.ACTIVE, Stage.ADVOCATE],
            social_accounts__platform=Platform.INSTAGRAM,
        )
        .exclude(pk__in=taken)
        .exclude(primary_email="")
        .distinct()
        .order_by("pk")
    )
    for tier, index, stage, days in WRAPPED:
        creator = candidates.filter(tier=tier).first()
        if creator is None:
            continue
        collaborations.invite_creators(campaign=launch, creators=[creator], actor=maya)
        collab = Collaboration.objects.get(campaign=launch, creator=creator)
        walk_collaboration(collab, CollabStage.LIVE, index, maya, rita, omar, products, now)
        went_live = (now - dt.timedelta(days=days)).replace(hour=16, minute=0, second=0)
        # The walk puts content live yesterday; these went live weeks ago. Dates are not a
        # service's business once recorded, so they are set back directly.
        Deliverable.objects.filter(collaboration=collab).update(went_live_at=went_live)
        Post.objects.filter(collaboration=collab).update(
            posted_at=went_live, collect_on=default_collect_on(collab, went_live)
        )
        issue_link(collaboration=collab, actor=maya)
        collaborations.change_stage(collaboration=collab, stage=CollabStage.REPORTED, actor=maya)
        if stage == CollabStage.PAID:
            collaborations.change_stage(collaboration=collab, stage=CollabStage.PAID, actor=maya)


def _connections(workspace: Workspace, launch: Campaign, rng: random.Random) -> dict[int, str]:
    """The brand's YouTube key and the Instagram tokens two wrapped creators granted (made-up
    credentials; the demo never calls a platform). Returns, per creator id, the error of their
    connection ("" when it works)."""
    wrapped = list(
        launch.collaborations.filter(stage__in=[CollabStage.REPORTED, CollabStage.PAID])
        .select_related("creator")
        .order_by("-creator__followers_max")
    )
    PlatformConnection.objects.get_or_create(
        workspace=workspace,
        provider=Provider.YOUTUBE,
        creator=None,
        defaults={
            "label": "Lumen YouTube key",
            "credential": f"AIzaDemo{rng.getrandbits(128):032x}",
        },
    )
    now = timezone.now()
    for position, collab in enumerate(wrapped[:1] + wrapped[-1:]):
        expired = position == 1
        PlatformConnection.objects.get_or_create(
            workspace=workspace,
            provider=Provider.INSTAGRAM,
            creator=collab.creator,
            defaults={
                "label": f"{collab.creator.name} (Instagram)",
                "credential": f"IGdemo{rng.getrandbits(160):040x}",
                "account_id": str(17_841_400_000_000_000 + rng.randrange(10**12)),
                "last_used_at": now - dt.timedelta(days=2 if expired else 0, hours=3),
                "last_error": EXPIRED if expired else "",
                "last_error_at": now - dt.timedelta(hours=3) if expired else None,
            },
        )
    return {
        connection.creator_id: connection.last_error
        for connection in PlatformConnection.objects.filter(
            workspace=workspace, provider=Provider.INSTAGRAM, creator__isnull=False
        )
        if connection.creator_id is not None
    }


def _outcome(deliverable: Deliverable, creator: Creator, rng: random.Random) -> Outcome:
    """Settled figures for a post, from the creator's Instagram following and tier."""
    account = creator.social_accounts.filter(platform=Platform.INSTAGRAM).first()
    followers = (account.followers if account else None) or creator.followers_max or 5_000
    tier = Tier(creator.tier) if creator.tier in Tier.values else Tier.MICRO
    if deliverable.kind == DeliverableKind.STORY:
        reach = int(followers * rng.uniform(0.06, 0.12))
        return Outcome(
            reach=reach,
            impressions=int(reach * rng.uniform(1.05, 1.2)),
            views=None,
            likes=int(reach * rng.uniform(0.01, 0.03)),
            comments=None,
            shares=int(reach * rng.uniform(0.002, 0.006)),
            saves=None,
            clicks=int(reach * rng.uniform(0.008, 0.02)),
        )
    views = int(followers * rng.uniform(0.35, 1.1))
    reach = int(views * rng.uniform(0.7, 0.85))
    engagements = reach * ENGAGEMENT[tier] * rng.uniform(0.8, 1.25)
    return Outcome(
        reach=reach,
        impressions=int(reach * rng.uniform(1.25, 1.6)),
        views=views,
        likes=int(engagements * 0.8),
        comments=int(engagements * 0.04),
        shares=int(engagements * 0.06),
        saves=int(engagements * 0.1),
        clicks=None,
    )


def _collect(
    post: Post,
    deliverable: Deliverable,
    creator: Creator,
    rng: random.Random,
    connected: dict[int, str],
    actor: User,
    now: dt.datetime,
) -> None:
    """Record the post's snapshots over time (each a share of its settled figures); the API's
    only where the creator's token works, and the connector's error on the post where it does
    not."""
    outcome = _outcome(deliverable, creator, rng)
    local = zone(post.workspace.time_zone)
    today = timezone.localdate(timezone=local)
    posted = timezone.localtime(post.posted_at or now, local).date()
    error = connected.get(creator.pk)
    for days, source in COLLECTIONS:
        day = posted + dt.timedelta(days=days)
        if day > today or (source == MetricSource.API and creator.pk not in connected):
            continue
        if source == MetricSource.API and error:
            continue
        # Posts gather most of their audience in the first days; figures only ever grow.
        share = 1 - 0.45 ** (days + 1)
        values = {
            name: None if value is None else int(value * share)
            for name, value in asdict(outcome).items()
        }
        record_snapshot(
            post=post,
            collected_on=day,
            source=source,
            values=values,
            actor=None if source != MetricSource.ENTERED else actor,
            note="Read from the insights screen." if source == MetricSource.CREATOR else "",
        )
        if source == MetricSource.API:
            Post.objects.filter(pk=post.pk).update(last_fetched_at=now)
    if error and deliverable.kind == DeliverableKind.VIDEO:
        Post.objects.filter(pk=post.pk).update(
            fetch_error=error, fetch_error_at=now - dt.timedelta(hours=3)
        )


def _pay_and_survey(launch: Campaign, finance: User, now: dt.datetime) -> None:
    """The paid collaboration's invoice, paid, and the creator's survey answer."""
    paid = launch.collaborations.filter(stage=CollabStage.PAID).order_by("pk").first()
    if paid is None:
        return
    if not paid.invoices.exists():
        invoice = receive_invoice(
            collaboration=paid,
            number="INV-2041",
            amount=paid.committed_cost or Decimal("1000"),
            currency=paid.currency or "USD",
            file=None,
            actor=finance,
            received_at=now - dt.timedelta(days=12),
        )
        set_invoice_status(
            invoice=invoice,
            status=InvoiceStatus.PAID,
            actor=finance,
            paid_on=(now - dt.timedelta(days=4)).date(),
            payment_method="Bank transfer",
        )
    SurveyResponse.objects.get_or_create(
        collaboration=paid,
        defaults={
            "workspace_id": paid.workspace_id,
            "satisfaction": 5,
            "would_work_again": True,
            "open_to_new_formats": True,
            "comment": "Clear brief and quick approvals. A longer link-in-bio window would help.",
            "answered_at": now - dt.timedelta(days=2),
        },
    )
