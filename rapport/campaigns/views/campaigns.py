"""Pages: the campaign list, planning a campaign, its overview, experiments and timeline."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.campaigns.forms.campaigns import CampaignForm, ExperimentForm, StatusForm
from rapport.campaigns.models import BRIEF_FIELDS, Campaign, CampaignStatus, CollabStage
from rapport.campaigns.queries.briefs import brief_label
from rapport.campaigns.queries.campaigns import (
    budget_of,
    campaign_for,
    campaign_timeline,
    experiment_for,
    experiments_of,
    filtered_campaigns,
    readable_change,
    stage_counts,
)
from rapport.campaigns.services.campaigns import (
    STATUS_TRANSITIONS,
    add_experiment,
    change_status,
    create_campaign,
    delete_experiment,
    update_campaign,
    update_experiment,
)
from rapport.creators.queries import possible_owners
from rapport.paging import page_number
from rapport.workspaces.decorators import (
    request_membership,
    request_user,
    request_workspace,
    workspace_view,
)
from rapport.workspaces.forms import apply_service_errors
from rapport.workspaces.models import AuditEvent
from rapport.workspaces.roles import Perm

PAGE_SIZE = 50
TIMELINE_PAGE_SIZE = 30


def campaign_page(
    request: HttpRequest, campaign: Campaign, template: str, context: dict[str, Any], **kw: Any
) -> HttpResponse:
    """Render one of the campaign's tabs (a template extending campaigns/campaign_base.html)."""
    base = {
        "campaign": campaign,
        "can_manage": request_membership(request).can(Perm.MANAGE_CAMPAIGNS),
    }
    return render(request, template, base | context, **kw)


# ---------------------------------------------------------------------------------------------
# The list and planning


@workspace_view(Perm.VIEW)
def campaign_list(request: HttpRequest) -> HttpResponse:
    """Campaigns, newest first, narrowed by status and owner."""
    workspace = request_workspace(request)
    statuses = [s for s in request.GET.getlist("status") if s]
    owner = request.GET.get("owner", "")
    errors: dict[str, list[str]] = {}
    try:
        campaigns = filtered_campaigns(workspace, status=statuses, owner=owner)
    except ValidationError as exc:
        errors, campaigns = exc.message_dict, Campaign.objects.none()
    number = page_number(request.GET.get("page"))
    page = Paginator(campaigns, PAGE_SIZE).get_page(number)
    query = "&".join([*(f"status={s}" for s in statuses), *([f"owner={owner}"] if owner else [])])
    return render(
        request,
        "campaigns/campaign_list.html",
        {
            "page": page,
            "query": query,
            "errors": errors,
            "statuses": CampaignStatus.choices,
            "selected_statuses": statuses,
            "owners": possible_owners(workspace),
            "selected_owner": owner,
            "can_manage": request_membership(request).can(Perm.MANAGE_CAMPAIGNS),
        },
    )


@workspace_view(Perm.MANAGE_CAMPAIGNS)
def campaign_create(request: HttpRequest) -> HttpResponse:
    workspace = request_workspace(request)
    form = CampaignForm(request.POST or None, workspace=workspace)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = create_campaign(
                workspace=workspace, actor=request_user(request), **form.values()
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("%(name)s planned.") % {"name": campaign.name})
            return redirect("campaigns:detail", ws=workspace.slug, pk=campaign.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "campaigns/campaign_form.html", {"form": form}, status=status)


