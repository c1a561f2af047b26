"""API: a campaign's brief (the draft, publishing, versions) and the workspace's brief templates.

Handlers are thin: they check the token's role, resolve ids within the token's workspace (another
workspace's campaign or template is a 404) and call the same services and queries as the pages.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from rapport.api.pagination import Page, PageParams, keyset_page
from rapport.api.permissions import actor_of, require_perm, workspace_of
from rapport.api.schemas import ErrorOut, FieldErrorsOut
from rapport.campaigns.models import ApprovalStage, BriefTemplate, BriefVersion, Objective
from rapport.campaigns.queries.briefs import (
    brief_of,
    content_changes,
    content_of,
    current_version,
    template_for,
    templates_for,
    version_for,
    versions_of,
)
from rapport.campaigns.queries.campaigns import campaign_for
from rapport.campaigns.services import briefs as services
from rapport.creators.api import unset
from rapport.workspaces.roles import Perm

router = Router(tags=["briefs"])

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorsOut}


# --- Schemas ---------------------------------------------------------------------------------


class BriefKpi(Schema):
    metric: str = Field(description="A KPI metric, such as reach, cpa or conversions.")
    target: str = Field(description="The figure aimed for, as a decimal string.")


class ContentOut(Schema):
    """The brief's fields (PRODUCT.md "Briefs")."""

    objective: Objective | str = Field(description="Empty when not set.")
    audience_insight: str
    brand_voice: str
    non_negotiables: list[str] = Field(description="3 to 5 to publish.")
    creative_freedoms: str
    talking_points: list[str]
    do_examples: list[str]
    dont_examples: list[str]
    disclosure: str = Field(description="The disclosure every post must carry.")
    deliverables_timeline: str
    approval_stages: list[ApprovalStage] = Field(description="Which stages need approval.")
    kpis: list[BriefKpi]
    tracking_instructions: str
    inspiration_links: list[str] = Field(description="http(s) addresses.")


class ContentIn(Schema):
    """Brief fields to set; those left out keep their value."""

    objective: Objective | None = unset(description="null to unset.")
    audience_insight: str = unset()
    brand_voice: str = unset()
    non_negotiables: list[str] = unset(description="3 to 5 to publish.")
    creative_freedoms: str = unset()
    talking_points: list[str] = unset()
    do_examples: list[str] = unset()
    dont_examples: list[str] = unset()
    disclosure: str = unset(max_length=300)
    deliverables_timeline: str = unset()
    approval_stages: list[ApprovalStage] = unset()
    kpis: list[BriefKpi] = unset()
    tracking_instructions: str = unset()
    inspiration_links: list[str] = unset(description="http(s) addresses.")

    def values(self) -> dict[str, Any]:
        data = self.model_dump(exclude_unset=True)
        if "objective" in data:
            data["objective"] = data["objective"] or ""
        return data


class BriefDraftIn(ContentIn):
    template_id: int | None = Field(
        None, description="When the brief does not exist yet: start it from this template."
    )


class ChangeOut(Schema):
    field: str
    label: str
    before: str = Field(description="Readable value (lists one item per line).")
    after: str


class VersionSummaryOut(Schema):
    id: int
    number: int
    summary: str = Field(description="What changed, in a sentence (optional).")
    published_at: dt.datetime
    published_by: str | None
    changes: list[ChangeOut] = Field(description="What changed since the previous version.")

    @staticmethod
    def resolve_published_by(version: BriefVersion) -> str | None:
        return str(version.published_by) if version.published_by else None


class VersionOut(VersionSummaryOut):
    content: ContentOut = Field(description="The brief as it was published.")

    @staticmethod
    def resolve_content(version: BriefVersion) -> dict[str, Any]:
        return content_of(version)


class BriefOut(Schema):
    """The campaign's brief: the draft being edited and the version creators see."""

    started: bool = Field(description="False until someone writes the brief.")
    draft: ContentOut
    updated_at: dt.datetime | None
    current_version: VersionSummaryOut | None = Field(description="What creators see.")
    unpublished_changes: list[ChangeOut] = Field(
        description="How the draft differs from the current version."
    )


class PublishIn(Schema):
    summary: str = Field("", max_length=300, description="What changed, in a sentence.")


class TemplateNameIn(Schema):
    name: str = Field(min_length=1, max_length=120)


class TemplateOut(ContentOut):
    id: int
    name: str
    created_at: dt.datetime


class TemplateIn(ContentIn):
    name: str = Field(min_length=1, max_length=120)


class TemplatePatch(ContentIn):
    name: str = unset(min_length=1, max_length=120)


# --- Helpers ---------------------------------------------------------------------------------


def _brief_out(campaign: Any) -> dict[str, Any]:
    brief = brief_of(campaign)
    current = current_version(campaign)
    draft = content_of(brief) if brief else content_of(None)
    return {
        "started": brief is not None,
        "draft": draft,
        "updated_at": brief.updated_at if brief else None,
        "current_version": current,
        "unpublished_changes": content_changes(content_of(current), draft)
        if current and brief
        else [],
    }


# --- The brief -------------------------------------------------------------------------------


@router.get(
    "/campaigns/{int:campaign_id}/brief",
    response={200: BriefOut, **ERRORS},
    summary="Get a campaign's brief",
)
def get_brief(request: HttpRequest, campaign_id: int) -> dict[str, Any]:
    require_perm(request, Perm.VIEW)
    return _brief_out(campaign_for(workspace_of(request), campaign_id))


