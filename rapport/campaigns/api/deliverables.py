"""API: deliverables of a collaboration, and recording where they went live.

Times are ISO 8601; one without an offset is read in the creator's time zone (theirs, else the
workspace's). Answers give every time in UTC and the posting times again in the creator's zone.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from rapport.api.pagination import Page, PageParams, keyset_page
from rapport.api.permissions import actor_of, require_perm, workspace_of
from rapport.api.schemas import ErrorOut, FieldErrorsOut
from rapport.campaigns.models import ApprovalStage, Deliverable, DeliverableKind
from rapport.campaigns.queries.deliverables import (
    approval_rounds,
    collaboration_for,
    creator_zone_name,
    deliverable_for,
    deliverables_of,
    on_time_status,
)
from rapport.campaigns.services import deliverables as services
from rapport.creators.api import unset
from rapport.creators.models import Platform
from rapport.workspaces.calendar import zone
from rapport.workspaces.roles import Perm

router = Router(tags=["deliverables"])

READ_ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorsOut}
TIME_HELP = "ISO 8601; without an offset it is read in the creator's time zone."


class DeliverableOut(Schema):
    """A deliverable: what is owed, when it posts, its deadlines and its live post."""

    id: int
    collaboration_id: int
    kind: DeliverableKind
    platform: Platform
    quantity: int
    description: str
    approval_stages: list[ApprovalStage] = Field(description="The reviews it needs, in order.")
    post_at: dt.datetime | None = Field(description="Posting date, or the window's start (UTC).")
    post_until: dt.datetime | None = Field(description="The posting window's end (UTC).")
    creator_time_zone: str = Field(description="The zone posting dates are set and shown in.")
    post_at_local: str | None = Field(description="`post_at` in the creator's time zone.")
    post_until_local: str | None = Field(description="`post_until` in the creator's time zone.")
    final_approval_due: dt.datetime | None = Field(
        description="The workspace's buffer before the posting date, in business days (UTC)."
    )
    disclosure: str = Field(description="The disclosure the post must carry.")
    live_url: str
    went_live_at: dt.datetime | None
    disclosure_checked: bool = Field(description="Whether the live post was checked for it.")
    on_time: str = Field(
        description="unscheduled, due, overdue (before it is live), on_time or late (once live)."
    )
    approval_rounds: int = Field(description="Decisions taken on its submissions, all stages.")

    @staticmethod
    def resolve_creator_time_zone(d: Deliverable) -> str:
        return creator_zone_name(d.collaboration)

    @staticmethod
    def resolve_post_at_local(d: Deliverable) -> str | None:
        return _local(d, d.post_at)

    @staticmethod
    def resolve_post_until_local(d: Deliverable) -> str | None:
        return _local(d, d.post_until)

    @staticmethod
    def resolve_on_time(d: Deliverable) -> str:
        return on_time_status(d).value

    @staticmethod
    def resolve_approval_rounds(d: Deliverable) -> int:
        return approval_rounds(d)


def _local(d: Deliverable, moment: dt.datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(zone(creator_zone_name(d.collaboration))).isoformat()


class DeliverableIn(Schema):
    kind: DeliverableKind
    platform: Platform
    quantity: int = Field(1, ge=1, le=1000)
    description: str = ""
    approval_stages: list[ApprovalStage] | None = Field(
        None, description="Leave out for the brief's approval rules."
    )
    post_at: dt.datetime | None = Field(None, description=TIME_HELP)
    post_until: dt.datetime | None = Field(None, description=TIME_HELP)
    disclosure: str | None = Field(
        None, max_length=300, description="Leave out for the brief's disclosure."
    )


class DeliverablePatch(Schema):
    """The fields to change; those left out keep their value."""

    kind: DeliverableKind = unset()
    platform: Platform = unset()
    quantity: int = unset(ge=1, le=1000)
    description: str = unset()
    approval_stages: list[ApprovalStage] = unset()
    post_at: dt.datetime | None = Field(None, description=TIME_HELP)
    post_until: dt.datetime | None = Field(None, description=TIME_HELP)
    disclosure: str = unset(max_length=300)
    reason: str = Field("", description="Why it changes; kept on the timeline.")


class LiveIn(Schema):
    live_url: str = Field(max_length=500, description="The post's address (http or https).")
    went_live_at: dt.datetime | None = Field(None, description=f"Now when left out. {TIME_HELP}")
    disclosure_checked: bool = Field(False, description="The required disclosure is on the post.")


def _load(request: HttpRequest, deliverable_id: int) -> Deliverable:
    deliverable = deliverable_for(workspace_of(request), deliverable_id)
    return deliverables_of(deliverable.collaboration).get(pk=deliverable.pk)


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    """Enum members as their plain values, for the services."""
    if values.get("approval_stages") is not None:
        values["approval_stages"] = [str(s) for s in values["approval_stages"]]
    return {k: (v.value if hasattr(v, "value") else v) for k, v in values.items()}


@router.get(
    "/collaborations/{int:collaboration_id}/deliverables",
    response={200: Page[DeliverableOut], **READ_ERRORS},
    summary="A collaboration's deliverables",
)
def list_deliverables(
    request: HttpRequest, collaboration_id: int, params: Query[PageParams]
) -> dict[str, Any]:
    """The collaboration's deliverables, posting date first."""
    require_perm(request, Perm.VIEW)
    collaboration = collaboration_for(workspace_of(request), collaboration_id)
    qs: QuerySet[Deliverable] = deliverables_of(collaboration).select_related(
        "collaboration__creator", "collaboration__workspace"
    )
    page = keyset_page(qs, cursor=params.cursor, limit=params.limit)
    return {"items": page.items, "next": page.next}


