"""API: tracking links (a campaign's, a collaboration's, one), creating, changing and stopping
them, and the campaign's one-click preparation and check before launch. The same services and
roles as the pages: reading needs ``view``, changing needs ``manage_tracking``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from rapport.api.pagination import Page, PageParams, keyset_page
from rapport.api.permissions import actor_of, require_perm, workspace_of
from rapport.api.schemas import ErrorOut, FieldErrorsOut
from rapport.campaigns.queries.campaigns import campaign_for
from rapport.campaigns.queries.collaborations import collaboration_for
from rapport.creators.models import Platform
from rapport.tracking.models import CheckResult, DiscountCode, Placement, TrackingLink
from rapport.tracking.queries.links import campaign_links, link_for, links_of
from rapport.tracking.services import codes as code_services
from rapport.tracking.services import links as services
from rapport.tracking.services.checks import check_campaign
from rapport.tracking.services.preparation import prepare_campaign
from rapport.workspaces.roles import Perm

router = Router(tags=["Tracking"])

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorsOut}


class CollaborationAssetOut(Schema):
    """What links and codes share: whose they are, and the last check before launch."""

    id: int
    collaboration_id: int
    creator_id: int
    creator: str = Field(description="The creator's name.")
    campaign_id: int
    checked_at: dt.datetime | None = Field(description="The last check before launch.")
    check_result: CheckResult | None = Field(description="ok or problem; null before a check.")
    check_message: str = Field(description="What the check found wrong, in plain words.")
    created_at: dt.datetime

    @staticmethod
    def resolve_creator_id(row: TrackingLink | DiscountCode) -> int:
        return row.collaboration.creator_id

    @staticmethod
    def resolve_creator(row: TrackingLink | DiscountCode) -> str:
        return row.collaboration.creator.name

    @staticmethod
    def resolve_campaign_id(row: TrackingLink | DiscountCode) -> int:
        return row.collaboration.campaign_id

    @staticmethod
    def resolve_check_result(row: TrackingLink | DiscountCode) -> str | None:
        return row.check_result or None


class LinkOut(CollaborationAssetOut):
    """A creator's short link for one platform placement."""

    platform: Platform
    placement: Placement
    slug: str = Field(description="The short link's path part: /r/<slug>.")
    short_url: str = Field(description="The full short address to give the creator.")
    destination: str = Field(description="The page it leads to, without UTM parameters.")
    target_url: str = Field(description="Where /r/<slug> redirects: the destination with UTM.")
    utm_source: str
    utm_medium: str
    utm_campaign: str
    utm_content: str
    is_active: bool = Field(description="A stopped link answers 404 and records nothing.")

    @staticmethod
    def resolve_short_url(link: TrackingLink) -> str:
        return services.short_url(link)


class LinkIn(Schema):
    platform: Platform
    placement: Placement = Field(Placement.BIO, description="Where the creator puts the link.")
    destination: str = Field(
        max_length=2000,
        description="An http(s) address on one of the workspace's allowed domains (or their "
        "subdomains); UTM parameters in it are replaced by ours.",
    )


class LinkPatch(Schema):
    """The fields to change; the short address never changes."""

    destination: str | None = Field(None, max_length=2000)
    placement: Placement | None = None
    is_active: bool | None = Field(None, description="true starts a stopped link again.")


class PrepareIn(Schema):
    destination: str = Field(
        max_length=2000, description="Where the new links lead (an allowed domain)."
    )
    pattern: str = Field(
        code_services.DEFAULT_PATTERN,
        max_length=60,
        description="The code pattern: {HANDLE}, {NAME}, {PERCENT}, {CAMPAIGN} and letters.",
    )
    percent: str = Field(description="The codes' percentage off, above 0 and at most 100.")


class PrepareOut(Schema):
    links_created: int
    codes_created: int
    already_complete: int = Field(description="Collaborations that had all they needed.")
    summary: str = Field(description="The outcome in plain words.")
    links: list[LinkOut] = Field(description="The links created.")
    codes: list[str] = Field(description="The codes created.")


class ProblemOut(Schema):
    collaboration_id: int
    creator: str
    subject: str = Field(description="The short link or the code at fault; empty when missing.")
    message: str
    text: str = Field(description="The problem in one sentence, naming the creator.")


class CheckOut(Schema):
    ready: bool = Field(description="No problem found.")
    problems: list[ProblemOut]


def _link(request: HttpRequest, link_id: int) -> TrackingLink:
    return link_for(workspace_of(request), link_id)


@router.get(
    "/campaigns/{int:campaign_id}/tracking-links",
    response={200: Page[LinkOut], **ERRORS},
    summary="A campaign's tracking links",
)
def list_campaign_links(
    request: HttpRequest, campaign_id: int, params: Query[PageParams]
) -> dict[str, Any]:
    """Every link of the campaign's collaborations, by creator."""
    require_perm(request, Perm.VIEW)
    campaign = campaign_for(workspace_of(request), campaign_id)
    page = keyset_page(campaign_links(campaign), cursor=params.cursor, limit=params.limit)
    return {"items": page.items, "next": page.next}


