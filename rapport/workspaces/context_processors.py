from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def workspace(request: HttpRequest) -> dict[str, Any]:
    """The current workspace and membership, and the member's other workspaces for the switcher."""
    membership = getattr(request, "membership", None)
    user = getattr(request, "user", None)
    context: dict[str, Any] = {"membership": membership}
    if membership is not None:
        context["workspace"] = membership.workspace
    if user is not None and user.is_authenticated:
        context["my_memberships"] = user.memberships.select_related("workspace").order_by(
            "workspace__name"
        )
        context["unread_notifications"] = user.notifications.filter(read_at__isnull=True).count()
    return context
