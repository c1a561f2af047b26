"""The page a refused form shows when its CSRF check fails. On the hub, that means the page was
open so long (or in a browser that dropped its cookie) that the form's protection expired: the
creator gets a plain explanation in their language instead of Django's technical page, and the
address (it holds the token) stays out of the log."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.csrf import csrf_failure

from rapport.hub.decorators import private
from rapport.hub.services.links import resolve


def failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Django's CSRF failure view, with a hub page for hub addresses."""
    match = request.resolver_match
    if match is None or match.namespace != "hub":
        return csrf_failure(request, reason=reason)
    token = match.kwargs.get("token", "")
    link = resolve(token)
    language = link.collaboration.creator.message_language if link else None
    with translation.override(language):
        page = reverse("hub:page", args=[token]) if link else ""
        response = render(request, "hub/csrf.html", {"page": page}, status=403)
    private(response)
    return response
