"""``{% load performance_connections %}``: whether a post can be refreshed from its platform.

``{% refresh_connection post as refresh %}`` gives ``refresh.connection`` (the connection a
refresh would use, or ``None``) and ``refresh.can_refresh`` (there is one and the member may
record results), so that any page showing a post can offer the button.
"""

from __future__ import annotations

from typing import Any

from django import template

from rapport.performance.models import Post
from rapport.performance.queries.connections import usable_connection
from rapport.workspaces.roles import Perm

register = template.Library()


@register.simple_tag(takes_context=True)
def refresh_connection(context: template.Context, post: Post) -> dict[str, Any]:
    membership = context.get("membership")
    if membership is None or not membership.can(Perm.RECORD_RESULTS):
        return {"connection": None, "can_refresh": False}
    connection = usable_connection(post)
    return {"connection": connection, "can_refresh": connection is not None}
