"""API for the token's workspace: its settings, its members, invitations, and who the token is."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.responses import Status

from rapport.api.permissions import actor_of, require_perm, token_of, workspace_of
from rapport.api.schemas import ErrorOut, FieldErrorsOut
from rapport.creators.models import CustomField, FieldType
from rapport.creators.services import delete_custom_field, save_custom_field
from rapport.workspaces import queries, services
from rapport.workspaces.models import ErDenominator, Notification, Workspace
from rapport.workspaces.roles import Perm, Role

router = Router(tags=["workspace"])

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorsOut}


class WorkspaceOut(Schema):
    slug: str
    name: str
    country: str
    time_zone: str = Field(description="Business days start and end on this clock (IANA name).")
    default_currency: str
    er_denominator: ErDenominator
    tier_thresholds: dict[str, int]
    sla_policy: dict[str, int]
    hub_days_after_close: int = Field(
        description="How many days an ended collaboration's hub link keeps working."
    )
    tracking_domains: list[str] = Field(
        description="The domains tracking links may lead to (their subdomains too)."
    )
    attribution_days: int = Field(
        description="An order without a code counts for the last tracked click this recent."
    )


class SettingsPatch(Schema):
    """Only the settings given change; thresholds and service levels may be given in part."""

    name: str | None = None
    country: str | None = None
    time_zone: str | None = Field(None, description="An IANA name such as America/New_York.")
    default_currency: str | None = None
    er_denominator: str | None = None
    tier_thresholds: dict[str, Any] | None = None
    sla_policy: dict[str, Any] | None = None
    hub_days_after_close: int | None = Field(None, description="From 1 to 3650 days.")
    tracking_domains: list[str] | None = Field(
        None, description="The whole list, replacing the current one (shop.example.com, …)."
    )
    attribution_days: int | None = Field(None, description="From 1 to 365 days.")


class MemberOut(Schema):
    id: int
    email: str
    name: str
    role: Role
    joined_at: dt.datetime


class InvitationIn(Schema):
    email: str
    role: str = Role.VIEWER


class InvitationOut(Schema):
    id: int
    email: str
    role: Role
    expires_at: dt.datetime


class MeOut(Schema):
    email: str
    name: str
    time_zone: str
    language: str
    workspace: str
    member_role: Role
    token_role: Role


class CustomFieldIn(Schema):
    label: str
    field_type: FieldType
    key: str = ""
    choices: list[str] = []


class CustomFieldPatch(Schema):
    label: str | None = None
    choices: list[str] | None = None


class CustomFieldOut(Schema):
    key: str
    label: str
    field_type: FieldType
    choices: list[str]
    position: int


@router.get("", response={200: WorkspaceOut, **ERRORS}, summary="The workspace and its settings")
def get_workspace(request: HttpRequest) -> Workspace:
    require_perm(request, Perm.VIEW)
    return workspace_of(request)


@router.patch(
    "", response={200: WorkspaceOut, **ERRORS}, summary="Change the workspace's settings (owners)"
)
def patch_workspace(request: HttpRequest, payload: SettingsPatch) -> Workspace:
    require_perm(request, Perm.MANAGE_WORKSPACE)
    return services.update_workspace_settings(
        workspace=workspace_of(request),
        actor=actor_of(request),
        **payload.dict(exclude_unset=True),
    )


@router.get(
    "/members", response={200: list[MemberOut], **ERRORS}, summary="The workspace's members"
)
def list_members(request: HttpRequest) -> list[dict[str, Any]]:
    require_perm(request, Perm.VIEW)
    return [
        {
            "id": m.pk,
            "email": m.user.email,
            "name": m.user.name,
            "role": m.role,
            "joined_at": m.created_at,
        }
        for m in queries.members(workspace_of(request))
    ]


@router.post(
    "/invitations",
    response={201: InvitationOut, **ERRORS},
    summary="Invite someone by e-mail (owners)",
)
def create_invitation(request: HttpRequest, payload: InvitationIn) -> Status:
    require_perm(request, Perm.MANAGE_WORKSPACE)
    invitation = services.invite(
        workspace=workspace_of(request),
        inviter=actor_of(request),
        email=payload.email,
        role=payload.role,
    )
    return Status(201, invitation)


@router.get("/me", response={200: MeOut, **ERRORS}, summary="Who this token acts as")
def me(request: HttpRequest) -> dict[str, Any]:
    token = token_of(request)
    membership = services.membership_for(token.user, token.workspace.slug)
    return {
        "email": token.user.email,
        "name": token.user.name,
        "time_zone": token.user.time_zone,
        "language": token.user.language,
        "workspace": token.workspace.slug,
        "member_role": membership.role,
        "token_role": token.role,
    }


class NotificationOut(Schema):
    id: int
    text: str
    url: str
    created_at: dt.datetime
    read_at: dt.datetime | None


class NotificationsRead(Schema):
    id: int | None = None


@router.get(
    "/notifications",
    response={200: list[NotificationOut], **ERRORS},
    summary="The token's member's notifications",
)
def notifications(request: HttpRequest) -> Any:
    """Mentions and other news for the token's member in this workspace, newest first (100)."""
    require_perm(request, Perm.VIEW)
    token = token_of(request)
    return Notification.objects.filter(workspace=token.workspace, recipient=token.user)[:100]


@router.post(
    "/notifications/read",
    response={200: dict[str, int], **ERRORS},
    summary="Mark notifications read",
)
def notifications_read(request: HttpRequest, payload: NotificationsRead) -> dict[str, int]:
    """Mark one notification (``id``) or all unread ones as read; says how many changed."""
    require_perm(request, Perm.VIEW)
    token = token_of(request)
    changed = services.mark_notifications_read(
        workspace=token.workspace, user=token.user, notification_id=payload.id
    )
    return {"marked_read": changed}


def _custom_field(request: HttpRequest, key: str) -> CustomField:
    return get_object_or_404(CustomField, workspace=workspace_of(request), key=key)


@router.post(
    "/custom-fields",
    response={201: CustomFieldOut, **ERRORS},
    summary="Add a custom field for creators (owners)",
)
def create_custom_field(request: HttpRequest, payload: CustomFieldIn) -> Status:
    require_perm(request, Perm.MANAGE_WORKSPACE)
    field = save_custom_field(
        workspace=workspace_of(request),
        actor=actor_of(request),
        **payload.dict(),
    )
    return Status(201, field)


@router.patch(
    "/custom-fields/{key}",
    response={200: CustomFieldOut, **ERRORS},
    summary="Change a custom field's label or choices (owners)",
)
def patch_custom_field(request: HttpRequest, key: str, payload: CustomFieldPatch) -> CustomField:
    require_perm(request, Perm.MANAGE_WORKSPACE)
    field = _custom_field(request, key)
    return save_custom_field(
        workspace=workspace_of(request),
        actor=actor_of(request),
        custom_field=field,
        label=payload.label if payload.label is not None else field.label,
        field_type=field.field_type,
        choices=payload.choices if payload.choices is not None else field.choices,
    )


@router.delete(
    "/custom-fields/{key}",
    response={204: None, **ERRORS},
    summary="Remove a custom field and every creator's value for it (owners)",
)
def remove_custom_field(request: HttpRequest, key: str) -> Status:
    require_perm(request, Perm.MANAGE_WORKSPACE)
    delete_custom_field(
        workspace=workspace_of(request),
        actor=actor_of(request),
        custom_field=_custom_field(request, key),
    )
    return Status(204, None)