@router.get(
    "/collaborations/{int:collaboration_id}/tracking-links",
    response={200: Page[LinkOut], **ERRORS},
    summary="A collaboration's tracking links",
)
def list_collaboration_links(
    request: HttpRequest, collaboration_id: int, params: Query[PageParams]
) -> dict[str, Any]:
    """The collaboration's links, active ones first."""
    require_perm(request, Perm.VIEW)
    collaboration = collaboration_for(workspace_of(request), collaboration_id)
    qs = links_of(collaboration).select_related("collaboration__creator")
    page = keyset_page(qs, cursor=params.cursor, limit=params.limit)
    return {"items": page.items, "next": page.next}


@router.post(
    "/collaborations/{int:collaboration_id}/tracking-links",
    response={201: LinkOut, **ERRORS},
    summary="Create a tracking link",
)
def create_link(
    request: HttpRequest, collaboration_id: int, payload: LinkIn
) -> Status[TrackingLink]:
    """A new short link for one platform placement (one per placement), with its UTM."""
    require_perm(request, Perm.MANAGE_TRACKING)
    collaboration = collaboration_for(workspace_of(request), collaboration_id)
    link = services.create_link(
        collaboration=collaboration,
        platform=payload.platform.value,
        placement=payload.placement.value,
        destination=payload.destination,
        actor=actor_of(request),
    )
    return Status(201, _link(request, link.pk))


@router.get(
    "/tracking-links/{int:link_id}", response={200: LinkOut, **ERRORS}, summary="Get a link"
)
def get_link(request: HttpRequest, link_id: int) -> TrackingLink:
    require_perm(request, Perm.VIEW)
    return _link(request, link_id)


@router.patch(
    "/tracking-links/{int:link_id}", response={200: LinkOut, **ERRORS}, summary="Change a link"
)
def update_link(request: HttpRequest, link_id: int, payload: LinkPatch) -> TrackingLink:
    """Change the destination or the placement, or start a stopped link again."""
    require_perm(request, Perm.MANAGE_TRACKING)
    services.update_link(
        link=_link(request, link_id),
        actor=actor_of(request),
        destination=payload.destination,
        placement=payload.placement.value if payload.placement else None,
        is_active=payload.is_active,
    )
    return _link(request, link_id)


@router.post(
    "/tracking-links/{int:link_id}/deactivate",
    response={200: LinkOut, **ERRORS},
    summary="Stop a link",
)
def deactivate_link(request: HttpRequest, link_id: int) -> TrackingLink:
    """The short address answers "not found" from now on; its clicks stay counted."""
    require_perm(request, Perm.MANAGE_TRACKING)
    services.deactivate_link(link=_link(request, link_id), actor=actor_of(request))
    return _link(request, link_id)


@router.post(
    "/campaigns/{int:campaign_id}/tracking/prepare",
    response={200: PrepareOut, **ERRORS},
    summary="Prepare every creator's link and code",
)
def prepare(request: HttpRequest, campaign_id: int, payload: PrepareIn) -> dict[str, Any]:
    """For each collaboration from the contract on (not declined or cancelled): a bio link on
    each platform of its deliverables (else the creator's main platform) that has none, and a
    percentage code when it has no active one. Idempotent; all or nothing."""
    require_perm(request, Perm.MANAGE_TRACKING)
    campaign = campaign_for(workspace_of(request), campaign_id)
    result = prepare_campaign(
        campaign=campaign,
        destination=payload.destination,
        pattern=payload.pattern,
        percent=payload.percent,
        actor=actor_of(request),
    )
    return {
        "links_created": len(result.links),
        "codes_created": len(result.codes),
        "already_complete": result.complete,
        "summary": result.summary,
        "links": result.links,
        "codes": [code.code for code in result.codes],
    }


@router.post(
    "/campaigns/{int:campaign_id}/tracking/check",
    response={200: CheckOut, **ERRORS},
    summary="Check before launch",
)
def check(request: HttpRequest, campaign_id: int) -> dict[str, Any]:
    """Fetch every active link's destination (a GET, redirects followed, 2xx = ready), check each
    code is active for the campaign's dates and not used up, and list every creator missing a
    link or a code. Each link's and code's outcome is stored (`check_result`)."""
    require_perm(request, Perm.MANAGE_TRACKING)
    campaign = campaign_for(workspace_of(request), campaign_id)
    problems = check_campaign(campaign=campaign, actor=actor_of(request))
    return {
        "ready": not problems,
        "problems": [
            {
                "collaboration_id": p.collaboration_id,
                "creator": p.creator,
                "subject": p.subject,
                "message": p.message,
                "text": str(p),
            }
            for p in problems
        ],
    }
