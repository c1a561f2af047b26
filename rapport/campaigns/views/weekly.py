"""The weekly view ("This week"): the four lists of the weekly rhythm, live, each row with its one
action, and what is due today or overdue for the signed-in member; and sending a recap."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.campaigns.models import Campaign, Collaboration
from rapport.campaigns.queries import weekly as queries
from rapport.campaigns.services import reminders
from rapport.workspaces.decorators import workspace_view
from rapport.workspaces.models import User, Workspace
from rapport.workspaces.roles import Perm


def now() -> dt.datetime:
    """The current time (one place, so that tests can pin it)."""
    return timezone.now()


def campaign_filter(workspace: Workspace, raw: str | None) -> Campaign | None:
    """The campaign named by ``?campaign=<id>``, within the workspace; None for all of them."""
    if not raw or not raw.isdigit():
        return None
    return get_object_or_404(Campaign.objects.filter(workspace=workspace), pk=int(raw))


@workspace_view(Perm.VIEW)
def weekly(request: HttpRequest) -> HttpResponse:
    workspace: Workspace = request.workspace  # type: ignore[attr-defined]
    user: User = request.user  # type: ignore[assignment]
    campaign = campaign_filter(workspace, request.GET.get("campaign"))
    view = queries.weekly_view(
        workspace, user=user, now=now(), time_zone=user.time_zone, campaign=campaign
    )
    context = {
        "view": view,
        "campaign": campaign,
        "campaigns": Campaign.objects.filter(workspace=workspace).order_by("name"),
        "can_send_recaps": request.membership.can(Perm.MANAGE_CAMPAIGNS),  # type: ignore[attr-defined]
    }
    return render(request, "campaigns/weekly.html", context)


@workspace_view(Perm.MANAGE_CAMPAIGNS)
@require_POST
def send_recap(request: HttpRequest, pk: int) -> HttpResponse:
    """E-mail a creator this week's recap (from the weekly view's end-of-week list)."""
    workspace: Workspace = request.workspace  # type: ignore[attr-defined]
    collaboration = get_object_or_404(
        Collaboration.objects.filter(workspace=workspace).select_related("creator", "campaign"),
        pk=pk,
    )
    try:
        reminders.send_recap(
            workspace=workspace,
            actor=request.user,  # type: ignore[arg-type]
            collaboration=collaboration,
            now=now(),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Recap e-mailed to %(name)s.") % {"name": collaboration.creator.name},
        )
    url = reverse("campaigns:weekly", kwargs={"ws": workspace.slug})
    if request.POST.get("campaign", "").isdigit():
        url += f"?campaign={request.POST['campaign']}"
    return redirect(url + "#recaps")


urls: list[URLPattern] = [
    path("this-week/", weekly, name="weekly"),
    path("this-week/recaps/<int:pk>/", send_recap, name="send_recap"),
]