@router.put(
    "/campaigns/{int:campaign_id}/brief",
    response={200: BriefOut, **ERRORS},
    summary="Save the brief's draft",
)
def save_brief(request: HttpRequest, campaign_id: int, payload: BriefDraftIn) -> dict[str, Any]:
    """Save the draft's fields given (the others keep their value). The first save creates the
    brief, from `template_id` when given. Creators see nothing until it is published."""
    require_perm(request, Perm.MANAGE_CAMPAIGNS)
    workspace = workspace_of(request)
    campaign = campaign_for(workspace, campaign_id)
    values = payload.values()
    template_id = values.pop("template_id", None)
    template = template_for(workspace, template_id) if template_id is not None else None
    services.save_brief(campaign=campaign, actor=actor_of(request), template=template, **values)
    return _brief_out(campaign)


@router.post(
    "/campaigns/{int:campaign_id}/brief/publish",
    response={201: VersionOut, **ERRORS},
    summary="Publish the brief",
)
def publish_brief(
    request: HttpRequest, campaign_id: int, payload: PublishIn
) -> Status[BriefVersion]:
    """Publish the draft as the next version, with the list of what changed. Refused (422) when
    nothing changed since the current version, or without 3 to 5 non-negotiables."""
    require_perm(request, Perm.MANAGE_CAMPAIGNS)
    campaign = campaign_for(workspace_of(request), campaign_id)
    version = services.publish_brief(
        campaign=campaign, actor=actor_of(request), summary=payload.summary
    )
    return Status(201, version)


@router.get(
    "/campaigns/{int:campaign_id}/brief/versions",
    response={200: Page[VersionSummaryOut], **ERRORS},
    summary="List the brief's versions",
)
def list_versions(
    request: HttpRequest, campaign_id: int, params: Query[PageParams]
) -> dict[str, Any]:
    """Published versions, newest first, each with its date and what changed."""
    require_perm(request, Perm.VIEW)
    campaign = campaign_for(workspace_of(request), campaign_id)
    versions = versions_of(campaign).order_by("-number")
    page = keyset_page(versions, cursor=params.cursor, limit=params.limit)
    return {"items": page.items, "next": page.next}


@router.get(
    "/campaigns/{int:campaign_id}/brief/versions/{int:version_id}",
    response={200: VersionOut, **ERRORS},
    summary="Get a version of the brief",
)
def get_version(request: HttpRequest, campaign_id: int, version_id: int) -> BriefVersion:
    require_perm(request, Perm.VIEW)
    return version_for(campaign_for(workspace_of(request), campaign_id), version_id)


@router.post(
    "/campaigns/{int:campaign_id}/brief/template",
    response={201: TemplateOut, **ERRORS},
    summary="Save the brief as a template",
)
def save_as_template(
    request: HttpRequest, campaign_id: int, payload: TemplateNameIn
) -> Status[BriefTemplate]:
    require_perm(request, Perm.MANAGE_CAMPAIGNS)
    campaign = campaign_for(workspace_of(request), campaign_id)
    template = services.template_from_brief(
        campaign=campaign, actor=actor_of(request), name=payload.name
    )
    return Status(201, template)


# --- Templates -------------------------------------------------------------------------------


@router.get(
    "/brief-templates", response={200: Page[TemplateOut], **ERRORS}, summary="List brief templates"
)
def list_templates(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    require_perm(request, Perm.VIEW)
    page = keyset_page(
        templates_for(workspace_of(request)), cursor=params.cursor, limit=params.limit
    )
    return {"items": page.items, "next": page.next}


@router.post(
    "/brief-templates", response={201: TemplateOut, **ERRORS}, summary="Create a brief template"
)
def create_template(request: HttpRequest, payload: TemplateIn) -> Status[BriefTemplate]:
    require_perm(request, Perm.MANAGE_CAMPAIGNS)
    values = payload.values()
    template = services.create_template(
        workspace=workspace_of(request), actor=actor_of(request), **values
    )
    return Status(201, template)


@router.get(
    "/brief-templates/{int:template_id}",
    response={200: TemplateOut, **ERRORS},
    summary="Get a brief template",
)
def get_template(request: HttpRequest, template_id: int) -> BriefTemplate:
    require_perm(request, Perm.VIEW)
    return template_for(workspace_of(request), template_id)


@router.patch(
    "/brief-templates/{int:template_id}",
    response={200: TemplateOut, **ERRORS},
    summary="Change a brief template",
)
def update_template(
    request: HttpRequest, template_id: int, payload: TemplatePatch
) -> BriefTemplate:
    """Change the fields given; briefs already started from the template stay as they are."""
    require_perm(request, Perm.MANAGE_CAMPAIGNS)
    template = template_for(workspace_of(request), template_id)
    return services.update_template(template=template, actor=actor_of(request), **payload.values())


@router.delete(
    "/brief-templates/{int:template_id}",
    response={204: None, **ERRORS},
    summary="Delete a brief template",
)
def delete_template(request: HttpRequest, template_id: int) -> Status[None]:
    require_perm(request, Perm.MANAGE_CAMPAIGNS)
    template = template_for(workspace_of(request), template_id)
    services.delete_template(template=template, actor=actor_of(request))
    return Status(204, None)
