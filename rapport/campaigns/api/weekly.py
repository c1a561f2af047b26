"""API of the weekly view: the same lists as the "This week" page, and sending a recap."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from rapport.api.pagination import MAX_LIMIT
from rapport.api.permissions import actor_of, require_perm, token_of, workspace_of
from rapport.api.schemas import ErrorOut, FieldErrorsOut
from rapport.campaigns.api.sla import ClockOut, clock_out
from rapport.campaigns.models import Campaign, Collaboration, Deliverable, Shipment, Submission
from rapport.campaigns.queries import sla as sla_queries
from rapport.campaigns.queries import weekly as queries
from rapport.campaigns.services import reminders
from rapport.workspaces.roles import Perm

router = Router(tags=["weekly view"])

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorsOut}


def now() -> dt.datetime:
    """The current time (one place, so that tests can pin it)."""
    return timezone.now()


class DeliverableRowOut(Schema):
    id: int
    collaboration_id: int
    creator_id: int
    creator_name: str
    campaign_id: int
    kind: str
    platform: str
    post_at: dt.datetime | None
    due_by: dt.datetime | None = Field(description="End of the posting window, or posting date.")
    live_url: str
    went_live_at: dt.datetime | None
    disclosure_checked: bool


def deliverable_out(d: Deliverable) -> dict[str, Any]:
    c = d.collaboration
    return {
        "id": d.pk, "collaboration_id": c.pk, "creator_id": c.creator_id,
        "creator_name": c.creator.name, "campaign_id": c.campaign_id, "kind": d.kind,
        "platform": d.platform, "post_at": d.post_at, "due_by": getattr(d, "due_by", None),
        "live_url": d.live_url, "went_live_at": d.went_live_at,
        "disclosure_checked": d.disclosure_checked,
    }  # fmt: skip


class ApprovalRowOut(Schema):
    id: int = Field(description="The submission.")
    deliverable_id: int
    collaboration_id: int
    creator_name: str
    campaign_id: int
    stage: str
    version: int
    submitted_at: dt.datetime
    review_due_at: dt.datetime | None = Field(description="The review clock's deadline.")


def approval_out(s: Submission) -> dict[str, Any]:
    c = s.deliverable.collaboration
    return {
        "id": s.pk, "deliverable_id": s.deliverable_id, "collaboration_id": c.pk,
        "creator_name": c.creator.name, "campaign_id": c.campaign_id, "stage": s.stage,
        "version": s.version, "submitted_at": s.submitted_at,
        "review_due_at": getattr(s, "review_due_at", None),
    }  # fmt: skip


class ShipmentRowOut(Schema):
    id: int
    collaboration_id: int
    creator_name: str
    campaign_id: int
    status: str
    carrier: str
    tracking_number: str
    expected_on: dt.date | None


def shipment_out(s: Shipment) -> dict[str, Any]:
    c = s.collaboration
    return {
        "id": s.pk, "collaboration_id": c.pk, "creator_name": c.creator.name,
        "campaign_id": c.campaign_id, "status": s.status, "carrier": s.carrier,
        "tracking_number": s.tracking_number, "expected_on": s.expected_on,
    }  # fmt: skip


class RecapRowOut(Schema):
    collaboration_id: int
    creator_id: int
    creator_name: str
    campaign_id: int
    stage: str
    next_steps: list[str] = Field(description="The creator's next steps, as the recap says them.")
    committed_cost: Decimal | None
    currency: str
    payment_status: str = Field(description="`not_invoiced` until invoices exist.")
    recap_sent_at: dt.datetime | None = Field(description="This week's recap, if sent.")


class ForYouOut(Schema):
    clocks_due_today: list[ClockOut]
    clocks_overdue: list[ClockOut]
    deliverables_due_today: list[DeliverableRowOut]
    deliverables_overdue: list[DeliverableRowOut]


class CountsOut(Schema):
    """How many rows each list has in all (its rows in the answer are at most ``limit``)."""

    posting: int
    approvals: int
    not_posted: int
    not_arrived: int
    links_to_collect: int
    tracking_to_verify: int
    performance_to_log: int
    recaps: int


class WeeklyOut(Schema):
    """The weekly rhythm's lists for the week around now, in the token member's time zone: each
    with at most ``limit`` rows from ``offset``; ``counts`` gives each list's true size."""

    week_start: dt.datetime
    week_end: dt.datetime
    posting: list[DeliverableRowOut] = Field(description="Monday: posting this week.")
    approvals: list[ApprovalRowOut] = Field(description="Monday: every pending approval.")
    not_posted: list[DeliverableRowOut] = Field(description="Midweek: due, with no live link.")
    not_arrived: list[ShipmentRowOut] = Field(description="Midweek: product not arrived.")
    links_to_collect: list[DeliverableRowOut] = Field(description="Friday: posting date passed.")
    tracking_to_verify: list[DeliverableRowOut] = Field(description="Friday: live, unchecked.")
    performance_to_log: list[DeliverableRowOut] = Field(description="Friday: live in 7 days.")
    recaps: list[RecapRowOut] = Field(description="End of week: each active creator.")
    for_you: ForYouOut = Field(description="The token member's items due today or overdue.")
    counts: CountsOut = Field(description="Each list's number of rows in all.")
    next_offset: int | None = Field(
        description="With `list`: the `offset` of that list's next page; null on its last page."
    )


