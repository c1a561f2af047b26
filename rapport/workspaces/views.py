"""Workspace pages: home (pick a workspace), members, invitations, settings, personal settings."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Open the last workspace used, the only one, or a chooser."""
    memberships = list(request.user.memberships.select_related("workspace"))  # type: ignore[union-attr]
    last = request.session.get("workspace")
    for membership in memberships:
        if membership.workspace.slug == last:
            return redirect("creators:list", ws=last)
    if len(memberships) == 1:
        return redirect("creators:list", ws=memberships[0].workspace.slug)
    return render(request, "workspaces/choose.html", {"memberships": memberships})
