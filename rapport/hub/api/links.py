"""Hub API: a collaboration's hub link (status, address, create, rotate, revoke, e-mail).

The same services as the panel on the collaboration page. The address is only given to tokens
whose role may manage campaigns; another workspace's collaboration is a 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from rapport.api.permissions import actor_of, allows, require_perm, workspace_of
from rapport.api.schemas import ErrorOut, FieldErrorsOut
from rapport.campaigns.models import Collaboration
from rapport.campaigns.queries.collaborations import collaboration_for
from rapport.hub.services import links as services
from rapport.workspaces.roles import Perm

router = Router(tags=["hub"])

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorsOut}
PATH = "/collaborations/{int:collaboration_id}/hub-link"


class HubLinkOut(Schema):
    """A collaboration's hub link: the creator's personal page."""

    status: Literal["none", "active", "revoked", "expired"] = Field(
        description="`none` until a link is created; `revoked` and `expired` links no longer open."
    )
    url: str | None = Field(
        description="The address to send the creator; only for tokens that may manage "
        "campaigns, and only while the link is active."
    )
    created_at: dt.datetime | None
    last_opened_at: dt.datetime | None = Field(
        description="When the creator last opened it (to the minute)."
    )
    revoked_at: dt.datetime | None
    expires_at: dt.datetime | None = Field(
        description="When it stops working: the workspace's number of days after the "
        "collaboration ended; null while the collaboration runs."
    )


class RevokeIn(Schema):
    reason: str = Field("", max_length=services.REASON_LENGTH, description="Why, for the record.")


def _answer(request: HttpRequest, collaboration: Collaboration) -> dict[str, Any]:
    link = services.latest_link(collaboration)
    state = services.state_of(link) if link is not None else None
    show_url = state == services.LinkState.ACTIVE and allows(request, Perm.MANAGE_CAMPAIGNS)
    return {
        "status": str(state) if state else "none",
        "url": services.url_of(link) if link is not None and show_url else None,
        "created_at": link.created_at if link else None,
        "last_opened_at": link.last_opened_at if link else None,
        "revoked_at": link.revoked_at if link else None,
        "expires_at": services.expires_at(collaboration),
    }


def _collaboration(request: HttpRequest, collaboration_id: int, perm: str) -> Collaboration:
    require_perm(request, perm)
    return collaboration_for(workspace_of(request), collaboration_id)


@router.get(PATH, response={200: HubLinkOut, **ERRORS}, summary="Get a collaboration's hub link")
def get_link(request: HttpRequest, collaboration_id: int) -> dict[str, Any]:
    """The link's status and dates; its address too for tokens that may manage campaigns."""
    collaboration = _collaboration(request, collaboration_id, Perm.VIEW)
    return _answer(request, collaboration)


@router.post(PATH, response={200: HubLinkOut, **ERRORS}, summary="Create the hub link")
def create_link(request: HttpRequest, collaboration_id: int) -> dict[str, Any]:
    """Issue the collaboration's hub link; when it already has an active one, return it."""
    collaboration = _collaboration(request, collaboration_id, Perm.MANAGE_CAMPAIGNS)
    services.issue_link(collaboration=collaboration, actor=actor_of(request))
    return _answer(request, collaboration)


@router.post(PATH + "/rotate", response={200: HubLinkOut, **ERRORS}, summary="Rotate the hub link")
def rotate_link(request: HttpRequest, collaboration_id: int) -> dict[str, Any]:
    """Issue a new address; the old one stops working at once."""
    collaboration = _collaboration(request, collaboration_id, Perm.MANAGE_CAMPAIGNS)
    services.rotate_link(collaboration=collaboration, actor=actor_of(request))
    return _answer(request, collaboration)


@router.post(PATH + "/revoke", response={200: HubLinkOut, **ERRORS}, summary="Revoke the hub link")
def revoke_link(
    request: HttpRequest, collaboration_id: int, payload: RevokeIn | None = None
) -> dict[str, Any]:
    """Switch the link off without issuing another (422 when no link is active)."""
    collaboration = _collaboration(request, collaboration_id, Perm.MANAGE_CAMPAIGNS)
    services.revoke_link(
        collaboration=collaboration,
        actor=actor_of(request),
        reason=payload.reason if payload else "",
    )
    return _answer(request, collaboration)


@router.post(PATH + "/email", response={200: HubLinkOut, **ERRORS}, summary="E-mail the hub link")
def email_link(request: HttpRequest, collaboration_id: int) -> dict[str, Any]:
    """E-mail the address to the creator's primary e-mail, in the creator's language (issuing
    the link first if there is none). 422 when the creator has no e-mail address, must not be
    contacted, or the link has expired."""
    collaboration = _collaboration(request, collaboration_id, Perm.MANAGE_CAMPAIGNS)
    services.email_link(collaboration=collaboration, actor=actor_of(request))
    return _answer(request, collaboration)
