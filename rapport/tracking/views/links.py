"""Pages for tracking links: the campaign's tracking tab (prepare in one click, check before
launch, the table of creators with links, codes, clicks and orders), the collaboration page's
panel, and adding, changing, stopping and restarting one link.

Everyone in the workspace sees them; changes need ``MANAGE_TRACKING``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.campaigns.models import Campaign, Collaboration
from rapport.campaigns.queries.campaigns import campaign_for
from rapport.campaigns.queries.collaborations import collaboration_for
from rapport.campaigns.views.campaigns import campaign_page
from rapport.tracking.forms.links import LinkEditForm, LinkForm, PrepareForm
from rapport.tracking.models import TrackingLink
from rapport.tracking.queries.links import codes_of, link_for, links_of, tracking_rows
from rapport.tracking.services import links as services
from rapport.tracking.services.checks import Problem, check_campaign
from rapport.tracking.services.preparation import prepare_campaign
from rapport.workspaces.decorators import (
    request_membership,
    request_user,
    request_workspace,
    workspace_view,
)
from rapport.workspaces.roles import Perm


def collaboration_url(collaboration: Collaboration) -> str:
    """The collaboration page, at its tracking panel."""
    url = reverse(
        "campaigns:collaboration",
        kwargs={"ws": collaboration.workspace.slug, "pk": collaboration.pk},
    )
    return url + "#tracking"


def collaboration_section(request: HttpRequest, collaboration: Collaboration) -> dict[str, Any]:
    """The context of tracking/_collaboration_panel.html on the collaboration page."""
    links = list(links_of(collaboration))
    return {
        "tracking_links": [(link, services.short_url(link)) for link in links],
        "tracking_codes": list(codes_of(collaboration)),
        "tracking_can_manage": request_membership(request).can(Perm.MANAGE_TRACKING),
    }


def _campaign_tracking_page(
    request: HttpRequest,
    campaign: Campaign,
    *,
    form: PrepareForm | None = None,
    problems: list[Problem] | None = None,
    status: int = 200,
) -> HttpResponse:
    can_manage = request_membership(request).can(Perm.MANAGE_TRACKING)
    if form is None and can_manage:
        form = PrepareForm()
    rows = tracking_rows(campaign)
    return campaign_page(
        request,
        campaign,
        "tracking/campaign_tracking.html",
        {
            "rows": [
                (row, [(link, services.short_url(link)) for link in row.links]) for row in rows
            ],
            "prepare_form": form,
            "problems": problems,
            "tracking_can_manage": can_manage,
        },
        status=status,
    )


@workspace_view(Perm.VIEW)
def campaign_tracking(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The campaign's tracking: each tracked creator's links, code, clicks and orders."""
    return _campaign_tracking_page(request, campaign_for(request_workspace(request), pk))


@require_POST
@workspace_view(Perm.MANAGE_TRACKING)
def campaign_prepare(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Create every tracked creator's missing links and code in one go."""
    campaign = campaign_for(request_workspace(request), pk)
    form = PrepareForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            result = prepare_campaign(
                campaign=campaign,
                destination=data["destination"],
                pattern=data["pattern"],
                percent=data["percent"],
                actor=request_user(request),
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, result.summary)
            return redirect("tracking:campaign", ws=campaign.workspace.slug, pk=campaign.pk)
    return _campaign_tracking_page(request, campaign, form=form, status=422)


@require_POST
@workspace_view(Perm.MANAGE_TRACKING)
def campaign_check(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Check before launch, and show the problems found (each link and code keeps its result)."""
    campaign = campaign_for(request_workspace(request), pk)
    problems = check_campaign(campaign=campaign, actor=request_user(request))
    return _campaign_tracking_page(request, campaign, problems=problems)


def _form_page(
    request: HttpRequest,
    collaboration: Collaboration,
    form: LinkForm | LinkEditForm,
    link: TrackingLink | None = None,
) -> HttpResponse:
    return render(
        request,
        "tracking/links_form.html",
        {"collaboration": collaboration, "form": form, "link": link},
        status=422 if form.errors else 200,
    )


@workspace_view(Perm.MANAGE_TRACKING)
def link_add(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Add a link for one platform placement of a collaboration."""
    collaboration = collaboration_for(request_workspace(request), pk)
    form = LinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            link = services.create_link(
                collaboration=collaboration, actor=request_user(request), **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request, _("Link %(url)s created.") % {"url": services.short_url(link)}
            )
            return redirect(collaboration_url(collaboration))
    return _form_page(request, collaboration, form)


@workspace_view(Perm.MANAGE_TRACKING)
def link_edit(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Change a link's destination or placement."""
    link = link_for(request_workspace(request), pk)
    initial = {"destination": link.destination, "placement": link.placement}
    form = LinkEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_link(link=link, actor=request_user(request), **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Link %(url)s saved.") % {"url": services.short_url(link)})
            return redirect(collaboration_url(link.collaboration))
    return _form_page(request, link.collaboration, form, link)


@require_POST
@workspace_view(Perm.MANAGE_TRACKING)
def link_deactivate(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Stop a link: its short address answers "not found" from now on."""
    link = link_for(request_workspace(request), pk)
    services.deactivate_link(link=link, actor=request_user(request))
    messages.success(request, _("Link %(url)s stopped.") % {"url": services.short_url(link)})
    return redirect(collaboration_url(link.collaboration))


@require_POST
@workspace_view(Perm.MANAGE_TRACKING)
def link_activate(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Start a stopped link again, under the same short address."""
    link = link_for(request_workspace(request), pk)
    try:
        services.update_link(link=link, actor=request_user(request), is_active=True)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("Link %(url)s works again.") % {"url": services.short_url(link)}
        )
    return redirect(collaboration_url(link.collaboration))


urls: list[URLPattern] = [
    path("campaigns/<int:pk>/", campaign_tracking, name="campaign"),
    path("campaigns/<int:pk>/prepare/", campaign_prepare, name="prepare"),
    path("campaigns/<int:pk>/check/", campaign_check, name="check"),
    path("collaborations/<int:pk>/links/", link_add, name="link_add"),
    path("links/<int:pk>/", link_edit, name="link_edit"),
    path("links/<int:pk>/deactivate/", link_deactivate, name="link_deactivate"),
    path("links/<int:pk>/activate/", link_activate, name="link_activate"),
]
