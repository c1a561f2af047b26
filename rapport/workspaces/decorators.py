"""The decorator every workspace page goes through: sign-in, membership (or 404), permission."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponseBase

from rapport.workspaces.models import Membership, User, Workspace
from rapport.workspaces.services import membership_for

View = Callable[..., HttpResponseBase]


def workspace_view(
    perm: str | None = None, *, write_perm: str | None = None
) -> Callable[[View], View]:
    """Resolve ``ws`` (the slug in the URL) to the member's workspace, else 404.

    ``perm`` is needed for any request; ``write_perm`` additionally for POST, PUT, PATCH and DELETE.
    The view receives ``request.workspace`` and ``request.membership``.
    """

    def decorate(view: View) -> View:
        @login_required
        @functools.wraps(view)
        def wrapped(request: HttpRequest, ws: str, *args: Any, **kwargs: Any) -> HttpResponseBase:
            membership = membership_for(request.user, ws)  # type: ignore[arg-type]
            request.membership = membership  # type: ignore[attr-defined]
            request.workspace = membership.workspace  # type: ignore[attr-defined]
            if request.session.get("workspace") != ws:
                request.session["workspace"] = ws
            if perm and not membership.can(perm):
                raise DjangoPermissionDenied
            if (
                write_perm
                and request.method not in ("GET", "HEAD")
                and not membership.can(write_perm)
            ):
                raise DjangoPermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def request_workspace(request: HttpRequest) -> Workspace:
    """The workspace ``workspace_view`` resolved for this request."""
    return request.workspace  # type: ignore[attr-defined]


def request_membership(request: HttpRequest) -> Membership:
    """The signed-in member's place in that workspace."""
    return request.membership  # type: ignore[attr-defined]


def request_user(request: HttpRequest) -> User:
    """The signed-in member (``workspace_view`` has made sure there is one)."""
    return cast(User, request.user)
