"""What the bearer token of an API request may do: its role decides, never its member's."""

from __future__ import annotations

from django.http import HttpRequest

from rapport.workspaces.models import ApiToken, User, Workspace
from rapport.workspaces.roles import role_allows
from rapport.workspaces.services import require


def token_of(request: HttpRequest) -> ApiToken:
    """The token that authenticated the request (set by ``TokenAuth``)."""
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    return token


def actor_of(request: HttpRequest) -> User:
    """The member the request's token belongs to: who every change is recorded as."""
    return token_of(request).user


def workspace_of(request: HttpRequest) -> Workspace:
    """The workspace the request's token is bound to: every read and write is scoped to it."""
    return token_of(request).workspace


def allows(request: HttpRequest, perm: str) -> bool:
    """Whether the token's role grants ``perm``; False for a request without a token."""
    token = getattr(request, "auth", None)
    return isinstance(token, ApiToken) and role_allows(token.role, perm)


def require_perm(request: HttpRequest, perm: str) -> None:
    """Raise ``PermissionDenied`` (a 403 JSON answer) unless the token's role grants ``perm``."""
    require(token_of(request).role, perm)
