"""``hub_view`` and ``hub_action``: how every hub page and form goes through the door
(:mod:`rapport.hub.door`)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from rapport.hub.context import Hub
from rapport.hub.door import Closed, Refused, as_creator, open_hub

View = Callable[..., HttpResponseBase]


def private(response: HttpResponseBase) -> HttpResponseBase:
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


def hub_view(view: View) -> View:
    """Resolve the URL's ``token`` to its collaboration, or answer with a friendly page (unknown,
    revoked, expired, or too many bad tries; only unknown tokens count towards the slow-down).
    Opening an active link is remembered as its "last opened" time. The view receives
    ``request.hub`` and runs in the creator's language and time zone, with audit entries
    labelled with the creator's name."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, token: str, *args: Any, **kwargs: Any) -> HttpResponseBase:
        opened = open_hub(request, token)
        if opened is None:
            return private(render(request, "hub/unknown.html", status=404))
        if isinstance(opened, Refused):
            response = render(request, "hub/refused.html", {"wait": opened.wait}, status=429)
            response["Retry-After"] = str(opened.wait)
            return private(response)
        if isinstance(opened, Closed):
            creator = opened.link.collaboration.creator
            with translation.override(creator.message_language):
                page = f"hub/{opened.state}.html"
                return private(
                    render(request, page, {"workspace": opened.link.workspace}, status=410)
                )
        with as_creator(request, opened):
            return private(view(request, *args, **kwargs))

    return wrapped


def hub_action(view: View) -> View:
    """A hub action (a form's target): ``hub_view``, POST only. Any other method goes back to
    the page, so an address left in the browser after a refused form still opens the hub. In a
    team member's preview nothing is done."""

    def act(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        hub: Hub = request.hub  # type: ignore[attr-defined]
        if request.method != "POST":
            return redirect(hub.url("page"))
        if hub.preview:
            messages.info(
                request,
                _("This is a preview of the creator's page: only the creator can act on it."),
            )
            return redirect(hub.url("page"))
        return view(request, *args, **kwargs)

    return hub_view(functools.wraps(view)(act))
