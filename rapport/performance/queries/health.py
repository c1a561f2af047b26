"""Relationship health per creator (PRODUCT.md "Relationship health").

How each creator works with the brand (on time, answering offers, rounds of review, the
reviewers' rating, coming back, their own satisfaction and openness to new formats) and how the
brand serves them (the service levels of :mod:`rapport.performance.queries.service`), with a
score from 0 to 100 by the rule in :data:`SCORE_WEIGHTS`. The portfolio reads it too.

Everything is aggregated in the database, in a fixed number of queries (eleven), except the
on-time rule, which needs each creator's time zone for "the end of the posting day": one query
fetches the scheduled deliverables' dates and :func:`on_time_status` (the rule the deliverables
page shows) judges them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

from django.db.models import Avg, Count, Exists, F, Model, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rapport.campaigns.models import (
    Collaboration,
    CollabStage,
    Deliverable,
    Offer,
    OfferParty,
    OfferStatus,
    ReviewDecision,
    Submission,
)
from rapport.campaigns.queries.campaigns import NOT_COMMITTED
from rapport.campaigns.queries.deliverables import OnTime, on_time_status
from rapport.performance.kpis import ratio
from rapport.performance.models import SurveyResponse
from rapport.performance.queries.service import GroupBy, ServiceLevels, service_levels
from rapport.workspaces.models import Workspace

M = TypeVar("M", bound=Model)

# Collaborations that got as far as agreed terms: what "collaborated" and "repeat" count.
ENGAGED = tuple(
    stage
    for stage in CollabStage.values
    if stage
    not in (
        CollabStage.INVITED,
        CollabStage.NEGOTIATING,
        CollabStage.DECLINED,
        CollabStage.CANCELLED,
    )
)
# A round still open counts against the response rate once it waited this long.
ANSWER_WINDOW = dt.timedelta(days=7)
ANSWERS = (OfferStatus.ACCEPTED, OfferStatus.DECLINED)

# The score: a weighted mean of what is known, each part on a 0 to 1 scale; a 1 to 5 rating
# counts as (rating - 1) / 4. No score until the known parts weigh at least MIN_KNOWN_WEIGHT.
SCORE_WEIGHTS = {
    "on_time_rate": 30,
    "quality_score": 25,
    "satisfaction": 20,
    "sla_attainment": 15,
    "response_rate": 10,
}
MIN_KNOWN_WEIGHT = 50
SCORE_RULE = _(
    "Score out of 100: on-time rate counts 30, content quality 25, the creator's satisfaction "
    "20, the brand's SLA attainment 15 and response rate 10. Ratings from 1 to 5 count as 0 "
    "to 100%. Only what is known counts, re-weighted; with less than half of the weight known, "
    "there is no score."
)

DEFINITIONS = {
    "on_time_rate": _(
        "Deliverables that went live by the end of their posting window (or posting day, in "
        "the creator's time zone), out of those live or past that point."
    ),
    "response_rate": _(
        "Offer rounds the brand sent that the creator answered (accepted, declined or "
        "countered), out of the rounds sent; a round waiting less than a week is not counted "
        "yet, and withdrawn rounds never."
    ),
    "approval_rounds": _(
        "Drafts sent per reviewed deliverable (1.0 means every first draft was the one decided on)."
    ),
    "quality_score": _("The reviewers' mean rating of the creator's drafts, from 1 to 5."),
    "repeat": _("More than one collaboration that reached agreed terms."),
    "satisfaction": _(
        "The creator's mean answer, from 1 to 5, to the survey after each collaboration."
    ),
    "open_to_new_formats": _("The creator's latest answer to the survey's question on this."),
    "median_response_hours": _(
        "Median time from a creator's question to the brand's first answer."
    ),
    "median_approval_hours": _(
        "Median time from a draft sent for concept or final approval to the decision."
    ),
    "median_days_to_pay": _(
        "Median calendar days from receiving an invoice to paying it (paid invoices)."
    ),
    "median_review_days": _("Median days a draft waited for its review decision."),
    "sla_attainment": _(
        "Promises to the creator kept by their original deadline, out of those decided "
        "(kept, broken, or still open past the deadline)."
    ),
    "clarification_rate": _("Questions that asked to clarify the brief, out of all questions."),
}


@dataclass(frozen=True)
class CreatorHealth:
    """How one creator's relationship with the workspace is going; ``None`` = not known yet.

    Rates are fractions (0 to 1); times are hours; ``score`` is 0 to 100 by the documented rule.
    """

    creator_id: int
    collaborations: int
    on_time_rate: Decimal | None
    response_rate: Decimal | None
    approval_rounds: Decimal | None
    quality_score: Decimal | None
    repeat: bool
    satisfaction: Decimal | None
    open_to_new_formats: bool | None
    median_response_hours: Decimal | None
    median_approval_hours: Decimal | None
    median_days_to_pay: Decimal | None
    sla_attainment: Decimal | None
    score: Decimal | None


def score(parts: Mapping[str, Decimal | None]) -> Decimal | None:
    """The 0-100 score of :data:`SCORE_WEIGHTS` from ``parts`` (rates as fractions, ratings
    1 to 5), or None when the known parts weigh less than :data:`MIN_KNOWN_WEIGHT`."""
    known = {}
    for name, weight in SCORE_WEIGHTS.items():
        value = parts.get(name)
        if value is None:
            continue
        if name in ("quality_score", "satisfaction"):
            value = (value - 1) / 4
        known[name] = (weight, value)
    total = sum(weight for weight, _value in known.values())
    if total < MIN_KNOWN_WEIGHT:
        return None
    points = sum(weight * value for weight, value in known.values()) * 100 / total
    return Decimal(points).quantize(Decimal(1), rounding=ROUND_HALF_UP)


def _mean(value: float | Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


def _of(qs: QuerySet[M], ids: list[int] | None, path: str) -> QuerySet[M]:
    """``qs`` limited to the creators ``ids`` (reached through ``path``), unless None."""
    return qs if ids is None else qs.filter(**{f"{path}__in": ids})


def _on_time(
    workspace: Workspace, ids: list[int] | None, now: dt.datetime
) -> dict[int, tuple[int, int]]:
    """Per creator: (deliverables on time, deliverables judged). One query."""
    deliverables = _of(
        Deliverable.objects.filter(workspace=workspace, post_at__isnull=False).exclude(
            collaboration__stage__in=NOT_COMMITTED
        ),
        ids,
        "collaboration__creator",
    )
    # Only those live, or due by now at the latest (the exact deadline is judged below).
    due = Coalesce("post_until", "post_at")
    deliverables = deliverables.alias(due=due).filter(
        Q(went_live_at__isnull=False) | Q(due__lt=now)
    )
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for deliverable in deliverables.select_related(
        "collaboration__creator", "collaboration__workspace"
    ).only(
        "post_at",
        "post_until",
        "went_live_at",
        "collaboration__creator__time_zone",
        "collaboration__workspace__time_zone",
    ):
        status = on_time_status(deliverable, now)
        if status in (OnTime.ON_TIME, OnTime.LATE, OnTime.OVERDUE):
            tally = counts[deliverable.collaboration.creator_id]
            tally[0] += status == OnTime.ON_TIME
            tally[1] += 1
    return {creator: (on, judged) for creator, (on, judged) in counts.items()}


def _responses(
    workspace: Workspace, ids: list[int] | None, now: dt.datetime
) -> dict[int, tuple[int, int]]:
    """Per creator: (brand rounds answered, brand rounds counted). One query."""
    reply = Offer.objects.filter(
        collaboration=OuterRef("collaboration"),
        party=OfferParty.CREATOR,
        number=OuterRef("number") + 1,
    )
    rounds = (
        _of(
            Offer.objects.filter(
                workspace=workspace, party=OfferParty.BRAND, sent_at__isnull=False
            ).exclude(status=OfferStatus.WITHDRAWN),
            ids,
            "collaboration__creator",
        )
        .exclude(status=OfferStatus.SENT, sent_at__gt=now - ANSWER_WINDOW)
        .alias(replied=Exists(reply))
        .values(creator=F("collaboration__creator"))
        .annotate(
            answered=Count("id", filter=Q(status__in=ANSWERS) | Q(replied=True)),
            counted=Count("id"),
        )
        .order_by()
    )
    return {row["creator"]: (row["answered"], row["counted"]) for row in rounds}


def _reviews(workspace: Workspace, ids: list[int] | None) -> dict[int, tuple[int, int]]:
    """Per creator: (drafts sent, deliverables reviewed) over deliverables with a decision."""
    reviewed = ReviewDecision.objects.filter(submission__deliverable=OuterRef("deliverable"))
    rows = (
        _of(
            Submission.objects.filter(workspace=workspace),
            ids,
            "deliverable__collaboration__creator",
        )
        .filter(Exists(reviewed))
        .values(creator=F("deliverable__collaboration__creator"))
        .annotate(drafts=Count("id"), reviewed=Count("deliverable", distinct=True))
        .order_by()
    )
    return {row["creator"]: (row["drafts"], row["reviewed"]) for row in rows}


def _quality(workspace: Workspace, ids: list[int] | None) -> dict[int, Decimal | None]:
    rows = (
        _of(
            ReviewDecision.objects.filter(workspace=workspace, rating__isnull=False),
            ids,
            "submission__deliverable__collaboration__creator",
        )
        .values(creator=F("submission__deliverable__collaboration__creator"))
        .annotate(rating=Avg("rating"))
        .order_by()
    )
    return {row["creator"]: _mean(row["rating"]) for row in rows}


def _surveys(
    workspace: Workspace, ids: list[int] | None
) -> dict[int, tuple[Decimal | None, bool | None]]:
    """Per creator: (mean satisfaction, latest answer on new formats). One query."""
    latest_open = (
        SurveyResponse.objects.filter(
            collaboration__creator=OuterRef("collaboration__creator"),
            open_to_new_formats__isnull=False,
        )
        .order_by("-answered_at", "-id")
        .values("open_to_new_formats")[:1]
    )
    rows = (
        _of(SurveyResponse.objects.filter(workspace=workspace), ids, "collaboration__creator")
        .values(creator=F("collaboration__creator"))
        .annotate(satisfaction=Avg("satisfaction"), open=Subquery(latest_open))
        .order_by()
    )
    return {row["creator"]: (_mean(row["satisfaction"]), row["open"]) for row in rows}


def creator_health(
    workspace: Workspace, creator_ids: Iterable[int] | None = None
) -> dict[int, CreatorHealth]:
    """The health of each creator of ``workspace`` (or only those of ``creator_ids``) who has
    at least one collaboration, keyed by creator id; a fixed number of queries."""
    return health_at(workspace, creator_ids, now=timezone.now())[0]


def health_at(
    workspace: Workspace, creator_ids: Iterable[int] | None, *, now: dt.datetime
) -> tuple[dict[int, CreatorHealth], dict[int, ServiceLevels]]:
    """:func:`creator_health` as judged at ``now`` (tests pin it), with each creator's full
    service levels beside it (the creator page shows both). Eleven queries."""
    ids = None if creator_ids is None else list(creator_ids)
    collaborations = {
        row["creator"]: row["engaged"]
        for row in _of(Collaboration.objects.filter(workspace=workspace), ids, "creator")
        .values("creator")
        .annotate(engaged=Count("id", filter=Q(stage__in=ENGAGED)))
        .order_by()
    }
    on_time = _on_time(workspace, ids, now)
    responses = _responses(workspace, ids, now)
    reviews = _reviews(workspace, ids)
    quality = _quality(workspace, ids)
    surveys = _surveys(workspace, ids)
    service = service_levels(workspace, by=GroupBy.CREATOR, creator_ids=ids, now=now)
    health = {}
    for creator, engaged in collaborations.items():
        brand = service.setdefault(creator, ServiceLevels())
        satisfaction, open_to_new = surveys.get(creator, (None, None))
        parts: dict[str, Decimal | None] = {
            "on_time_rate": ratio(*on_time.get(creator, (0, 0))),
            "response_rate": ratio(*responses.get(creator, (0, 0))),
            "quality_score": quality.get(creator),
            "satisfaction": satisfaction,
            "sla_attainment": brand.sla_attainment,
        }
        rounds = ratio(*reviews.get(creator, (0, 0)))
        health[creator] = CreatorHealth(
            creator_id=creator,
            collaborations=engaged,
            on_time_rate=parts["on_time_rate"],
            response_rate=parts["response_rate"],
            approval_rounds=None if rounds is None else rounds.quantize(Decimal("0.01")),
            quality_score=parts["quality_score"],
            repeat=engaged > 1,
            satisfaction=satisfaction,
            open_to_new_formats=open_to_new,
            median_response_hours=brand.median_response_hours,
            median_approval_hours=brand.median_approval_hours,
            median_days_to_pay=brand.median_days_to_pay,
            sla_attainment=brand.sla_attainment,
            score=score(parts),
        )
    return health, service
