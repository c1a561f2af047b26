"""Rows the health, service and survey tests arrange: clocks, questions, invoices, offer rounds,
drafts with decisions, survey answers, all at pinned times."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from rapport.campaigns.models import (
    Collaboration,
    Deliverable,
    Moment,
    Offer,
    OfferParty,
    OfferStatus,
    Question,
    ReviewDecision,
    SlaClock,
    Submission,
)
from rapport.finance.models import Invoice
from rapport.performance.models import SurveyResponse
from rapport.testing.factories import DeliverableFactory

# Every test is judged at this moment (a Wednesday).
NOW = dt.datetime(2025, 6, 18, 12, 0, tzinfo=dt.UTC)


def at(days: float = 0, hours: float = 0) -> dt.datetime:
    """``NOW`` moved by ``days`` and ``hours`` (negative: in the past)."""
    return NOW + dt.timedelta(days=days, hours=hours)


def clock(
    collaboration: Collaboration | None,
    *,
    moment: str = Moment.FIRST_RESPONSE,
    started: dt.datetime,
    hours: float | None = None,
    due_hours: float = 24,
    new_due_hours: float | None = None,
    workspace: Any = None,
) -> SlaClock:
    """A clock started at ``started``, due ``due_hours`` later (``new_due_hours`` after an
    acknowledged breach), stopped ``hours`` after it started (running when None)."""
    due = started + dt.timedelta(hours=due_hours)
    return SlaClock.objects.create(
        workspace=workspace or collaboration.workspace,  # type: ignore[union-attr]
        moment=moment,
        collaboration=collaboration,
        owner=collaboration.owner if collaboration else None,
        subject_type="question",
        subject_id=SlaClock.objects.count() + 1,
        started_at=started,
        original_due_at=due,
        due_at=due if new_due_hours is None else started + dt.timedelta(hours=new_due_hours),
        acknowledged_at=None if new_due_hours is None else due,
        stopped_at=None if hours is None else started + dt.timedelta(hours=hours),
    )


def question(
    collaboration: Collaboration, *, received: dt.datetime, clarification: bool = False
) -> Question:
    return Question.objects.create(
        workspace=collaboration.workspace,
        collaboration=collaboration,
        body="When do I post?",
        is_clarification=clarification,
        received_at=received,
    )


def invoice(
    collaboration: Collaboration, *, received: dt.datetime, paid_after_days: int | None
) -> Invoice:
    """An invoice received at ``received`` and paid that many calendar days later (or not)."""
    return Invoice.objects.create(
        workspace=collaboration.workspace,
        collaboration=collaboration,
        number=f"INV-{Invoice.objects.count() + 1}",
        amount=Decimal("500.00"),
        currency="USD",
        received_at=received,
        due_on=received.date() + dt.timedelta(days=15),
        status="paid" if paid_after_days is not None else "received",
        source="team",
        paid_on=None
        if paid_after_days is None
        else received.date() + dt.timedelta(days=paid_after_days),
    )


def offer_round(
    collaboration: Collaboration,
    *,
    status: str,
    party: str = OfferParty.BRAND,
    sent: dt.datetime | None = None,
) -> Offer:
    """The next offer round of ``collaboration``."""
    return Offer.objects.create(
        workspace=collaboration.workspace,
        collaboration=collaboration,
        number=Offer.objects.filter(collaboration=collaboration).count() + 1,
        party=party,
        status=status,
        sent_at=sent if sent is not None else at(days=-30),
    )


def countered_by_creator(collaboration: Collaboration) -> None:
    """A brand round the creator answered with a counter-offer."""
    offer_round(collaboration, status=OfferStatus.COUNTERED)
    offer_round(collaboration, status=OfferStatus.SENT, party=OfferParty.CREATOR)


def drafts(
    deliverable: Deliverable,
    *,
    count: int,
    decided: bool = True,
    rating: int | None = None,
    review_days: float = 1,
    sent: dt.datetime | None = None,
) -> list[Submission]:
    """``count`` versions of the concept; the last is decided ``review_days`` after it was sent
    (rated ``rating``) when ``decided``."""
    sent = sent or at(days=-20)
    made = [
        Submission.objects.create(
            workspace=deliverable.workspace,
            deliverable=deliverable,
            stage="concept",
            version=n,
            link="https://drive.example.com/draft",
            submitted_at=sent,
        )
        for n in range(1, count + 1)
    ]
    if decided:
        ReviewDecision.objects.create(
            workspace=deliverable.workspace,
            submission=made[-1],
            verdict="approved",
            rating=rating,
            decided_at=sent + dt.timedelta(days=review_days),
        )
    return made


def deliverable(collaboration: Collaboration, **fields: Any) -> Deliverable:
    return DeliverableFactory.create(collaboration=collaboration, **fields)


def survey(
    collaboration: Collaboration,
    *,
    satisfaction: int,
    open_to_new_formats: bool | None = None,
    answered: dt.datetime | None = None,
) -> SurveyResponse:
    return SurveyResponse.objects.create(
        workspace=collaboration.workspace,
        collaboration=collaboration,
        satisfaction=satisfaction,
        open_to_new_formats=open_to_new_formats,
        answered_at=answered or at(days=-1),
    )
