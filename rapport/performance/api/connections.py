"""API: platform connections (YouTube API keys, Instagram access tokens) and refreshing a post
from its platform (the same services and roles as the pages).

The credential is write-only: no answer ever contains it, nor any part of it
(``has_credential`` says whether one is stored and still readable).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from rapport.api.pagination import Page, PageParams, keyset_page
from rapport.api.permissions import actor_of, require_perm, workspace_of
from rapport.api.schemas import ErrorOut, FieldErrorsOut
from rapport.creators.api import unset
from rapport.creators.models import Creator
from rapport.performance.models import PlatformConnection, Post, Provider
from rapport.performance.queries.connections import connection_for, connections_for
from rapport.performance.queries.posts import post_for
from rapport.performance.services import connections as services
from rapport.performance.services.refresh import refresh_post
from rapport.workspaces.roles import Perm

router = Router(tags=["platform connections"])

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorsOut}


class ConnectionOut(Schema):
    """A platform connection and its status; never its credential."""

    id: int
    provider: Provider = Field(description="youtube (Data API v3) or instagram (Graph API).")
    label: str = Field(description="A name to tell connections apart; may be empty.")
    creator_id: int | None = Field(
        description="The creator whose own token this is; null for the brand's own connection."
    )
    account_id: str = Field(description="Instagram: the business account id the token is for.")
    is_active: bool = Field(description="false: switched off, nothing is refreshed with it.")
    has_credential: bool = Field(
        description="Whether a key or token is stored and readable (false after a change of the "
        "server's secret key: send it again)."
    )
    status: str = Field(description="ok, off, paused, error or needs_credential.")
    status_text: str = Field(description="The status in a sentence.")
    last_used_at: dt.datetime | None = Field(description="When the platform was last called.")
    last_error: str = Field(description="The last call's error in plain words; empty if none.")
    last_error_at: dt.datetime | None
    paused_until: dt.datetime | None = Field(
        description="The platform asked to slow down: no call before this moment."
    )
    created_at: dt.datetime

    @staticmethod
    def resolve_has_credential(connection: PlatformConnection) -> bool:
        return bool(connection.credential)

    @staticmethod
    def resolve_status(connection: PlatformConnection) -> str:
        return services.status_of(connection).code

    @staticmethod
    def resolve_status_text(connection: PlatformConnection) -> str:
        return services.status_of(connection).text


class ConnectionIn(Schema):
    provider: Provider
    credential: str = Field(
        max_length=1000,
        description="The YouTube API key or the Instagram access token (write-only).",
    )
    account_id: str = Field(
        "", max_length=64, description="Instagram: the business account id (a number); required."
    )
    label: str = Field("", max_length=120)
    creator_id: int | None = Field(
        None, description="Set for a creator's own token; leave out for the brand's."
    )


class ConnectionPatch(Schema):
    """The fields to change; those left out keep their value."""

    label: str = unset(max_length=120)
    credential: str = unset(max_length=1000, description="A new key or token; empty keeps it.")
    account_id: str = unset(max_length=64)
    is_active: bool = unset(description="false switches the connection off; true back on.")


class TestOut(Schema):
    ok: bool = Field(description="Whether the platform accepted the credential.")
    message: str = Field(description="What the platform answered, in plain words.")


class PostRefreshOut(Schema):
    """A post's state after a refresh from its platform."""

    id: int
    external_id: str = Field(description="The platform's id of the post (found if needed).")
    last_fetched_at: dt.datetime | None = Field(description="When figures were last read.")
    fetch_error: str = Field(description="Why the last refresh failed; empty when it worked.")
    fetch_error_at: dt.datetime | None


@router.get(
    "/connections", response={200: Page[ConnectionOut], **ERRORS}, summary="List connections"
)
def list_connections(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    """The workspace's platform connections with their status."""
    require_perm(request, Perm.VIEW)
    page = keyset_page(
        connections_for(workspace_of(request)).order_by("id"),
        cursor=params.cursor,
        limit=params.limit,
    )
    return {"items": page.items, "next": page.next}


@router.post("/connections", response={201: ConnectionOut, **ERRORS}, summary="Connect a platform")
def create_connection(request: HttpRequest, payload: ConnectionIn) -> Status[PlatformConnection]:
    """Add a YouTube API key, or an Instagram access token with its business account id."""
    require_perm(request, Perm.MANAGE_WORKSPACE)
    workspace = workspace_of(request)
    values = payload.model_dump(exclude={"creator_id"})
    creator = None
    if payload.creator_id is not None:
        creator = Creator.objects.filter(workspace=workspace, pk=payload.creator_id).first()
        if creator is None:
            raise ValidationError({"creator_id": _("No such creator in this workspace.")})
    connection = services.create_connection(
        workspace=workspace, actor=actor_of(request), creator=creator, **values
    )
    return Status(201, connection_for(workspace, connection.pk))


@router.get(
    "/connections/{int:connection_id}",
    response={200: ConnectionOut, **ERRORS},
    summary="A connection",
)
def get_connection(request: HttpRequest, connection_id: int) -> PlatformConnection:
    require_perm(request, Perm.VIEW)
    return connection_for(workspace_of(request), connection_id)


@router.patch(
    "/connections/{int:connection_id}",
    response={200: ConnectionOut, **ERRORS},
    summary="Change a connection",
)
def update_connection(
    request: HttpRequest, connection_id: int, payload: ConnectionPatch
) -> PlatformConnection:
    require_perm(request, Perm.MANAGE_WORKSPACE)
    connection = connection_for(workspace_of(request), connection_id)
    services.update_connection(
        connection=connection, actor=actor_of(request), **payload.model_dump(exclude_unset=True)
    )
    return connection_for(workspace_of(request), connection_id)


@router.delete(
    "/connections/{int:connection_id}",
    response={204: None, **ERRORS},
    summary="Delete a connection",
)
def delete_connection(request: HttpRequest, connection_id: int) -> Status[None]:
    """Delete the connection and its credential; the figures it brought stay."""
    require_perm(request, Perm.MANAGE_WORKSPACE)
    connection = connection_for(workspace_of(request), connection_id)
    services.delete_connection(connection=connection, actor=actor_of(request))
    return Status(204, None)


@router.post(
    "/connections/{int:connection_id}/test",
    response={200: TestOut, **ERRORS},
    summary="Test a connection",
)
def test_connection(request: HttpRequest, connection_id: int) -> dict[str, Any]:
    """Make one cheap call with the connection; its status keeps the outcome."""
    require_perm(request, Perm.MANAGE_WORKSPACE)
    connection = connection_for(workspace_of(request), connection_id)
    ok, message = services.test_connection(connection=connection, actor=actor_of(request))
    return {"ok": ok, "message": message}


@router.post(
    "/posts/{int:post_id}/refresh",
    response={200: PostRefreshOut, **ERRORS},
    summary="Refresh a post from its platform",
)
def refresh(request: HttpRequest, post_id: int) -> Post:
    """Read the post's figures from YouTube or Instagram now (a snapshot of source `api`, dated
    today). A failure is in `fetch_error`; 422 when no connection can read the post."""
    require_perm(request, Perm.RECORD_RESULTS)
    post = post_for(workspace_of(request), post_id)
    return refresh_post(post, actor=actor_of(request))
