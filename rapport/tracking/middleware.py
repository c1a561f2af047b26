"""The tracking redirect answered ahead of the rest of the middleware.

``/r/<slug>`` needs none of what the stack below it does for pages (sessions, the user, CSRF,
messages, the member's language and time zone, htmx): its view reads no session and sets no
cookie. Answering it right after ``SecurityMiddleware`` (which still applies its HTTPS redirect
and security headers) keeps the product's hottest path to its own work, one read and one insert.
The URL pattern stays in ``rapport/urls.py`` for ``reverse()`` and for the route walkers.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

from rapport.tracking.views.redirect import redirect

PREFIX = "/r/"


class TrackingRedirectMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        path = request.path_info
        if path.startswith(PREFIX) and "/" not in path[len(PREFIX) :] and len(path) > len(PREFIX):
            return redirect(request, path[len(PREFIX) :])
        return self.get_response(request)
