"""API: posts of deliverables and their figures (snapshots), with the same services and roles
as the pages: reading needs ``view``; adding, changing and removing posts and recording figures
need ``record_results``.

The creator's own endpoints live under ``/hub/me/posts`` and open with the hub token in the
``X-Hub-Token`` header (the door of :mod:`rapport.hub.api.creator`); posts are numbered there
(post 1, 2...) as on the hub page, never by id.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone
from ninja import Field, File, Form, Query, Router, Schema, UploadedFile
from ninja.responses import Status

from rapport.api.pagination import Page, PageParams, keyset_page
from rapport.api.permissions import actor_of, require_perm, workspace_of
from rapport.api.schemas import ErrorOut, FieldErrorsOut
from rapport.campaigns.queries.deliverables import deliverable_for
from rapport.campaigns.services.reviews import FileGone
from rapport.creators.models import Platform
from rapport.hub.api.creator import ERRORS as HUB_ERRORS
from rapport.hub.api.creator import HubToken, through_the_door
from rapport.hub.context import request_hub
from rapport.performance.models import MetricEvidence, MetricSnapshot, MetricSource, Post
from rapport.performance.queries import posts as queries
from rapport.performance.services import posts as services
from rapport.workspaces.roles import Perm

router = Router(tags=["Performance"])

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorsOut}
COUNT_HELP = "A whole number, 0 or more; null when the source did not give it (unknown, not 0)."


class EvidenceOut(Schema):
    id: int
    name: str = Field(description="The file's original name.")
    uploaded_at: dt.datetime
    download: str = Field(description="GET this path (with your token) to download the file.")

    @staticmethod
    def resolve_name(e: MetricEvidence) -> str:
        return str(e)

    @staticmethod
    def resolve_download(e: MetricEvidence) -> str:
        return f"/api/v1/evidence/{e.pk}/file"


class SnapshotOut(Schema):
    """What a post showed on one collection date, according to one source."""

    id: int
    post_id: int
    collected_on: dt.date
    source: MetricSource = Field(description="entered, creator, imported or api.")
    reach: int | None = Field(description=COUNT_HELP)
    impressions: int | None = Field(description=COUNT_HELP)
    views: int | None = Field(description=COUNT_HELP)
    likes: int | None = Field(description=COUNT_HELP)
    comments: int | None = Field(description=COUNT_HELP)
    shares: int | None = Field(description=COUNT_HELP)
    saves: int | None = Field(description=COUNT_HELP)
    clicks: int | None = Field(description=COUNT_HELP)
    watch_time_seconds: int | None = Field(description=COUNT_HELP)
    engagements: int | None = Field(
        description="likes + comments + shares + saves; null when none of them is known."
    )
    note: str
    recorded_at: dt.datetime
    recorded_by: str | None = Field(description="The member who recorded it; null otherwise.")
    evidence: list[EvidenceOut] = Field(description="Screenshots attached to it.")

    @staticmethod
    def resolve_engagements(s: MetricSnapshot) -> int | None:
        return queries.known_engagements(s)

    @staticmethod
    def resolve_recorded_by(s: MetricSnapshot) -> str | None:
        return str(s.recorded_by) if s.recorded_by else None

    @staticmethod
    def resolve_evidence(s: MetricSnapshot) -> list[MetricEvidence]:
        return list(s.evidence.all())


class PostOut(Schema):
    """A published piece of content of a deliverable."""

    id: int
    collaboration_id: int
    deliverable_id: int
    platform: Platform
    url: str
    external_id: str = Field(
        description="The platform's id read from the address (YouTube video id, Instagram "
        "shortcode) or set by hand; empty when unknown."
    )
    posted_at: dt.datetime | None
    collect_on: dt.date | None = Field(description="The agreed day to collect its figures.")
    last_fetched_at: dt.datetime | None
    fetch_error: str = Field(description="The last platform error, until a refresh succeeds.")
    created_at: dt.datetime


class PostIn(Schema):
    deliverable_id: int = Field(description="One of the workspace's deliverables.")
    url: str = Field(max_length=500, description="The post's full address (https://…).")
    platform: Platform | None = Field(None, description="The deliverable's when left out.")
    posted_at: dt.datetime | None = Field(
        None, description="When it went live; without an offset, the workspace's time."
    )
    collect_on: dt.date | None = Field(
        None, description="When to collect its figures; seven days after it went live if null."
    )
    external_id: str = Field(
        "", max_length=100, description="The platform's id; read from the address if empty."
    )


class PostPatch(Schema):
    """The fields to change; a new address reads its platform id again unless one is given."""

    url: str | None = Field(None, max_length=500)
    platform: Platform | None = None
    posted_at: dt.datetime | None = None
    collect_on: dt.date | None = None
    external_id: str | None = Field(None, max_length=100)


class PostFilters(PageParams):
    collaboration_id: int | None = Field(None, description="Only this collaboration's posts.")
    deliverable_id: int | None = Field(None, description="Only this deliverable's posts.")
    campaign_id: int | None = Field(None, description="Only this campaign's posts.")


class CollectionIn(Schema):
    """The standard collection form (multipart/form-data); a blank figure is unknown."""

    collected_on: dt.date | None = Field(
        None, description="The date the figures were read (not later than today)."
    )
    reach: str = Field("", description=COUNT_HELP)
    impressions: str = Field("", description=COUNT_HELP)
    views: str = Field("", description=COUNT_HELP)
    likes: str = Field("", description=COUNT_HELP)
    comments: str = Field("", description=COUNT_HELP)
    shares: str = Field("", description=COUNT_HELP)
    saves: str = Field("", description=COUNT_HELP)
    clicks: str = Field("", description=COUNT_HELP)
    watch_time_seconds: str = Field("", description=COUNT_HELP)
    note: str = Field("", max_length=2000, description="What the reader should know.")

    def values(self) -> dict[str, str]:
        return self.model_dump(exclude={"collected_on", "note"})


def _post(request: HttpRequest, post_id: int, perm: str) -> Post:
    require_perm(request, perm)
    return queries.post_for(workspace_of(request), post_id)


@router.get("/posts", response={200: Page[PostOut], **ERRORS}, summary="List posts")
def list_posts(request: HttpRequest, params: Query[PostFilters]) -> dict[str, Any]:
    """The workspace's posts, oldest first, filtered by collaboration, deliverable or campaign."""
    require_perm(request, Perm.VIEW)
    qs = Post.objects.filter(workspace=workspace_of(request)).order_by("id")
    if params.collaboration_id is not None:
        qs = qs.filter(collaboration_id=params.collaboration_id)
    if params.deliverable_id is not None:
        qs = qs.filter(deliverable_id=params.deliverable_id)
    if params.campaign_id is not None:
        qs = qs.filter(collaboration__campaign_id=params.campaign_id)
    page = keyset_page(qs, cursor=params.cursor, limit=params.limit)
    return {"items": page.items, "next": page.next}


