"""API of service levels: the clocks (filtered, a page at a time), acknowledging a missed deadline,
and attainment with median resolution times. The same queries and services as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from rapport.api.pagination import Page, PageParams, keyset_page
from rapport.api.permissions import require_perm, token_of, workspace_of
from rapport.api.schemas import ErrorOut, FieldErrorsOut
from rapport.campaigns.models import Moment
from rapport.campaigns.queries import sla as queries
from rapport.campaigns.services import sla as services
from rapport.workspaces import calendar
from rapport.workspaces.roles import Perm

router = Router(tags=["service levels"])

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorsOut}
STATES = ", ".join(state.value for state in services.ClockState)


def now() -> dt.datetime:
    """The current time (one place, so that tests can pin it)."""
    return timezone.now()


class PersonOut(Schema):
    id: int
    email: str
    name: str


class ClockOut(Schema):
    """A service-level clock: one promise to a creator, its deadlines and where it stands."""

    id: int
    moment: Moment
    state: str = Field(description=f"At the time of the request: one of {STATES}.")
    collaboration_id: int | None
    creator_id: int | None
    creator_name: str | None
    campaign_id: int | None
    owner: PersonOut | None
    subject_type: str = Field(description="What the clock is about: question, submission, ...")
    subject_id: int
    started_at: dt.datetime
    original_due_at: dt.datetime = Field(description="The deadline as first promised (UTC).")
    due_at: dt.datetime = Field(description="The current deadline (UTC); later after a breach.")
    creator_time_zone: str = Field(description="The time zone the creator reads deadlines in.")
    due_at_creator_local: dt.datetime = Field(description="`due_at` in the creator's time zone.")
    stopped_at: dt.datetime | None
    acknowledged_at: dt.datetime | None
    acknowledged_by: PersonOut | None
    acknowledgement: str = Field(description="The message sent to the creator on acknowledging.")


def clock_out(row: queries.ClockRow) -> dict[str, Any]:
    clock = row.clock
    collaboration = clock.collaboration
    return {
        **{
            name: getattr(clock, name)
            for name in (
                "id",
                "moment",
                "collaboration_id",
                "owner",
                "subject_type",
                "subject_id",
                "started_at",
                "original_due_at",
                "due_at",
                "stopped_at",
                "acknowledged_at",
                "acknowledged_by",
                "acknowledgement",
            )
        },
        "state": row.state.value,
        "creator_id": collaboration.creator_id if collaboration else None,
        "creator_name": collaboration.creator.name if collaboration else None,
        "campaign_id": collaboration.campaign_id if collaboration else None,
        "creator_time_zone": row.creator_time_zone,
        "due_at_creator_local": clock.due_at.astimezone(calendar.zone(row.creator_time_zone)),
    }


class ClockParams(PageParams):
    moment: Moment | None = Field(None, description="Only clocks of this service moment.")
    state: services.ClockState | None = Field(None, description=f"One of {STATES}.")
    owner: int | None = Field(None, description="Only clocks this member (user id) owns.")
    collaboration: int | None = Field(None, description="Only this collaboration's clocks.")


@router.get(
    "/sla/clocks",
    response={200: Page[ClockOut], **ERRORS},
    summary="List service-level clocks, soonest due first",
)
def list_clocks(request: HttpRequest, params: Query[ClockParams]) -> dict[str, Any]:
    require_perm(request, Perm.VIEW)
    workspace = workspace_of(request)
    current = now()
    qs = queries.clocks(
        workspace,
        moment=params.moment or "",
        state=params.state or "",
        owner=params.owner,
        collaboration=params.collaboration,
        now=current,
    )
    page = keyset_page(qs, cursor=params.cursor, limit=params.limit)
    return {
        "items": [clock_out(row) for row in queries.rows(workspace, page.items, current)],
        "next": page.next,
    }


@router.get("/sla/clocks/{int:clock_id}", response={200: ClockOut, **ERRORS}, summary="Get a clock")
def get_clock(request: HttpRequest, clock_id: int) -> dict[str, Any]:
    require_perm(request, Perm.VIEW)
    workspace = workspace_of(request)
    clock = queries.clock_for(workspace, clock_id)
    return clock_out(queries.rows(workspace, [clock], now())[0])


class AcknowledgeIn(Schema):
    # A string read by the handler, so that an unknown clock is a 404 before any 422.
    new_due_at: str = Field(
        description="The new deadline, ISO 8601 with its offset (e.g. 2026-03-12T17:00:00-05:00);"
        " without an offset it is read as UTC."
    )
    message: str | None = Field(
        None,
        description="What the creator is told by e-mail. Left out: the built-in message for "
        "this moment, with the new deadline in the creator's time zone.",
    )


@router.post(
    "/sla/clocks/{int:clock_id}/acknowledge",
    response={200: ClockOut, **ERRORS},
    summary="Acknowledge a missed deadline: a new deadline and a message to the creator",
)
def acknowledge(request: HttpRequest, clock_id: int, payload: AcknowledgeIn) -> dict[str, Any]:
    """The clock's owner, or a token whose role runs campaigns. Both deadlines stay on record;
    the message is e-mailed to the creator's primary address."""
    require_perm(request, Perm.VIEW)
    workspace = workspace_of(request)
    token = token_of(request)
    clock = queries.clock_for(workspace, clock_id)
    if clock.owner_id != token.user_id:
        require_perm(request, Perm.MANAGE_CAMPAIGNS)
    try:
        new_due_at = parse_datetime(payload.new_due_at.strip())
    except ValueError:  # well formed, but no such day or hour
        new_due_at = None
    if new_due_at is None:
        raise ValidationError(
            {"new_due_at": _("“%(v)s” is not a date and time such as 2026-03-12T17:00:00-05:00.")
             % {"v": payload.new_due_at}}
        )  # fmt: skip
    if timezone.is_naive(new_due_at):
        new_due_at = timezone.make_aware(new_due_at, dt.UTC)
    message = payload.message
    if message is None:
        message = services.acknowledgement_draft(
            workspace=workspace, clock=clock, new_due_at=new_due_at
        )
    current = now()
    clock = services.acknowledge_breach(
        workspace=workspace,
        actor=token.user,
        clock=clock,
        new_due_at=new_due_at,
        message=message,
        now=current,
    )
    return clock_out(queries.rows(workspace, [queries.clock_for(workspace, clock.pk)], current)[0])


