"""Pages: a campaign's brief (draft, publishing, versions) and the workspace's brief templates."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.campaigns.forms.briefs import (
    BriefContentForm,
    PublishForm,
    SaveAsTemplateForm,
    StartBriefForm,
    TemplateForm,
)
from rapport.campaigns.models import BRIEF_FIELDS, Campaign
from rapport.campaigns.queries.briefs import (
    LIST_FIELDS,
    brief_label,
    brief_of,
    content_changes,
    content_of,
    current_version,
    readable,
    template_for,
    templates_for,
    version_for,
    versions_of,
)
from rapport.campaigns.queries.campaigns import campaign_for
from rapport.campaigns.services.briefs import (
    create_template,
    delete_template,
    publish_brief,
    save_brief,
    start_brief,
    starting_content,
    template_from_brief,
    update_template,
)
from rapport.campaigns.views.campaigns import campaign_page
from rapport.workspaces.decorators import (
    request_membership,
    request_user,
    request_workspace,
    workspace_view,
)
from rapport.workspaces.forms import apply_service_errors
from rapport.workspaces.roles import Perm


def shown_fields(content: dict[str, Any]) -> list[dict[str, Any]]:
    """A brief's fields as a page shows them: label, text, list items or links."""
    rows = []
    for name in BRIEF_FIELDS:
        value = content.get(name)
        rows.append(
            {
                "name": name,
                "label": brief_label(name),
                "items": list(value or []) if name in LIST_FIELDS else None,
                "text": readable(name, value),
                "empty": not value,
            }
        )
    return rows


# ---------------------------------------------------------------------------------------------
# The campaign's brief


def _brief_page(
    request: HttpRequest,
    campaign: Campaign,
    *,
    publish_form: PublishForm | None = None,
    template_form: SaveAsTemplateForm | None = None,
) -> HttpResponse:
    brief = brief_of(campaign)
    current = current_version(campaign)
    context: dict[str, Any] = {"brief": brief, "current": current}
    if brief is None:
        context["start_form"] = StartBriefForm(templates=templates_for(campaign.workspace))
    else:
        draft = content_of(brief)
        context |= {
            "fields": shown_fields(draft),
            "pending": content_changes(content_of(current), draft) if current else [],
            "publish_form": publish_form or PublishForm(),
            "template_form": template_form or SaveAsTemplateForm(),
            "non_negotiable_count": len(draft["non_negotiables"]),
        }
    failed = publish_form is not None or template_form is not None
    return campaign_page(
        request, campaign, "campaigns/brief.html", context, status=400 if failed else 200
    )


@workspace_view(Perm.VIEW)
def brief(request: HttpRequest, pk: int) -> HttpResponse:
    """The brief as drafted, the published version creators see, and the way to publish."""
    return _brief_page(request, campaign_for(request_workspace(request), pk))


@require_POST
@workspace_view(Perm.MANAGE_CAMPAIGNS)
def brief_start(request: HttpRequest, pk: int) -> HttpResponse:
    """Start the brief, blank or from a template, then edit it."""
    workspace = request_workspace(request)
    campaign = campaign_for(workspace, pk)
    form = StartBriefForm(request.POST, templates=templates_for(workspace))
    template = form.cleaned_data["template"] if form.is_valid() else None
    start_brief(campaign=campaign, actor=request_user(request), template=template)
    return redirect("campaigns:brief_edit", ws=workspace.slug, pk=campaign.pk)


@workspace_view(Perm.VIEW, write_perm=Perm.MANAGE_CAMPAIGNS)
def brief_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit the draft; creators see nothing of it until it is published."""
    workspace = request_workspace(request)
    campaign = campaign_for(workspace, pk)
    if not request_membership(request).can(Perm.MANAGE_CAMPAIGNS):
        return redirect("campaigns:brief", ws=workspace.slug, pk=campaign.pk)
    existing = brief_of(campaign)
    content = content_of(existing) if existing else starting_content(campaign, None)
    form = BriefContentForm(request.POST or None, content=content)
    if request.method == "POST" and form.is_valid():
        try:
            save_brief(campaign=campaign, actor=request_user(request), **form.content())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Draft saved. Publish it when it is ready for creators."))
            return redirect("campaigns:brief", ws=workspace.slug, pk=campaign.pk)
    status = 400 if request.method == "POST" else 200
    return campaign_page(
        request, campaign, "campaigns/brief_form.html", {"form": form}, status=status
    )


@require_POST
@workspace_view(Perm.MANAGE_CAMPAIGNS)
def brief_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish the draft as the next version."""
    workspace = request_workspace(request)
    campaign = campaign_for(workspace, pk)
    form = PublishForm(request.POST)
    if form.is_valid():
        try:
            version = publish_brief(
                campaign=campaign, actor=request_user(request), summary=form.cleaned_data["summary"]
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Version %(n)s published: creators now see it.") % {"n": version.number},
            )
            return redirect("campaigns:brief", ws=workspace.slug, pk=campaign.pk)
    return _brief_page(request, campaign, publish_form=form)


