"""The weekly view ("This week"): the four lists of the weekly rhythm, live, each row with its one
action, and what is due today or overdue for the signed-in member; and sending a recap.

Each list shows its first ``queries.CAP`` rows with its true count and a "show all" link to that
list alone, a page of ``PAGE_SIZE`` at a time. The lists hold the member's own rows by default
(``?scope=everyone`` for everyone's)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from rapport.campaigns.models import Campaign, Collaboration
from rapport.campaigns.queries import weekly as queries
from rapport.campaigns.services import reminders
from rapport.workspaces.decorators import workspace_view
from rapport.workspaces.models import Membership, User, Workspace
from rapport.workspaces.roles import Perm

# Rows per page when one list is shown whole.
PAGE_SIZE = 50
# Each list's title and the id of its element on the page.
TITLES: dict[str, tuple[Promise, str]] = {
    "posting": (gettext_lazy("Posting this week"), "posting"),
    "approvals": (gettext_lazy("Pending approvals"), "approvals"),
    "not_posted": (gettext_lazy("Not posted yet"), "not-posted"),
    "not_arrived": (gettext_lazy("Product not arrived"), "not-arrived"),
    "links_to_collect": (gettext_lazy("Live links to collect"), "links"),
    "tracking_to_verify": (gettext_lazy("Tracking to verify"), "tracking"),
    "performance_to_log": (gettext_lazy("Early performance to log"), "performance"),
    "recaps": (gettext_lazy("Recaps to active creators"), "recap-list"),
}
# The query parameters the page keeps when a recap is sent from it.
KEPT = ("campaign", "scope", "list", "page")


@dataclass(frozen=True)
class Panel:
    """One list as the page shows it: its name, title, element id and rows."""

    name: str
    title: Promise
    dom_id: str
    listing: queries.Listing[Any]


def now() -> dt.datetime:
    """The current time (one place, so that tests can pin it)."""
    return timezone.now()


def campaign_filter(workspace: Workspace, raw: str | None) -> Campaign | None:
    """The campaign named by ``?campaign=<id>``, within the workspace; None for all of them."""
    if not raw or not raw.isdigit():
        return None
    return get_object_or_404(Campaign.objects.filter(workspace=workspace), pk=int(raw))


def _page_number(raw: str | None) -> int:
    return int(raw) if raw and raw.isdigit() and int(raw) > 0 else 1


@workspace_view(Perm.VIEW)
def weekly(request: HttpRequest) -> HttpResponse:
    """Every list capped, with its count; or, with ``?list=<name>``, that one list a page at a
    time. ``?scope=everyone`` shows everyone's rows instead of the member's own."""
    workspace: Workspace = request.workspace  # type: ignore[attr-defined]
    membership: Membership = request.membership  # type: ignore[attr-defined]
    user: User = request.user  # type: ignore[assignment]
    campaign = campaign_filter(workspace, request.GET.get("campaign"))
    everyone = request.GET.get("scope") == "everyone"
    only = request.GET.get("list")
    if only not in queries.LISTS:
        only = None
    page = _page_number(request.GET.get("page")) if only else 1
    view = queries.weekly_view(
        workspace,
        user=user,
        now=now(),
        time_zone=user.time_zone,
        campaign=campaign,
        mine=None if everyone else queries.Mine(user=user, role=membership.role),
        only=only,
        limit=PAGE_SIZE if only else queries.CAP,
        offset=(page - 1) * PAGE_SIZE if only else 0,
    )
    panels = {
        name: Panel(name=name, title=title, dom_id=dom_id, listing=getattr(view, name))
        for name, (title, dom_id) in TITLES.items()
    }
    context = {
        "view": view,
        "panels": panels,
        "only": panels[only] if only else None,
        "page": page,
        "pages": panels[only].listing.pages(PAGE_SIZE) if only else 1,
        "everyone": everyone,
        "campaign": campaign,
        "campaigns": Campaign.objects.filter(workspace=workspace).order_by("name"),
        "can_send_recaps": membership.can(Perm.MANAGE_CAMPAIGNS),
        "kept": _kept(request.GET),
    }
    return render(request, "campaigns/weekly.html", context)


def _kept(params: QueryDict) -> str:
    """The page's own query parameters (campaign, scope, list, page), encoded again."""
    kept = QueryDict(mutable=True)
    for key in KEPT:
        value = params.get(key, "")
        if value and (value.isdigit() or value in ("everyone", "mine", *queries.LISTS)):
            kept[key] = value
    return kept.urlencode()


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
    kept = _kept(QueryDict(request.POST.get("back", "")))
    return redirect(url + (f"?{kept}" if kept else "") + "#recaps")


urls: list[URLPattern] = [
    path("this-week/", weekly, name="weekly"),
    path("this-week/recaps/<int:pk>/", send_recap, name="send_recap"),
]
