"""Generate the campaign data set inside the creator benchmark's workspace (``bench.campaigns``).

Thirty campaigns: one big one with 2,000 collaborations across every stage, 29 of 40 each; about
6,000 deliverables, 3,000 submissions (a third waiting for a decision), 1,500 shipments, and the
service-level clocks they imply: a running approval clock per undecided submission (some
breached, some due soon), a stopped one per decided submission (met or missed), a running
shipping clock per shipment with a label and a stopped one per shipment that left.

Rows are written with ``bulk_create``; the services' rules are not run, but the rows are the ones
they would leave: every row carries the workspace, clocks name real submissions and shipments
(``Subject.of``), due times come from ``services.sla.due_time`` and final-approval deadlines from
``services.sla.final_approval_deadline``. The set is seeded and made again on every run (a few
seconds), so that clock states are relative to the time of the run.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from bench.generate import weighted
from rapport.campaigns.models import (
    ApprovalStage,
    Campaign,
    CampaignStatus,
    Carrier,
    Collaboration,
    CollabStage,
    Deliverable,
    DeliverableKind,
    Moment,
    Objective,
    Product,
    ReviewDecision,
    Shipment,
    ShipmentItem,
    ShipmentStatus,
    SlaClock,
    Submission,
    Verdict,
)
from rapport.campaigns.services.sla import Subject, due_time, final_approval_deadline
from rapport.creators.models import Creator, Platform
from rapport.workspaces.models import ErDenominator, Membership, User, Workspace
from rapport.workspaces.roles import Role

BIG_SLUG = "bench-big"
BIG_COLLABORATIONS = 2_000
SMALL_CAMPAIGNS = 29
SMALL_COLLABORATIONS = 40
REVIEWER_EMAIL = "reviewer@bench.rapport.test"
OPS_EMAIL = "ops@bench.rapport.test"

# Collaboration stages, in lifecycle order, with their share of a campaign.
STAGES = [
    (CollabStage.INVITED, 8),
    (CollabStage.NEGOTIATING, 8),
    (CollabStage.CONTRACTED, 8),
    (CollabStage.BRIEFED, 10),
    (CollabStage.PRODUCT_SHIPPED, 10),
    (CollabStage.IN_PRODUCTION, 19),
    (CollabStage.IN_REVIEW, 14),
    (CollabStage.APPROVED, 6),
    (CollabStage.LIVE, 6),
    (CollabStage.REPORTED, 3),
    (CollabStage.PAID, 2),
    (CollabStage.CLOSED, 1),
    (CollabStage.DECLINED, 3),
    (CollabStage.CANCELLED, 2),
]
ORDER: list[str] = [stage for stage, _weight in STAGES]
KINDS = [DeliverableKind.REEL, DeliverableKind.STORY, DeliverableKind.VIDEO, DeliverableKind.POST]
PLATFORMS = [Platform.INSTAGRAM, Platform.TIKTOK, Platform.YOUTUBE]


def reached(stage: str, target: str) -> bool:
    """Whether a collaboration at ``stage`` has got to ``target`` (declined and cancelled have
    not got anywhere past negotiating)."""
    if stage in (CollabStage.DECLINED, CollabStage.CANCELLED):
        return False
    return ORDER.index(stage) >= ORDER.index(target)


@dataclass
class Rows:
    """Everything written, for the summary."""

    campaigns: int = 0
    collaborations: int = 0
    deliverables: int = 0
    submissions: int = 0
    undecided: int = 0
    shipments: int = 0
    clocks: int = 0
    running: int = 0
    breached: int = 0


class Generator:
    def __init__(self, workspace: Workspace, seed: int) -> None:
        self.workspace = workspace
        self.rng = random.Random(seed)
        self.now = timezone.now()
        self.rows = Rows()
        self.team = list(
            User.objects.filter(
                memberships__workspace=workspace, email__endswith="@bench.rapport.test"
            )
            .exclude(email__in=[REVIEWER_EMAIL, OPS_EMAIL])
            .order_by("id")
        )
        self.reviewer = self.member(REVIEWER_EMAIL, "Bench Reviewer", Role.REVIEWER)
        self.ops = self.member(OPS_EMAIL, "Bench Ops", Role.OPS)

    def member(self, email: str, name: str, role: str) -> User:
        user = User.objects.filter(email=email).first() or User.objects.create_user(
            email=email, name=name
        )
        Membership.objects.get_or_create(
            workspace=self.workspace, user=user, defaults={"role": role}
        )
        return user

    def ago(self, low_hours: float, high_hours: float) -> dt.datetime:
        return self.now - dt.timedelta(hours=self.rng.uniform(low_hours, high_hours))

    def campaigns(self) -> list[Campaign]:
        today = self.now.date()
        campaigns = [
            Campaign(
                workspace=self.workspace,
                name="Spring launch (benchmark)" if n == 0 else f"Campaign {n:02d}",
                slug=BIG_SLUG if n == 0 else f"bench-{n:02d}",
                objective=self.rng.choice(Objective.values),
                starts_on=today - dt.timedelta(days=self.rng.randint(10, 60)),
                ends_on=today + dt.timedelta(days=self.rng.randint(10, 90)),
                budget=Decimal(self.rng.randrange(20_000, 500_000, 1_000)),
                currency="USD",
                owner=self.team[n % len(self.team)],
                # The reviewer decides for the big campaign and a third of the others.
                decision_maker=self.reviewer if n % 3 == 0 else self.team[0],
                er_denominator=ErDenominator.REACH,
                status=CampaignStatus.ACTIVE,
            )
            for n in range(SMALL_CAMPAIGNS + 1)
        ]
        self.rows.campaigns = len(campaigns)
        return Campaign.objects.bulk_create(campaigns)

    def collaborations(self, campaigns: list[Campaign]) -> list[Collaboration]:
        live = Creator.objects.filter(workspace=self.workspace, deleted_at__isnull=True)
        ids = list(live.order_by("id").values_list("id", flat=True))
        big = self.rng.sample(ids, BIG_COLLABORATIONS)
        collaborations = []
        for campaign in campaigns:
            picked = (
                big if campaign.slug == BIG_SLUG else self.rng.sample(ids, SMALL_COLLABORATIONS)
            )
            for creator_id in picked:
                stage = weighted(self.rng, STAGES)
                contracted = reached(stage, CollabStage.CONTRACTED)
                collaborations.append(
                    Collaboration(
                        workspace=self.workspace,
                        campaign=campaign,
                        creator_id=creator_id,
                        stage=stage,
                        stage_changed_at=self.ago(1, 24 * 30),
                        owner=self.rng.choice(self.team) if self.rng.random() < 0.9 else None,
                        terms={"fee": "800.00", "currency": "USD"} if contracted else {},
                        committed_cost=Decimal(self.rng.randrange(200, 6_000, 50))
                        if contracted
                        else None,
                        currency="USD" if contracted else "",
                    )
                )
        self.rows.collaborations = len(collaborations)
        return Collaboration.objects.bulk_create(collaborations, batch_size=1_000)

    def deliverables(self, collaborations: list[Collaboration]) -> list[Deliverable]:
        zones = dict(
            Creator.objects.filter(pk__in={c.creator_id for c in collaborations}).values_list(
                "id", "time_zone"
            )
        )
        deliverables = []
        for collab in collaborations:
            if not reached(collab.stage, CollabStage.CONTRACTED):
                continue
            live = reached(collab.stage, CollabStage.LIVE)
            for _n in range(weighted(self.rng, [(1, 25), (2, 30), (3, 30), (4, 15)])):
                if live:
                    post_at = self.ago(24, 24 * 25)
                else:  # this week and the coming weeks, a few already late
                    post_at = self.now + dt.timedelta(hours=self.rng.uniform(-48, 24 * 30))
                went_live = live and self.rng.random() < 0.95
                deliverables.append(
                    Deliverable(
                        workspace=self.workspace,
                        collaboration=collab,
                        kind=self.rng.choice(KINDS),
                        platform=self.rng.choice(PLATFORMS),
                        approval_stages=[ApprovalStage.CONCEPT, ApprovalStage.FINAL]
                        if self.rng.random() < 0.3
                        else [ApprovalStage.FINAL],
                        post_at=post_at,
                        final_approval_due=final_approval_deadline(
                            self.workspace, post_at, zones[collab.creator_id]
                        ),
                        disclosure="#ad",
                        live_url=f"https://www.instagram.com/p/bench{collab.pk}x{_n}/"
                        if went_live
                        else "",
                        went_live_at=post_at if went_live else None,
                        disclosure_checked=went_live and self.rng.random() < 0.8,
                    )
                )
        self.rows.deliverables = len(deliverables)
        return Deliverable.objects.bulk_create(deliverables, batch_size=1_000)

    def submissions(self, deliverables: list[Deliverable], stage_of: dict[int, str]) -> None:
        """Concept and final drafts as far as each collaboration has got, with decisions and
        approval clocks."""
        submissions: list[Submission] = []
        pending: list[tuple[Submission, Verdict | None]] = []
        for deliverable in deliverables:
            stage = stage_of[deliverable.collaboration_id]
            concept = ApprovalStage.CONCEPT in deliverable.approval_stages
            if stage == CollabStage.IN_PRODUCTION and concept and self.rng.random() < 0.5:
                steps = [(ApprovalStage.CONCEPT, False)]  # the concept waits
            elif stage == CollabStage.IN_REVIEW and self.rng.random() < 0.75:
                steps = [(ApprovalStage.CONCEPT, True)] * concept + [(ApprovalStage.FINAL, False)]
            elif reached(stage, CollabStage.APPROVED):
                steps = [(ApprovalStage.CONCEPT, True)] * concept + [(ApprovalStage.FINAL, True)]
            else:
                continue
            at = self.ago(24 * 3, 24 * 20) if steps[-1][1] else self.ago(1, 24 * 5)
            for approval_stage, decided in steps:
                rounds = 2 if self.rng.random() < 0.1 else 1
                for version in range(1, rounds + 1):
                    last = version == rounds
                    verdict = None
                    if decided or not last:
                        verdict = Verdict.APPROVED if last else Verdict.CHANGES_REQUESTED
                    submission = Submission(
                        workspace=self.workspace,
                        deliverable=deliverable,
                        stage=approval_stage,
                        version=version,
                        link=f"https://drive.example.net/bench/{deliverable.pk}/{version}",
                        submitted_at=at,
                        submitted_by=None,
                    )
                    submissions.append(submission)
                    pending.append((submission, verdict))
                    at = at + dt.timedelta(hours=self.rng.uniform(4, 60))
                    at = min(at, self.now - dt.timedelta(minutes=5))
        Submission.objects.bulk_create(submissions, batch_size=1_000)
        decisions, clocks = [], []
        for submission, verdict in pending:
            moment = (
                Moment.CONCEPT_APPROVAL
                if submission.stage == ApprovalStage.CONCEPT
                else Moment.FINAL_APPROVAL
            )
            due = due_time(self.workspace, moment, submission.submitted_at)
            stopped = None
            if verdict is not None:
                # Most decisions come in time; some after the deadline (missed).
                late = self.rng.random() < 0.12
                stopped = (
                    (due + dt.timedelta(hours=6))
                    if late
                    else submission.submitted_at
                    + (due - submission.submitted_at) * self.rng.uniform(0.1, 0.9)
                )
                stopped = min(stopped, self.now - dt.timedelta(minutes=1))
                decisions.append(
                    ReviewDecision(
                        workspace=self.workspace,
                        submission=submission,
                        verdict=verdict,
                        note="Tighten the hook." if verdict == Verdict.CHANGES_REQUESTED else "",
                        rating=self.rng.randint(3, 5),
                        decided_by=self.reviewer,
                        decided_at=stopped,
                    )
                )
            else:
                self.rows.undecided += 1
                self.rows.running += 1
                self.rows.breached += due < self.now
            clocks.append(
                self.clock(moment, submission, submission.submitted_at, due, stopped, self.reviewer)
            )
        ReviewDecision.objects.bulk_create(decisions, batch_size=1_000)
        SlaClock.objects.bulk_create(clocks, batch_size=1_000)
        self.rows.submissions = len(submissions)
        self.rows.clocks += len(clocks)

    def clock(
        self,
        moment: str,
        subject: Any,
        started: dt.datetime,
        due: dt.datetime,
        stopped: dt.datetime | None,
        owner: User | None,
    ) -> SlaClock:
        of = Subject.of(subject)
        return SlaClock(
            workspace=self.workspace,
            moment=moment,
            collaboration_id=getattr(subject, "collaboration_id", None)
            or subject.deliverable.collaboration_id,
            owner=owner,
            subject_type=of.type,
            subject_id=of.id,
            started_at=started,
            original_due_at=due,
            due_at=due,
            stopped_at=stopped,
        )

    def shipments(self, collaborations: list[Collaboration]) -> None:
        products = Product.objects.bulk_create(
            Product(
                workspace=self.workspace,
                name=f"Bench product {n}",
                sku=f"BENCH-{n:03d}",
                value=Decimal(self.rng.randrange(15, 120)),
                currency="USD",
                variants=["S", "M", "L"] if n % 3 == 0 else [],
            )
            for n in range(1, 13)
        )
        shipments = []
        for collab in collaborations:
            if not reached(collab.stage, CollabStage.BRIEFED) or self.rng.random() > 0.72:
                continue
            if collab.stage == CollabStage.BRIEFED:
                status = weighted(
                    self.rng, [(ShipmentStatus.DRAFT, 1), (ShipmentStatus.LABEL_CREATED, 2)]
                )
            elif collab.stage == CollabStage.PRODUCT_SHIPPED:
                status = weighted(
                    self.rng,
                    [
                        (ShipmentStatus.LABEL_CREATED, 1),
                        (ShipmentStatus.SHIPPED, 3),
                        (ShipmentStatus.DELIVERED, 1),
                    ],
                )
            else:
                status = weighted(
                    self.rng, [(ShipmentStatus.DELIVERED, 1), (ShipmentStatus.RECEIVED, 3)]
                )
            steps = ["draft", "label_created", "shipped", "delivered", "received"]
            step = steps.index(status)
            label = self.ago(24 * 8, 24 * 25) if step >= 2 else self.ago(1, 24 * 4)
            shipped = label + dt.timedelta(hours=self.rng.uniform(2, 60)) if step >= 2 else None
            delivered = shipped + dt.timedelta(days=self.rng.uniform(1, 5)) if shipped else None
            shipments.append(
                Shipment(
                    workspace=self.workspace,
                    collaboration=collab,
                    address=f"{collab.pk} Bench Street\nSpringfield",
                    carrier=self.rng.choice([Carrier.UPS, Carrier.DHL, Carrier.LA_POSTE])
                    if step >= 1
                    else "",
                    tracking_number=f"1Z{collab.pk:010d}" if step >= 1 else "",
                    status=status,
                    expected_on=(label + dt.timedelta(days=5)).date() if step >= 1 else None,
                    label_created_at=label if step >= 1 else None,
                    shipped_at=shipped,
                    delivered_at=delivered if step >= 3 else None,
                    received_at=delivered + dt.timedelta(hours=8)
                    if delivered and step >= 4
                    else None,
                    creator_told_at=shipped,
                )
            )
        Shipment.objects.bulk_create(shipments, batch_size=1_000)
        items, clocks = [], []
        for shipment in shipments:
            product = self.rng.choice(products)
            items.append(
                ShipmentItem(
                    workspace=self.workspace,
                    shipment=shipment,
                    product=product,
                    variant=self.rng.choice(product.variants) if product.variants else "",
                )
            )
            if shipment.label_created_at is None:
                continue
            due = due_time(self.workspace, Moment.SHIPPING, shipment.label_created_at)
            clocks.append(
                self.clock(
                    Moment.SHIPPING,
                    shipment,
                    shipment.label_created_at,
                    due,
                    shipment.shipped_at,
                    self.ops,
                )
            )
            if shipment.shipped_at is None:
                self.rows.running += 1
                self.rows.breached += due < self.now
        ShipmentItem.objects.bulk_create(items, batch_size=1_000)
        SlaClock.objects.bulk_create(clocks, batch_size=1_000)
        self.rows.shipments = len(shipments)
        self.rows.clocks += len(clocks)

    def run(self) -> Rows:
        campaigns = self.campaigns()
        collaborations = self.collaborations(campaigns)
        deliverables = self.deliverables(collaborations)
        self.submissions(deliverables, {c.pk: c.stage for c in collaborations})
        self.shipments(collaborations)
        return self.rows


def remove_campaigns(workspace: Workspace) -> None:
    """Delete the campaign data set (campaigns cascade to everything under them)."""
    Campaign.objects.filter(workspace=workspace).delete()
    Product.objects.filter(workspace=workspace).delete()
    SlaClock.objects.filter(workspace=workspace).delete()


def generate_campaigns(
    workspace: Workspace, *, seed: int, out: Callable[[str], Any] = print
) -> Campaign:
    """(Re)create the campaign data set in ``workspace``; returns the big campaign."""
    started = time.monotonic()
    with transaction.atomic():
        remove_campaigns(workspace)
        rows = Generator(workspace, seed).run()
    out(
        f"  {rows.campaigns} campaigns, {rows.collaborations:,} collaborations, "
        f"{rows.deliverables:,} deliverables, {rows.submissions:,} submissions "
        f"({rows.undecided:,} undecided), {rows.shipments:,} shipments, {rows.clocks:,} clocks "
        f"({rows.running:,} running, {rows.breached:,} of them breached) in "
        f"{time.monotonic() - started:.0f} s"
    )
    return Campaign.objects.get(workspace=workspace, slug=BIG_SLUG)
