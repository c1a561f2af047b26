"""The HTTP API under /api/v1/: bearer-token auth, JSON errors, and each app's router."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern, URLResolver, re_path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from rapport.api.docs import ReferencePage
from rapport.creators.services import DuplicateCreator
from rapport.workspaces.models import ApiToken
from rapport.workspaces.roles import Perm
from rapport.workspaces.services import PermissionDenied, authenticate_token


class TokenAuth(HttpBearer):
    """``Authorization: Bearer rpt_…``: the token decides the workspace and the role."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = authenticate_token(token)
        if found is not None:
            request.api_token = found  # type: ignore[attr-defined]
            request.workspace = found.workspace  # type: ignore[attr-defined]
            request.user = found.user
        return found


class RapportAPI(NinjaAPI):
    """ninja's API, answering in JSON also a method a path does not take and an unknown path."""

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        patterns = super()._get_urls()
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                pattern.callback = self._json_not_allowed(pattern.callback)
        # Last, so it only answers what no endpoint matched.
        patterns.append(re_path(r"", csrf_exempt(self._unknown_path)))
        return patterns

    def _json_not_allowed(self, view: Callable[..., Any]) -> Callable[..., Any]:
        """ninja answers a wrong method with plain text; say it in JSON, keeping ``Allow``."""

        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            response = view(request, *args, **kwargs)
            if not isinstance(response, HttpResponseNotAllowed):
                return response
            detail = _("This endpoint does not take %(method)s; it takes %(allowed)s.") % {
                "method": request.method,
                "allowed": response["Allow"],
            }
            answer = self.create_response(request, {"detail": detail}, status=405)
            answer["Allow"] = response["Allow"]
            return answer

        return wrapped

    def _unknown_path(self, request: HttpRequest) -> HttpResponse:
        detail = _("There is no endpoint at this address; the reference is at /api/v1/docs.")
        return self.create_response(request, {"detail": detail}, status=404)


api = RapportAPI(
    title="Rapport API",
    version="1",
    description=(
        "Creators, social accounts and everything else in a Rapport workspace. Authenticate "
        "with `Authorization: Bearer <token>`; create a token with `rapport token create`."
    ),
    auth=TokenAuth(),
    urls_namespace="api",
    docs_url="/docs",
    # Our own page: ninja's Swagger page would load its scripts from a CDN.
    docs=ReferencePage(),
)


def _error(request: HttpRequest, status: int, detail: Any) -> HttpResponse:
    return api.create_response(request, {"detail": detail}, status=status)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    detail: list[dict[str, Any]]
    if hasattr(exc, "error_dict"):
        detail = [
            {"field": field, "message": " ".join(str(m) for e in errors for m in e.messages)}
            for field, errors in exc.error_dict.items()
        ]
    else:
        detail = [{"field": None, "message": " ".join(exc.messages)}]
    return _error(request, 422, detail)


@api.exception_handler(DuplicateCreator)
def on_duplicate(request: HttpRequest, exc: DuplicateCreator) -> HttpResponse:
    duplicates = [
        {"id": d.creator.pk, "name": d.creator.name, "reasons": d.reasons} for d in exc.duplicates
    ]
    return api.create_response(
        request, {"detail": " ".join(exc.messages), "duplicates": duplicates}, status=409
    )


def _field_of(loc: list[Any]) -> str | None:
    """``["body", "payload", "accounts", 0, "url"]`` as ``accounts.0.url``; a query's own name."""
    # A body error's location starts with the handler's parameter name, which clients never see.
    path = loc[2:] if loc[:1] == ["body"] else loc[1:]
    return ".".join(str(part) for part in path) or None


@api.exception_handler(NinjaValidationError)
def on_schema_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    detail: list[dict[str, Any]] = [
        {"field": _field_of(list(err.get("loc", []))), "message": err.get("msg", "")}
        for err in exc.errors
    ]
    return _error(request, 422, detail)


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    """403 with the service's own reason (e.g. who may decide); a bare permission name, or no
    message at all, gets the generic one."""
    reason = str(exc) if exc.args else ""
    if not reason or reason in Perm.values:
        reason = "Your role does not allow this."
    return _error(request, 403, reason)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "Not found.")


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "A valid bearer token is required.")


api.add_router("/creators", "rapport.creators.api.router")
api.add_router("/", "rapport.creators.api.catalog_router")
api.add_router("/workspace", "rapport.workspaces.api.router")
# Campaigns and their parts; each router names its own paths (/campaigns/..., /products/...).
for _part in (
    "campaigns", "briefs", "collaborations", "offers", "deliverables", "reviews", "seeding", "sla",
    "weekly",
):  # fmt: skip
    api.add_router("/", f"rapport.campaigns.api.{_part}.router")
api.add_router("/", "rapport.finance.api.router")
for _part in ("links", "codes", "clicks", "shops", "webhooks", "orders"):
    api.add_router("/", f"rapport.tracking.api.{_part}.router")
for _part in ("posts", "imports", "connections", "kpis", "reports", "health", "portfolio"):
    api.add_router("/", f"rapport.performance.api.{_part}.router")
# The hub: links and FAQ for the team; the creator's own endpoints authenticate with the hub token.
for _part in ("links", "faq", "creator"):
    api.add_router("/", f"rapport.hub.api.{_part}.router")