@router.post("/posts", response={201: PostOut, **ERRORS}, summary="Add a post")
def create_post(request: HttpRequest, payload: PostIn) -> Status[Post]:
    """Add a post to a deliverable: its address, platform (the deliverable's by default), when
    it went live and when to collect its figures."""
    require_perm(request, Perm.RECORD_RESULTS)
    deliverable = deliverable_for(workspace_of(request), payload.deliverable_id)
    post = services.create_post(
        deliverable=deliverable,
        url=payload.url,
        platform=payload.platform or "",
        posted_at=payload.posted_at,
        collect_on=payload.collect_on,
        external_id=payload.external_id,
        actor=actor_of(request),
    )
    return Status(201, post)


@router.get("/posts/{int:post_id}", response={200: PostOut, **ERRORS}, summary="Get a post")
def get_post(request: HttpRequest, post_id: int) -> Post:
    return _post(request, post_id, Perm.VIEW)


@router.patch("/posts/{int:post_id}", response={200: PostOut, **ERRORS}, summary="Change a post")
def update_post(request: HttpRequest, post_id: int, payload: PostPatch) -> Post:
    """Change the fields given (null leaves a field as it is)."""
    post = _post(request, post_id, Perm.RECORD_RESULTS)
    changes = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None}
    return services.update_post(post=post, actor=actor_of(request), **changes)


@router.delete("/posts/{int:post_id}", response={204: None, **ERRORS}, summary="Remove a post")
def delete_post(request: HttpRequest, post_id: int) -> Status[None]:
    """Remove a post with its figures and screenshots."""
    post = _post(request, post_id, Perm.RECORD_RESULTS)
    services.delete_post(post=post, actor=actor_of(request))
    return Status(204, None)


