"""Team side of the hub: the link panel on the collaboration page and its actions (create,
e-mail, rotate, revoke). Writes need MANAGE_CAMPAIGNS; members without it see the link's status
but never its address. Another workspace's collaboration is a 404."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.campaigns.models import Collaboration
from rapport.campaigns.queries.collaborations import collaboration_for
from rapport.hub.services import links as services
from rapport.workspaces.decorators import (
    request_membership,
    request_user,
    request_workspace,
    workspace_view,
)
from rapport.workspaces.roles import Perm

ANCHOR = "hub-link"


def collaboration_section(request: HttpRequest, collaboration: Collaboration) -> dict[str, Any]:
    """The context of hub/_collaboration_panel.html on the collaboration page: the newest link
    (the active one when there is one), its state, and its address for those who may manage it."""
    can_manage = request_membership(request).can(Perm.MANAGE_CAMPAIGNS)
    link = services.latest_link(collaboration)
    state = services.state_of(link) if link is not None else None
    return {
        "hub_link": link,
        "hub_link_state": state,
        "hub_link_url": (
            services.url_of(link)
            if link and can_manage and state == services.LinkState.ACTIVE
            else ""
        ),
        "hub_link_expires_at": services.expires_at(collaboration),
        "hub_can_manage": can_manage,
    }


def _back(collaboration: Collaboration) -> HttpResponse:
    url = reverse(
        "campaigns:collaboration",
        kwargs={"ws": collaboration.workspace.slug, "pk": collaboration.pk},
    )
    return redirect(f"{url}#{ANCHOR}")


def _action(
    do: Callable[[HttpRequest, Collaboration], str],
) -> Callable[..., HttpResponseBase]:
    """A panel action: find the collaboration in the member's workspace, run ``do`` (which calls
    a service and returns the success message), and go back to the panel with the outcome."""

    @require_POST
    @workspace_view(Perm.VIEW, write_perm=Perm.MANAGE_CAMPAIGNS)
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        collaboration = collaboration_for(request_workspace(request), pk)
        try:
            done = do(request, collaboration)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, done)
        return _back(collaboration)

    view.__doc__ = do.__doc__
    view.__name__ = do.__name__
    return view


@_action
def create(request: HttpRequest, collaboration: Collaboration) -> str:
    """Issue the collaboration's hub link (or keep the one it has)."""
    services.issue_link(collaboration=collaboration, actor=request_user(request))
    return _("Hub link ready: copy it or e-mail it to the creator.")


@_action
def rotate(request: HttpRequest, collaboration: Collaboration) -> str:
    """Replace the link: the old address stops working at once."""
    services.rotate_link(collaboration=collaboration, actor=request_user(request))
    return _("New hub link issued; the old one no longer opens. Send the creator the new one.")


@_action
def revoke(request: HttpRequest, collaboration: Collaboration) -> str:
    """Switch the link off."""
    services.revoke_link(
        collaboration=collaboration,
        actor=request_user(request),
        reason=request.POST.get("reason", ""),
    )
    return _("Hub link revoked: it no longer opens.")


@_action
def email(request: HttpRequest, collaboration: Collaboration) -> str:
    """E-mail the link to the creator."""
    services.email_link(collaboration=collaboration, actor=request_user(request))
    return _("Hub link e-mailed to %(email)s.") % {"email": collaboration.creator.primary_email}


urls: list[URLPattern] = [
    path("collaborations/<int:pk>/hub-link/create/", create, name="link_create"),
    path("collaborations/<int:pk>/hub-link/rotate/", rotate, name="link_rotate"),
    path("collaborations/<int:pk>/hub-link/revoke/", revoke, name="link_revoke"),
    path("collaborations/<int:pk>/hub-link/email/", email, name="link_email"),
]
