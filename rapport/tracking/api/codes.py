"""API: discount codes (a campaign's, a collaboration's, one), creating, changing and stopping
them, and the codes file for the shop. Reading needs ``view``; the rest ``manage_tracking``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponseBase
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from rapport.api.pagination import Page, PageParams, keyset_page
from rapport.api.permissions import actor_of, require_perm, workspace_of
from rapport.api.schemas import ErrorOut, FieldErrorsOut
from rapport.campaigns.queries.campaigns import campaign_for
from rapport.campaigns.queries.collaborations import collaboration_for
from rapport.tracking.api.links import CollaborationAssetOut
from rapport.tracking.models import DiscountCode, DiscountKind
from rapport.tracking.queries.links import campaign_codes, code_for, codes_of
from rapport.tracking.services import codes as services
from rapport.workspaces.calendar import zone
from rapport.workspaces.roles import Perm

router = Router(tags=["Tracking"])

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorsOut}
TIME_HELP = "ISO 8601; without an offset it is read in the workspace's time zone."


class CodeOut(CollaborationAssetOut):
    """A creator's discount code, as the shop should have it."""

    code: str = Field(description="Upper case; orders match it whatever its case.")
    kind: DiscountKind = Field(description="percent, amount or shipping (free shipping).")
    value: Decimal = Field(description="The percentage, or the amount off in `currency`.")
    currency: str = Field(description="For an amount off; empty otherwise.")
    starts_at: dt.datetime | None = Field(description="Valid from (null: at once).")
    ends_at: dt.datetime | None = Field(description="Valid until (null: no end).")
    usage_limit: int | None = Field(description="At most this many orders; null for no limit.")
    is_active: bool = Field(description="A stopped code is left out of the shop's file.")


class CodeIn(Schema):
    code: str = Field(
        "", max_length=40, description="The code; leave out to make it from `pattern`."
    )
    pattern: str = Field(
        services.DEFAULT_PATTERN,
        max_length=60,
        description="Placeholders {HANDLE}, {NAME}, {PERCENT}, {CAMPAIGN}; a suffix of two "
        "unambiguous characters is added when the result is taken.",
    )
    kind: DiscountKind = DiscountKind.PERCENT
    value: Decimal | None = Field(None, description="The percentage, or the amount off.")
    currency: str = Field("", max_length=3, description="ISO code, for an amount off.")
    starts_at: dt.datetime | None = Field(None, description=TIME_HELP)
    ends_at: dt.datetime | None = Field(None, description=TIME_HELP)
    usage_limit: int | None = Field(None, ge=1, description="Null for no limit.")


class CodePatch(Schema):
    """The fields to change; those left out keep their value."""

    code: str | None = Field(None, max_length=40)
    kind: DiscountKind | None = None
    value: Decimal | None = None
    currency: str | None = Field(None, max_length=3)
    starts_at: dt.datetime | None = Field(None, description=TIME_HELP)
    ends_at: dt.datetime | None = Field(None, description=TIME_HELP)
    usage_limit: int | None = Field(None, ge=1, description="Null for no limit.")
    is_active: bool | None = Field(None, description="true starts a stopped code again.")


class ExportParams(Schema):
    campaign_id: int | None = Field(None, description="Only this campaign's codes.")


def _aware(request: HttpRequest, values: dict[str, Any]) -> dict[str, Any]:
    """Times without an offset read in the workspace's time zone; enums as plain values."""
    local = zone(workspace_of(request).time_zone)
    for name in ("starts_at", "ends_at"):
        moment = values.get(name)
        if moment is not None and moment.tzinfo is None:
            values[name] = moment.replace(tzinfo=local)
    if values.get("kind") is not None:
        values["kind"] = DiscountKind(values["kind"]).value
    return values


def _code(request: HttpRequest, code_id: int) -> DiscountCode:
    return code_for(workspace_of(request), code_id)


