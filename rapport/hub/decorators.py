"""``hub_view``: the one door into the creator hub."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone, translation

from rapport.hub import throttle
from rapport.hub.context import Hub
from rapport.hub.services.links import LinkState, note_opened, resolve, state_of
from rapport.workspaces.services import acting_as

View = Callable[..., HttpResponseBase]


def _private(response: HttpResponseBase) -> HttpResponseBase:
    """Keep a hub page out of caches, search engines and other sites' Referer headers (the
    token is in its address)."""
    response["Cache-Control"] = "private, no-store"
    # "same-origin", not "no-referrer": under "no-referrer" browsers send "Origin: null" with
    # the hub's own forms, and Django's CSRF check refuses them.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    # Django logs every 4xx with its path, which holds the token: keep hub answers out of it.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


def _signed_in(request: HttpRequest) -> bool:
    """Whether a Rapport member opened the page (e.g. "Open as the creator"): a creator has no
    account, so such a visit is not the creator's and does not count as "last opened"."""
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


def hub_view(view: View) -> View:
    """Resolve the URL's ``token`` to its collaboration, or answer with a friendly page (unknown,
    revoked, expired, or too many bad tries; only unknown tokens count towards the slow-down).
    Opening an active link is remembered as its "last opened" time. The view receives
    ``request.hub`` and runs in the creator's language and time zone, with audit entries
    labelled with the creator's name."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, token: str, *args: Any, **kwargs: Any) -> HttpResponseBase:
        wait = throttle.retry_after(request)
        if wait:
            response: HttpResponseBase = render(
                request, "hub/refused.html", {"wait": wait}, status=429
            )
            response["Retry-After"] = str(wait)
            return _private(response)
        link = resolve(token)
        if link is None:
            throttle.record_failure(request)
            return _private(render(request, "hub/unknown.html", status=404))
        creator = link.collaboration.creator
        with translation.override(creator.message_language):
            state = state_of(link)
            if state != LinkState.ACTIVE:
                return _private(
                    render(request, f"hub/{state}.html", {"workspace": link.workspace}, status=410)
                )
            if not _signed_in(request):
                note_opened(link)
            hub = Hub(link=link, token=token)
            request.hub = hub  # type: ignore[attr-defined]
            request.LANGUAGE_CODE = creator.message_language
            with timezone.override(hub.time_zone), acting_as(creator.name):
                response = view(request, *args, **kwargs)
        return _private(response)

    return wrapped