class AttainmentOut(Schema):
    key: str = Field(description="The moment, or the owner's user id ('' for no owner).")
    label: str
    met: int = Field(description="Stopped on or before the original deadline.")
    missed: int = Field(description="Stopped after it, or still running past it.")
    total: int
    percent: float | None = Field(description="Met / total x 100; null when total is 0.")
    median_resolution_seconds: float | None = Field(
        description="Median time from start to stop of the stopped clocks."
    )


class AttainmentParams(Schema):
    since: dt.datetime = Field(description="Clocks started at or after this time.")
    until: dt.datetime = Field(description="... and before this time.")
    by: Literal["moment", "owner"] = Field("moment", description="Group by moment or by owner.")


@router.get(
    "/sla/attainment",
    response={200: list[AttainmentOut], **ERRORS},
    summary="SLA attainment and median resolution time, per moment or per owner",
)
def attainment(request: HttpRequest, params: Query[AttainmentParams]) -> list[dict[str, Any]]:
    require_perm(request, Perm.VIEW)
    workspace = workspace_of(request)
    since, until, by = params.since, params.until, params.by
    medians = {
        r.key: r for r in queries.median_resolution(workspace, since=since, until=until, by=by)
    }
    return [
        {
            "key": item.key,
            "label": item.label,
            "met": item.met,
            "missed": item.missed,
            "total": item.total,
            "percent": None if item.percent is None else float(item.percent),
            "median_resolution_seconds": (
                medians[item.key].median.total_seconds() if item.key in medians else None
            ),
        }
        for item in queries.attainment(workspace, since=since, until=until, by=by, now=now())
    ]
