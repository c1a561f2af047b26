"""Campaigns for the demo workspace: a launch in full swing, a summer push being planned, and a
wrapped-up holiday campaign, built through the services so that every stage, clock and timeline
entry is what a real team would have produced. Dates sit around today, so the weekly view, the
review queue and the service levels all have something to show."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.core import mail
from django.utils import timezone

from rapport.campaigns.models import (
    AddOnKind,
    ApprovalStage,
    BonusMetric,
    Campaign,
    CampaignStatus,
    Carrier,
    Collaboration,
    CollabStage,
    KpiMetric,
    Objective,
    Product,
    Verdict,
)
from rapport.campaigns.services import (
    briefs,
    campaigns,
    collaborations,
    deliverables,
    offers,
    reviews,
    seeding,
)
from rapport.campaigns.services.offers import AddOnData, BonusData, PackageData, SeedingData
from rapport.campaigns.services.seeding import ItemData
from rapport.creators.models import Creator, Stage
from rapport.workspaces.models import User, Workspace

PRODUCTS = [
    ("Barrier Repair Serum", "LUM-SER-30", "38.00", []),
    ("Daily Mineral SPF 50", "LUM-SPF-50", "32.00", []),
    ("Gentle Gel Cleanser", "LUM-CLN-150", "24.00", []),
    ("Lumen Studio Tee", "LUM-TEE", "20.00", ["S", "M", "L", "XL"]),
]

BRIEF: dict[str, Any] = {
    "objective": Objective.CONVERSION,
    "audience_insight": (
        "Our buyers are 22 to 35, have tried five serums that stung, and trust a creator who "
        "shows their skin on a bad day more than any before-and-after photo."
    ),
    "brand_voice": "Calm, plain-spoken, a little dry. No miracle words, no clinical jargon.",
    "non_negotiables": [
        "Show the serum on bare skin, in daylight, without filters",
        "Say that results take about four weeks",
        "Use the tracking link and the code from your hub, nowhere else",
    ],
    "creative_freedoms": "Format, music, setting and how you tell it are yours.",
    "talking_points": [
        "Ceramides and niacinamide, fragrance-free",
        "Made for skin that reacts to everything",
    ],
    "do_examples": ["A real morning routine", "Your honest first impression"],
    "dont_examples": ["Medical claims (cures, treats, heals)", "Comparisons with named brands"],
    "disclosure": "#ad in the first line, and the platform's paid-partnership label",
    "deliverables_timeline": (
        "One video and two story frames; concept a week before posting, final three days before."
    ),
    "approval_stages": [ApprovalStage.CONCEPT, ApprovalStage.FINAL],
    "kpis": [{"metric": KpiMetric.CPA, "target": "45"}],
    "tracking_instructions": "Link in bio for 14 days; the code in the caption and on screen.",
    "inspiration_links": ["https://example.com/lumen/moodboard"],
}


def _at(now: dt.datetime, days: float, hour: int = 15) -> dt.datetime:
    moment = now + dt.timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def _ladder() -> BonusData:
    # The seed's example: the better the cost per acquisition, the bigger the bonus.
    return BonusData(
        metric=BonusMetric.CPA,
        rungs=[
            (Decimal("60"), Decimal("250")),
            (Decimal("45"), Decimal("500")),
            (Decimal("35"), Decimal("1000")),
        ],
        window_days=30,
    )


def _agree(
    collaboration: Collaboration, actor: User, fee: int, products: list[Product], exclusive: bool
) -> None:
    add_ons = [AddOnData(AddOnKind.PAID_USAGE, Decimal("300"), ["meta"], 30)]
    if exclusive:
        add_ons.append(
            AddOnData(AddOnKind.EXCLUSIVITY, Decimal("400"), [], 60, "Skincare", ["Glowlab"])
        )
    packages = [
        PackageData(
            base_fee=Decimal(fee),
            currency="USD",
            label="Launch package",
            deliverables="One video and two story frames",
            add_ons=add_ons,
            seeding=[SeedingData(products[0].name, 1, products[0].value, products[0])],
            bonus=_ladder(),
        ),
        PackageData(
            base_fee=Decimal(fee),
            currency="USD",
            label="Usage-light",
            deliverables="One video and two story frames",
            add_ons=[AddOnData(AddOnKind.USAGE_RIGHTS, Decimal("150"), ["website"], 90)],
        ),
    ]
    offer = offers.create_offer(collaboration=collaboration, actor=actor, packages=packages)
    offers.send_offer(offer=offer, actor=actor, confirm=True)
    offer.refresh_from_db()
    offers.accept_package(package=offer.packages.order_by("position", "id")[0], actor=actor)


def build_campaigns(workspace: Workspace, users: dict[str, User], seed: int = 11) -> None:
    """Rebuild the demo workspace's products and campaigns (its creators must exist)."""
    rng = random.Random(seed)
    now = timezone.now()
    workspace.time_zone = "America/New_York"
    workspace.save(update_fields=["time_zone"])
    Campaign.objects.filter(workspace=workspace).delete()
    Product.objects.filter(workspace=workspace).delete()
    owner = users["owner@demo.rapport.test"]
    maya, sam = users["maya@demo.rapport.test"], users["sam@demo.rapport.test"]
    rita, omar = users["rita@demo.rapport.test"], users["omar@demo.rapport.test"]

    products = [
        seeding.create_product(
            workspace=workspace, actor=omar, name=name, sku=sku, value=value, currency="USD",
            variants=variants,
        )
        for name, sku, value, variants in PRODUCTS
    ]  # fmt: skip

    launch = campaigns.create_campaign(
        workspace=workspace,
        actor=maya,
        name="Spring Glow Launch",
        objective=Objective.CONVERSION,
        description="The Barrier Repair Serum launch with creators who have sensitive skin.",
        starts_on=(now - dt.timedelta(days=20)).date(),
        ends_on=(now + dt.timedelta(days=25)).date(),
        budget=Decimal("25000"),
        currency="USD",
        owner=maya,
        decision_maker=rita,
        delegates=[owner],
        kpis=[
            {"metric": KpiMetric.CPA, "target": "45"},
            {"metric": KpiMetric.IMPRESSIONS, "target": "1500000"},
        ],
    )
    campaigns.change_status(campaign=launch, status=CampaignStatus.ACTIVE, actor=maya)
    briefs.save_brief(campaign=launch, actor=maya, **BRIEF)
    briefs.publish_brief(campaign=launch, actor=maya, summary="First version")
    briefs.save_brief(
        campaign=launch,
        actor=maya,
        tracking_instructions="Link in bio for 21 days; the code in the caption and on screen.",
    )
    briefs.publish_brief(campaign=launch, actor=maya, summary="Link in bio for a week longer")
    briefs.template_from_brief(campaign=launch, actor=maya, name="Product launch")

    roster = list(
        Creator.objects.filter(
            workspace=workspace, stage__in=[Stage.ACTIVE, Stage.ADVOCATE, Stage.NEGOTIATING]
        ).order_by("id")[:9]
    )
    collaborations.invite_creators(campaign=launch, creators=roster, actor=maya)
    collabs = list(
        Collaboration.objects.filter(campaign=launch).select_related("creator").order_by("id")
    )
    # Where each collaboration has got to: a spread across the board.
    targets = [
        CollabStage.INVITED,
        CollabStage.NEGOTIATING,
        CollabStage.CONTRACTED,
        CollabStage.PRODUCT_SHIPPED,
        CollabStage.IN_PRODUCTION,
        CollabStage.IN_REVIEW,
        CollabStage.IN_REVIEW,
        CollabStage.APPROVED,
        CollabStage.LIVE,
    ]
    for index, (collab, target) in enumerate(zip(collabs, targets, strict=False)):
        manager = collab.owner or rng.choice([maya, sam])
        _run(collab, target, index, manager, rita, omar, products, now)

    summer = campaigns.create_campaign(
        workspace=workspace,
        actor=sam,
        name="Summer SPF Stories",
        objective=Objective.AWARENESS,
        starts_on=(now + dt.timedelta(days=40)).date(),
        ends_on=(now + dt.timedelta(days=80)).date(),
        budget=Decimal("12000"),
        currency="USD",
        owner=sam,
        decision_maker=rita,
        kpis=[{"metric": KpiMetric.REACH, "target": "800000"}],
    )
    briefs.save_brief(campaign=summer, actor=sam, **{**BRIEF, "objective": Objective.AWARENESS})
    campaigns.add_experiment(
        campaign=summer,
        actor=sam,
        hypothesis="Story frames with the code on screen convert better than a caption code.",
        varied="Code placement: on screen for half the creators, caption only for the rest.",
    )
    mail.outbox = []  # the demo's own messages are not news for anyone