@router.post(
    "/collaborations/{int:collaboration_id}/deliverables",
    response={201: DeliverableOut, **READ_ERRORS},
    summary="Add a deliverable",
)
def create_deliverable(
    request: HttpRequest, collaboration_id: int, payload: DeliverableIn
) -> Status[Deliverable]:
    """Add a deliverable; its final-approval deadline is computed from the posting date."""
    require_perm(request, Perm.MANAGE_CAMPAIGNS)
    collaboration = collaboration_for(workspace_of(request), collaboration_id)
    deliverable = services.create_deliverable(
        collaboration=collaboration,
        actor=actor_of(request),
        **_plain(payload.model_dump()),
    )
    return Status(201, _load(request, deliverable.pk))


@router.get(
    "/deliverables/{int:deliverable_id}",
    response={200: DeliverableOut, **READ_ERRORS},
    summary="Get a deliverable",
)
def get_deliverable(request: HttpRequest, deliverable_id: int) -> Deliverable:
    require_perm(request, Perm.VIEW)
    return _load(request, deliverable_id)


@router.patch(
    "/deliverables/{int:deliverable_id}",
    response={200: DeliverableOut, **READ_ERRORS},
    summary="Change a deliverable",
)
def update_deliverable(
    request: HttpRequest, deliverable_id: int, payload: DeliverablePatch
) -> Deliverable:
    """Change the fields given; a new posting date recomputes the final-approval deadline."""
    require_perm(request, Perm.MANAGE_CAMPAIGNS)
    deliverable = deliverable_for(workspace_of(request), deliverable_id)
    values = _plain(payload.model_dump(exclude_unset=True))
    reason = values.pop("reason", "")
    services.update_deliverable(
        deliverable=deliverable, actor=actor_of(request), reason=reason, **values
    )
    return _load(request, deliverable.pk)


@router.post(
    "/deliverables/{int:deliverable_id}/live",
    response={200: DeliverableOut, **READ_ERRORS},
    summary="Record the live post",
)
def record_live(request: HttpRequest, deliverable_id: int, payload: LiveIn) -> Deliverable:
    """Record where and when it went live; when every deliverable is live, the collaboration
    moves to live."""
    require_perm(request, Perm.MANAGE_CAMPAIGNS)
    deliverable = deliverable_for(workspace_of(request), deliverable_id)
    services.record_live(deliverable=deliverable, actor=actor_of(request), **payload.model_dump())
    return _load(request, deliverable.pk)