@router.get(
    "/campaigns/{int:campaign_id}/discount-codes",
    response={200: Page[CodeOut], **ERRORS},
    summary="A campaign's discount codes",
)
def list_campaign_codes(
    request: HttpRequest, campaign_id: int, params: Query[PageParams]
) -> dict[str, Any]:
    require_perm(request, Perm.VIEW)
    campaign = campaign_for(workspace_of(request), campaign_id)
    page = keyset_page(campaign_codes(campaign), cursor=params.cursor, limit=params.limit)
    return {"items": page.items, "next": page.next}


@router.get(
    "/collaborations/{int:collaboration_id}/discount-codes",
    response={200: Page[CodeOut], **ERRORS},
    summary="A collaboration's discount codes",
)
def list_collaboration_codes(
    request: HttpRequest, collaboration_id: int, params: Query[PageParams]
) -> dict[str, Any]:
    """The active code first, then stopped ones."""
    require_perm(request, Perm.VIEW)
    collaboration = collaboration_for(workspace_of(request), collaboration_id)
    qs = codes_of(collaboration).select_related("collaboration__creator")
    page = keyset_page(qs, cursor=params.cursor, limit=params.limit)
    return {"items": page.items, "next": page.next}


@router.post(
    "/collaborations/{int:collaboration_id}/discount-codes",
    response={201: CodeOut, **ERRORS},
    summary="Create a discount code",
)
def create_code(
    request: HttpRequest, collaboration_id: int, payload: CodeIn
) -> Status[DiscountCode]:
    """The collaboration's code (one active at a time), as given or made from the pattern."""
    require_perm(request, Perm.MANAGE_TRACKING)
    collaboration = collaboration_for(workspace_of(request), collaboration_id)
    code = services.create_code(
        collaboration=collaboration,
        actor=actor_of(request),
        **_aware(request, payload.model_dump()),
    )
    return Status(201, _code(request, code.pk))


@router.get(
    "/discount-codes/{int:code_id}", response={200: CodeOut, **ERRORS}, summary="Get a code"
)
def get_code(request: HttpRequest, code_id: int) -> DiscountCode:
    require_perm(request, Perm.VIEW)
    return _code(request, code_id)


@router.patch(
    "/discount-codes/{int:code_id}", response={200: CodeOut, **ERRORS}, summary="Change a code"
)
def update_code(request: HttpRequest, code_id: int, payload: CodePatch) -> DiscountCode:
    """Change the fields given (change the code in the shop too), or start a stopped code."""
    require_perm(request, Perm.MANAGE_TRACKING)
    services.update_code(
        discount_code=_code(request, code_id),
        actor=actor_of(request),
        **_aware(request, payload.model_dump(exclude_unset=True)),
    )
    return _code(request, code_id)


@router.post(
    "/discount-codes/{int:code_id}/deactivate",
    response={200: CodeOut, **ERRORS},
    summary="Stop a code",
)
def deactivate_code(request: HttpRequest, code_id: int) -> DiscountCode:
    """Orders naming it are still attributed; remove it from the shop as well."""
    require_perm(request, Perm.MANAGE_TRACKING)
    services.deactivate_code(discount_code=_code(request, code_id), actor=actor_of(request))
    return _code(request, code_id)


@router.get(
    "/discount-codes/export",
    response={200: None, **ERRORS},
    summary="Export the codes for the shop (CSV)",
)
def export_codes(request: HttpRequest, params: Query[ExportParams]) -> HttpResponseBase:
    """The active codes as CSV: code, type, value, currency, starts, ends, usage limit, creator,
    campaign (times in the workspace's time zone; text cells made safe for spreadsheets)."""
    require_perm(request, Perm.MANAGE_TRACKING)
    workspace = workspace_of(request)
    campaign = campaign_for(workspace, params.campaign_id) if params.campaign_id else None
    return services.codes_export(workspace=workspace, actor=actor_of(request), campaign=campaign)