@router.get(
    "/posts/{int:post_id}/snapshots",
    response={200: Page[SnapshotOut], **ERRORS},
    summary="List a post's figures",
)
def list_snapshots(request: HttpRequest, post_id: int, params: Query[PageParams]) -> dict[str, Any]:
    """A post's snapshots, latest first: the first is the one reports read."""
    post = _post(request, post_id, Perm.VIEW)
    page = keyset_page(queries.snapshots_of(post), cursor=params.cursor, limit=params.limit)
    return {"items": page.items, "next": page.next}


@router.post(
    "/posts/{int:post_id}/snapshots",
    response={200: SnapshotOut, 201: SnapshotOut, **ERRORS},
    summary="Record a post's figures",
)
def record_snapshot(
    request: HttpRequest,
    post_id: int,
    payload: Form[CollectionIn],
    evidence: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Status[MetricSnapshot]:
    """The standard collection form as multipart/form-data: `collected_on`, any of the
    metrics, `note`, and screenshots as `evidence` (repeat it for several; images or PDFs, up
    to 20 MB each). The same date again replaces the team's figures of that day (200);
    otherwise 201."""
    post = _post(request, post_id, Perm.RECORD_RESULTS)
    snapshot, created = services.record_collection(
        post=post,
        collected_on=payload.collected_on,
        values=payload.values(),
        note=payload.note,
        evidence=evidence or [],
        actor=actor_of(request),
    )
    return Status(201 if created else 200, queries.snapshots_of(post).get(pk=snapshot.pk))


@router.get(
    "/evidence/{int:evidence_id}/file",
    response={200: None, 410: ErrorOut, **ERRORS},
    summary="Download a screenshot",
)
def evidence_file(request: HttpRequest, evidence_id: int) -> HttpResponseBase | Status[Any]:
    """A snapshot's screenshot, as an attachment; 410 when the file is no longer stored."""
    require_perm(request, Perm.VIEW)
    evidence = queries.evidence_for(workspace_of(request), evidence_id)
    try:
        return services.evidence_download(evidence)
    except FileGone as exc:
        return Status(410, {"detail": str(exc)})


# ---------------------------------------------------------------------------------------------
# The creator's own endpoints (hub token)

hub_router = Router(tags=["hub (creator)"], auth=HubToken())
hub_router.add_decorator(through_the_door, mode="view")


class HubPostOut(Schema):
    """One of the creator's posts, as the hub page shows it."""

    position: int = Field(
        description="Its number, from 1: send its figures with "
        "POST /hub/me/posts/{position}/metrics."
    )
    platform: Platform
    url: str
    collect_on: dt.date | None = Field(description="The day its figures are due.")
    open: bool = Field(description="Whether its figures can be sent today (your date).")
    latest_collected_on: dt.date | None = Field(description="The date of its latest figures.")
    reach: int | None
    views: int | None
    engagements: int | None


def _hub_post(row: queries.PostRow) -> dict[str, Any]:
    latest = row.latest
    return {
        "position": row.position,
        "platform": row.post.platform,
        "url": row.post.url,
        "collect_on": row.post.collect_on,
        "open": services.collection_open(row.post, timezone.localdate()),
        "latest_collected_on": latest.collected_on if latest else None,
        "reach": latest.reach if latest else None,
        "views": latest.views if latest else None,
        "engagements": row.engagements,
    }


@hub_router.get(
    "/hub/me/posts", response={200: list[HubPostOut], **HUB_ERRORS}, summary="Your posts"
)
def hub_posts(request: HttpRequest) -> list[dict[str, Any]]:
    """Your posts for this collaboration, numbered as on your page, with their latest figures."""
    return [_hub_post(row) for row in queries.post_rows(request_hub(request).collaboration)]


@hub_router.post(
    "/hub/me/posts/{int:position}/metrics",
    response={201: HubPostOut, **HUB_ERRORS},
    summary="Send a post's figures",
)
def hub_send_metrics(
    request: HttpRequest,
    position: int,
    payload: Form[CollectionIn],
    evidence: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Status[dict[str, Any]]:
    """The standard collection form for post `position` (multipart/form-data: `collected_on`,
    the metrics you can read, `note`, and screenshots as `evidence`: images or PDFs, up to 20 MB
    each), from its collection date on. Your contact is told."""
    hub = request_hub(request)
    row = queries.post_at(hub.collaboration, position)
    services.record_from_creator(
        collaboration=hub.collaboration,
        position=position,
        post=row.post,
        collected_on=payload.collected_on,
        values=payload.values(),
        note=payload.note,
        evidence=evidence or [],
    )
    return Status(201, _hub_post(queries.post_at(hub.collaboration, position)))


router.add_router("", hub_router)