def _run(
    collab: Collaboration,
    target: str,
    index: int,
    manager: User,
    reviewer: User,
    ops: User,
    products: list[Product],
    now: dt.datetime,
) -> None:
    """Walk one collaboration through the services up to ``target``."""
    order = list(CollabStage.values)
    reached = order.index(target)
    if reached < order.index(CollabStage.NEGOTIATING):
        return
    if reached == order.index(CollabStage.NEGOTIATING):
        offer = offers.create_offer(
            collaboration=collab,
            actor=manager,
            packages=[PackageData(base_fee=Decimal("900"), currency="USD", label="Standard")],
        )
        offers.send_offer(offer=offer, actor=manager)
        collaborations.receive_question(
            collaboration=collab,
            body="Can the video be a duet with my sister, or does it need to be just me?",
            received_at=now - dt.timedelta(days=3),
            is_clarification=True,
        )
        return
    _agree(collab, manager, 800 + 150 * index, products, exclusive=index % 3 == 0)
    if reached == order.index(CollabStage.CONTRACTED):
        return
    collaborations.change_stage(collaboration=collab, stage=CollabStage.BRIEFED, actor=manager)
    video = deliverables.create_deliverable(
        collaboration=collab,
        actor=manager,
        kind="video",
        platform="instagram",
        description="One video about the first four weeks with the serum",
        post_at=_at(now, 2 + index % 4, 17),
    )
    deliverables.create_deliverable(
        collaboration=collab,
        actor=manager,
        kind="story",
        platform="instagram",
        quantity=2,
        approval_stages=[ApprovalStage.FINAL],
        post_at=_at(now, 3 + index % 4, 12),
    )
    shipment = seeding.create_shipment(
        collaboration=collab,
        actor=ops,
        items=[ItemData(products[0].pk), ItemData(products[3].pk, "M")],
    )
    seeding.create_label(
        shipment=shipment,
        actor=ops,
        carrier=Carrier.UPS,
        tracking_number=f"1Z999AA1012345678{index}",
        at=now - dt.timedelta(hours=8 if index != 4 else 40),
    )
    if index == 4:
        return  # the label is out, nobody has told the creator yet: the clock runs (breached)
    seeding.tell_creator(
        shipment=shipment, actor=ops, expected_on=(now + dt.timedelta(days=2)).date()
    )
    seeding.mark_shipped(shipment=shipment, actor=ops, at=now - dt.timedelta(hours=2))
    if reached == order.index(CollabStage.PRODUCT_SHIPPED):
        return
    collaborations.change_stage(
        collaboration=collab, stage=CollabStage.IN_PRODUCTION, actor=manager
    )
    if reached == order.index(CollabStage.IN_PRODUCTION):
        return
    concept_at = now - dt.timedelta(days=4 if index != 5 else 1)
    concept = reviews.submit(
        deliverable=video,
        stage=ApprovalStage.CONCEPT,
        actor=manager,
        link="https://example.com/drafts/concept",
        note="Morning routine, filmed by the window.",
        submitted_at=concept_at,
    )
    if index == 5:
        return  # the concept waits for the reviewer
    reviews.decide(
        submission=concept,
        actor=reviewer,
        verdict=Verdict.APPROVED,
        rating=4,
        now=concept_at + dt.timedelta(days=1),
    )
    final = reviews.submit(
        deliverable=video,
        stage=ApprovalStage.FINAL,
        actor=manager,
        link="https://example.com/drafts/final",
        submitted_at=now - dt.timedelta(days=1),
    )
    if reached == order.index(CollabStage.IN_REVIEW):
        return
    reviews.decide(
        submission=final,
        actor=reviewer,
        verdict=Verdict.APPROVED_WITH_EDITS,
        note="Lovely. Trim the first two seconds and it is ready.",
        rating=5,
    )
    for story in collab.deliverables.exclude(pk=video.pk):
        story_final = reviews.submit(
            deliverable=story,
            stage=ApprovalStage.FINAL,
            actor=manager,
            link="https://example.com/drafts/story",
        )
        reviews.decide(submission=story_final, actor=reviewer, verdict=Verdict.APPROVED, rating=4)
    if reached == order.index(CollabStage.APPROVED):
        return
    for deliverable in collab.deliverables.all():
        deliverables.record_live(
            deliverable=deliverable,
            actor=manager,
            live_url=f"https://www.instagram.com/p/demo{collab.pk}{deliverable.pk}/",
            went_live_at=now - dt.timedelta(days=1),
        )
