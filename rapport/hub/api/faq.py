"""API of the hub FAQ: the entries creators see (the workspace's, else the built-in defaults), and
the team's edits. Anyone with a token reads; writing needs ``manage_workspace``. The handlers call
the same queries and services as the FAQ editor page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from rapport.api.pagination import PageParams, keyset_page
from rapport.api.permissions import actor_of, require_perm, workspace_of
from rapport.api.schemas import ErrorOut, FieldErrorsOut
from rapport.creators.api import unset
from rapport.hub.models import FaqEntry, FaqTopic
from rapport.hub.queries import faq as queries
from rapport.hub.services import faq as services
from rapport.workspaces.roles import Perm

router = Router(tags=["hub"])

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorsOut}
TOPICS = "One of: " + ", ".join(FaqTopic.values) + "."


class FaqEntryOut(Schema):
    id: int | None = Field(description="Null for a built-in default (it is not stored).")
    topic: str = Field(description=TOPICS)
    topic_label: str = Field(description="The topic as creators read it.")
    question: str
    answer: str
    position: int = Field(description="Order on the hub page, 1 first.")

    @staticmethod
    def resolve_topic_label(entry: FaqEntry) -> str:
        return str(entry.get_topic_display())


class FaqOut(Schema):
    """The FAQ in effect, one page of it."""

    is_default: bool = Field(
        description="True while the workspace has no entries of its own and creators see the "
        "built-in defaults (in the request's language, with the workspace's payment terms)."
    )
    items: list[FaqEntryOut]
    next: str | None = Field(
        description="Pass as `cursor` to get the next page; null when there are no more rows."
    )


class FaqEntryIn(Schema):
    topic: str = Field(description=TOPICS)
    question: str = Field(description="At most 300 characters.")
    answer: str = Field(description="Plain text; line breaks are kept.")


class FaqEntryPatch(Schema):
    """The fields to change; those left out keep their value."""

    topic: str = unset(description=TOPICS)
    question: str = unset(description="At most 300 characters.")
    answer: str = unset()
    position: int = unset(description="Move the entry to this place (1 is the top).")


@router.get("/hub/faq", response={200: FaqOut, **ERRORS}, summary="The hub FAQ in effect")
def list_faq(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    """The questions and answers creators see on their hub: the workspace's entries in order,
    or the built-in defaults while it has none."""
    require_perm(request, Perm.VIEW)
    workspace = workspace_of(request)
    entries = queries.entries_for(workspace)
    if not params.cursor and not entries.exists():
        return {"is_default": True, "items": queries.default_entries(workspace), "next": None}
    page = keyset_page(entries, cursor=params.cursor, limit=params.limit)
    return {"is_default": False, "items": page.items, "next": page.next}


@router.post("/hub/faq", response={201: FaqEntryOut, **ERRORS}, summary="Add an FAQ entry")
def create_faq_entry(request: HttpRequest, payload: FaqEntryIn) -> Status[FaqEntry]:
    """Add an entry at the end; the first one replaces the defaults on every hub."""
    require_perm(request, Perm.MANAGE_WORKSPACE)
    entry = services.create_entry(
        workspace=workspace_of(request), actor=actor_of(request), **payload.model_dump()
    )
    return Status(201, entry)


@router.post(
    "/hub/faq/defaults",
    response={201: FaqOut, **ERRORS},
    summary="Start the FAQ from the defaults",
)
def copy_faq_defaults(request: HttpRequest) -> Status[dict[str, Any]]:
    """Copy the built-in entries (in the request's language, from its Accept-Language header)
    into editable entries; refused (422) once the workspace has entries of its own."""
    require_perm(request, Perm.MANAGE_WORKSPACE)
    entries = services.start_from_defaults(workspace=workspace_of(request), actor=actor_of(request))
    return Status(201, {"is_default": False, "items": entries, "next": None})


@router.patch(
    "/hub/faq/{int:entry_id}", response={200: FaqEntryOut, **ERRORS}, summary="Change an FAQ entry"
)
def update_faq_entry(request: HttpRequest, entry_id: int, payload: FaqEntryPatch) -> FaqEntry:
    """Change an entry's topic, question or answer, or move it with `position`."""
    require_perm(request, Perm.MANAGE_WORKSPACE)
    entry = queries.entry_for(workspace_of(request), entry_id)
    values = payload.model_dump(exclude_unset=True)
    position = values.pop("position", None)
    if values:
        entry = services.update_entry(entry=entry, actor=actor_of(request), **values)
    if position is not None:
        entry = services.move_entry(entry=entry, actor=actor_of(request), position=position)
    return entry


@router.delete(
    "/hub/faq/{int:entry_id}", response={204: None, **ERRORS}, summary="Delete an FAQ entry"
)
def delete_faq_entry(request: HttpRequest, entry_id: int) -> Status[None]:
    """Delete an entry; when the last goes, creators see the defaults again."""
    require_perm(request, Perm.MANAGE_WORKSPACE)
    entry = queries.entry_for(workspace_of(request), entry_id)
    services.delete_entry(entry=entry, actor=actor_of(request))
    return Status(204, None)
