"""Finance pages. Stub: the finance part fills it in."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import URLPattern

from rapport.campaigns.models import Collaboration


def collaboration_section(request: HttpRequest, collaboration: Collaboration) -> dict[str, Any]:
    """The context of finance/_collaboration_invoices.html on the collaboration page."""
    return {}


urls: list[URLPattern] = []
