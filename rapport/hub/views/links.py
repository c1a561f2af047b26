"""Team side of the hub: the link panel on the collaboration page and its actions (copy, e-mail,
revoke, rotate). Stub: the access part fills it in."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import URLPattern

from rapport.campaigns.models import Collaboration


def collaboration_section(request: HttpRequest, collaboration: Collaboration) -> dict[str, Any]:
    """The context of hub/_collaboration_panel.html on the collaboration page."""
    return {}


urls: list[URLPattern] = []