@workspace_view(Perm.VIEW, write_perm=Perm.MANAGE_CAMPAIGNS)
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    workspace = request_workspace(request)
    campaign = campaign_for(workspace, pk)
    if not request_membership(request).can(Perm.MANAGE_CAMPAIGNS):
        return redirect("campaigns:detail", ws=workspace.slug, pk=campaign.pk)
    form = CampaignForm(request.POST or None, workspace=workspace, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            update_campaign(campaign=campaign, actor=request_user(request), **form.values())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Campaign saved."))
            return redirect("campaigns:detail", ws=workspace.slug, pk=campaign.pk)
    status = 400 if request.method == "POST" else 200
    return campaign_page(
        request, campaign, "campaigns/campaign_form.html", {"form": form}, status=status
    )


def _overview(
    request: HttpRequest, campaign: Campaign, status_form: StatusForm | None = None
) -> HttpResponse:
    counts = stage_counts(campaign)
    return campaign_page(
        request,
        campaign,
        "campaigns/campaign_detail.html",
        {
            "budget": budget_of(campaign),
            "stages": [row for row in counts if row[2]],
            "collaboration_total": sum(row[2] for row in counts),
            "kpis": list(campaign.kpis.all()),
            "delegates": list(campaign.delegates.all()),
            "status_form": status_form or StatusForm(campaign=campaign),
            "transitions": [
                (CampaignStatus(s).label, [CampaignStatus(t).label for t in targets])
                for s, targets in STATUS_TRANSITIONS.items()
            ],
        },
        status=400 if status_form is not None else 200,
    )


@workspace_view(Perm.VIEW)
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The overview: budget against committed cost, collaborations per stage, KPIs, status."""
    return _overview(request, campaign_for(request_workspace(request), pk))


@require_POST
@workspace_view(Perm.MANAGE_CAMPAIGNS)
def campaign_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Move the campaign to another status, with the reason."""
    workspace = request_workspace(request)
    campaign = campaign_for(workspace, pk)
    form = StatusForm(request.POST, campaign=campaign)
    if form.is_valid():
        try:
            campaign = change_status(
                campaign=campaign,
                actor=request_user(request),
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request, _("The campaign is now %(s)s.") % {"s": campaign.get_status_display()}
            )
            return redirect("campaigns:detail", ws=workspace.slug, pk=campaign.pk)
    return _overview(request, campaign, status_form=form)


# ---------------------------------------------------------------------------------------------
# Experiments


@workspace_view(Perm.VIEW, write_perm=Perm.MANAGE_CAMPAIGNS)
def experiments(request: HttpRequest, pk: int) -> HttpResponse:
    """The experiment log, with the form to add one."""
    workspace = request_workspace(request)
    campaign = campaign_for(workspace, pk)
    form = ExperimentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            add_experiment(campaign=campaign, actor=request_user(request), **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Experiment logged."))
            return redirect("campaigns:experiments", ws=workspace.slug, pk=campaign.pk)
    return campaign_page(
        request,
        campaign,
        "campaigns/experiment_list.html",
        {"experiments": experiments_of(campaign), "form": form},
        status=400 if request.method == "POST" else 200,
    )


@workspace_view(Perm.VIEW, write_perm=Perm.MANAGE_CAMPAIGNS)
def experiment_edit(request: HttpRequest, pk: int, experiment_id: int) -> HttpResponse:
    workspace = request_workspace(request)
    campaign = campaign_for(workspace, pk)
    experiment = experiment_for(campaign, experiment_id)
    initial = {name: getattr(experiment, name) for name in ExperimentForm.base_fields}
    form = ExperimentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            update_experiment(
                experiment=experiment, actor=request_user(request), **form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Experiment saved."))
            return redirect("campaigns:experiments", ws=workspace.slug, pk=campaign.pk)
    return campaign_page(
        request,
        campaign,
        "campaigns/experiment_form.html",
        {"experiment": experiment, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@workspace_view(Perm.MANAGE_CAMPAIGNS)
def experiment_delete(request: HttpRequest, pk: int, experiment_id: int) -> HttpResponse:
    workspace = request_workspace(request)
    campaign = campaign_for(workspace, pk)
    delete_experiment(
        experiment=experiment_for(campaign, experiment_id), actor=request_user(request)
    )
    messages.success(request, _("Experiment removed."))
    return redirect("campaigns:experiments", ws=workspace.slug, pk=campaign.pk)


# ---------------------------------------------------------------------------------------------
# The timeline


@dataclass
class TimelineEntry:
    """An audit event with its changes ready to read: (label, before, after)."""

    event: AuditEvent
    rows: list[tuple[str, str, str]]


def _label(name: str) -> str:
    if name in BRIEF_FIELDS:
        return brief_label(name)
    if name == "stage":
        return _("Stage")
    try:
        return str(getattr(Campaign._meta.get_field(name), "verbose_name", name)).capitalize()
    except FieldDoesNotExist:
        return name.replace("_", " ").capitalize()


def _value(name: str, value: Any) -> str:
    if name == "status" and value in CampaignStatus.values:
        return str(CampaignStatus(value).label)
    if name == "stage" and value in CollabStage.values:
        return str(CollabStage(value).label)
    return readable_change(value)


def timeline_entry(event: AuditEvent) -> TimelineEntry:
    return TimelineEntry(
        event=event,
        rows=[
            (_label(name), _value(name, pair[0]), _value(name, pair[1]))
            for name, pair in (event.changes or {}).items()
            if isinstance(pair, list) and len(pair) == 2
        ],
    )


@workspace_view(Perm.VIEW)
def timeline(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything recorded about the campaign, newest first, a page at a time."""
    campaign = campaign_for(request_workspace(request), pk)
    number = page_number(request.GET.get("page"))
    page = Paginator(campaign_timeline(campaign), TIMELINE_PAGE_SIZE).get_page(number)
    return campaign_page(
        request,
        campaign,
        "campaigns/campaign_timeline.html",
        {"page": page, "entries": [timeline_entry(event) for event in page]},
    )


urls: list[URLPattern] = [
    path("", campaign_list, name="list"),
    path("new/", campaign_create, name="create"),
    path("<int:pk>/", campaign_detail, name="detail"),
    path("<int:pk>/edit/", campaign_edit, name="edit"),
    path("<int:pk>/status/", campaign_status, name="status"),
    path("<int:pk>/experiments/", experiments, name="experiments"),
    path("<int:pk>/experiments/<int:experiment_id>/", experiment_edit, name="experiment_edit"),
    path(
        "<int:pk>/experiments/<int:experiment_id>/delete/",
        experiment_delete,
        name="experiment_delete",
    ),
    path("<int:pk>/timeline/", timeline, name="timeline"),
]
