"""Pages: seeding."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import URLPattern

from rapport.campaigns.models import Collaboration

urls: list[URLPattern] = []


def collaboration_section(request: HttpRequest, collaboration: Collaboration) -> dict[str, Any]:
    """The context of the collaboration page's seeding section (campaigns/_seeding_section.html)."""
    return {}
