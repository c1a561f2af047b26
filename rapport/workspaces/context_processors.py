from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from rapport.workspaces.roles import Perm


def workspace(request: HttpRequest) -> dict[str, Any]:
    """The current workspace and membership, and the member's other workspaces for the switcher."""
    membership = getattr(request, "membership", None)
    user = getattr(request, "user", None)
    context: dict[str, Any] = {"membership": membership}
    if membership is not None:
        context["workspace"] = membership.workspace
        context["can_manage_workspace"] = membership.can(Perm.MANAGE_WORKSPACE)
    if user is not None and user.is_authenticated:
        context["my_memberships"] = user.memberships.select_related("workspace").order_by(
            "workspace__name"
        )
        unread = user.notifications.filter(read_at__isnull=True)
        if membership is not None:
            unread = unread.filter(workspace=membership.workspace)
        context["unread_notifications"] = unread.count()
    return context