@require_POST
@workspace_view(Perm.MANAGE_CAMPAIGNS)
def brief_save_template(request: HttpRequest, pk: int) -> HttpResponse:
    """Save this brief as a workspace template."""
    workspace = request_workspace(request)
    campaign = campaign_for(workspace, pk)
    form = SaveAsTemplateForm(request.POST)
    if form.is_valid():
        try:
            template = template_from_brief(
                campaign=campaign, actor=request_user(request), name=form.cleaned_data["name"]
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request, _("Saved as the template %(name)s.") % {"name": template.name}
            )
            return redirect("campaigns:brief", ws=workspace.slug, pk=campaign.pk)
    return _brief_page(request, campaign, template_form=form)


@workspace_view(Perm.VIEW)
def brief_versions(request: HttpRequest, pk: int) -> HttpResponse:
    """Every published version, newest first, each with its date and what changed."""
    campaign = campaign_for(request_workspace(request), pk)
    return campaign_page(
        request, campaign, "campaigns/brief_versions.html", {"versions": versions_of(campaign)}
    )


@workspace_view(Perm.VIEW)
def brief_version(request: HttpRequest, pk: int, version_id: int) -> HttpResponse:
    """One published version, as creators saw it."""
    campaign = campaign_for(request_workspace(request), pk)
    version = version_for(campaign, version_id)
    return campaign_page(
        request,
        campaign,
        "campaigns/brief_version.html",
        {
            "version": version,
            "fields": shown_fields(content_of(version)),
            "is_current": version == current_version(campaign),
        },
    )


# ---------------------------------------------------------------------------------------------
# Templates


@workspace_view(Perm.VIEW)
def brief_templates(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "campaigns/brief_templates.html",
        {
            "templates": templates_for(request_workspace(request)),
            "can_manage": request_membership(request).can(Perm.MANAGE_CAMPAIGNS),
        },
    )


@workspace_view(Perm.MANAGE_CAMPAIGNS)
def brief_template_create(request: HttpRequest) -> HttpResponse:
    workspace = request_workspace(request)
    form = TemplateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            template = create_template(
                workspace=workspace,
                actor=request_user(request),
                name=form.cleaned_data["name"],
                **form.content(),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Template %(name)s saved.") % {"name": template.name})
            return redirect("campaigns:brief_templates", ws=workspace.slug)
    status = 400 if request.method == "POST" else 200
    return render(request, "campaigns/brief_template_form.html", {"form": form}, status=status)


@workspace_view(Perm.VIEW, write_perm=Perm.MANAGE_CAMPAIGNS)
def brief_template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    workspace = request_workspace(request)
    template = template_for(workspace, pk)
    can_manage = request_membership(request).can(Perm.MANAGE_CAMPAIGNS)
    initial = {**TemplateForm.initial_for(content_of(template)), "name": template.name}
    form = TemplateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            update_template(
                template=template,
                actor=request_user(request),
                name=form.cleaned_data["name"],
                **form.content(),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Template %(name)s saved.") % {"name": template.name})
            return redirect("campaigns:brief_templates", ws=workspace.slug)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "campaigns/brief_template_form.html",
        {"form": form, "template": template, "can_manage": can_manage},
        status=status,
    )


@require_POST
@workspace_view(Perm.MANAGE_CAMPAIGNS)
def brief_template_delete(request: HttpRequest, pk: int) -> HttpResponse:
    workspace = request_workspace(request)
    template = template_for(workspace, pk)
    delete_template(template=template, actor=request_user(request))
    messages.success(request, _("Template %(name)s deleted.") % {"name": template.name})
    return redirect("campaigns:brief_templates", ws=workspace.slug)


urls: list[URLPattern] = [
    path("<int:pk>/brief/", brief, name="brief"),
    path("<int:pk>/brief/start/", brief_start, name="brief_start"),
    path("<int:pk>/brief/edit/", brief_edit, name="brief_edit"),
    path("<int:pk>/brief/publish/", brief_publish, name="brief_publish"),
    path("<int:pk>/brief/save-as-template/", brief_save_template, name="brief_save_template"),
    path("<int:pk>/brief/versions/", brief_versions, name="brief_versions"),
    path("<int:pk>/brief/versions/<int:version_id>/", brief_version, name="brief_version"),
    path("brief-templates/", brief_templates, name="brief_templates"),
    path("brief-templates/new/", brief_template_create, name="brief_template_create"),
    path("brief-templates/<int:pk>/", brief_template_edit, name="brief_template_edit"),
    path("brief-templates/<int:pk>/delete/", brief_template_delete, name="brief_template_delete"),
]