ListName = Literal[
    "posting",
    "approvals",
    "not_posted",
    "not_arrived",
    "links_to_collect",
    "tracking_to_verify",
    "performance_to_log",
    "recaps",
]


class WeeklyParams(Schema):
    campaign: int | None = Field(None, description="Only this campaign's rows.")
    time_zone: str | None = Field(
        None, description="The week's time zone; the token member's own by default."
    )
    scope: Literal["everyone", "mine"] = Field(
        "everyone",
        description="`mine`: only the collaborations the token member owns and the approvals "
        "they may decide.",
    )
    list: ListName | None = Field(
        None,
        description="Page through this one list (with `offset`); the other lists come back empty.",
    )
    limit: int = Field(
        queries.CAP, ge=1, le=MAX_LIMIT, description=f"Rows per list, at most {MAX_LIMIT}."
    )
    offset: int = Field(0, ge=0, description="With `list`: the rows to skip.")


@router.get("/weekly", response={200: WeeklyOut, **ERRORS}, summary="The weekly view's lists")
def weekly(request: HttpRequest, params: Query[WeeklyParams]) -> dict[str, Any]:
    require_perm(request, Perm.VIEW)
    workspace = workspace_of(request)
    token = token_of(request)
    user = token.user
    campaign = None
    if params.campaign is not None:
        campaign = get_object_or_404(
            Campaign.objects.filter(workspace=workspace), pk=params.campaign
        )
    current = now()
    view = queries.weekly_view(
        workspace,
        user=user,
        now=current,
        time_zone=params.time_zone or user.time_zone,
        campaign=campaign,
        mine=queries.Mine(user=user, role=token.role) if params.scope == "mine" else None,
        only=params.list,
        limit=params.limit,
        offset=params.offset if params.list else 0,
    )
    mine = view.for_you

    def clocks(items: list[Any]) -> list[dict[str, Any]]:
        return [clock_out(row) for row in sla_queries.rows(workspace, items, current)]

    return {
        "week_start": view.week.start,
        "week_end": view.week.end,
        "posting": [deliverable_out(d) for d in view.posting.rows],
        "approvals": [approval_out(s) for s in view.approvals.rows],
        "not_posted": [deliverable_out(d) for d in view.not_posted.rows],
        "not_arrived": [shipment_out(s) for s in view.not_arrived.rows],
        "links_to_collect": [deliverable_out(d) for d in view.links_to_collect.rows],
        "tracking_to_verify": [deliverable_out(d) for d in view.tracking_to_verify.rows],
        "performance_to_log": [deliverable_out(d) for d in view.performance_to_log.rows],
        "recaps": [
            {
                "collaboration_id": r.collaboration.pk,
                "creator_id": r.collaboration.creator_id,
                "creator_name": r.collaboration.creator.name,
                "campaign_id": r.collaboration.campaign_id,
                "stage": r.collaboration.stage,
                "next_steps": r.next_steps,
                "committed_cost": r.collaboration.committed_cost,
                "currency": r.collaboration.currency,
                "payment_status": "not_invoiced",
                "recap_sent_at": r.sent_at,
            }
            for r in view.recaps.rows
        ],
        "for_you": {
            "clocks_due_today": clocks(mine.clocks_due_today),
            "clocks_overdue": clocks(mine.clocks_overdue),
            "deliverables_due_today": [deliverable_out(d) for d in mine.deliverables_due_today],
            "deliverables_overdue": [deliverable_out(d) for d in mine.deliverables_overdue],
        },
        "counts": {name: getattr(view, name).count for name in queries.LISTS},
        "next_offset": getattr(view, params.list).next_offset if params.list else None,
    }


class RecapOut(Schema):
    collaboration_id: int
    email: str = Field(description="Where the recap was sent.")
    message: str = Field(description="The recap as sent.")


@router.post(
    "/weekly/recaps/{int:collaboration_id}",
    response={200: RecapOut, **ERRORS},
    summary="E-mail a creator this week's recap (next steps, payment status)",
)
def send_recap(request: HttpRequest, collaboration_id: int) -> dict[str, Any]:
    require_perm(request, Perm.MANAGE_CAMPAIGNS)
    workspace = workspace_of(request)
    collaboration = get_object_or_404(
        Collaboration.objects.filter(workspace=workspace).select_related("creator", "campaign"),
        pk=collaboration_id,
    )
    message = reminders.send_recap(
        workspace=workspace, actor=actor_of(request), collaboration=collaboration, now=now()
    )
    return {
        "collaboration_id": collaboration.pk,
        "email": collaboration.creator.primary_email,
        "message": message,
    }
