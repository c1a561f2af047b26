"""Reads of workspaces, members, invitations and tokens shared by pages, the API and services.

Every lookup by id is scoped to a workspace: another workspace's row is a 404.
"""

from __future__ import annotations

import functools
import re

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from holidays import registry

from rapport.workspaces.models import (
    ApiToken,
    Invitation,
    Membership,
    User,
    Workspace,
    hash_secret,
)


@functools.cache
def holiday_countries() -> list[tuple[str, str]]:
    """Countries whose public holidays the ``holidays`` package knows: (ISO code, name)."""
    countries = [
        (entry[1], re.sub(r"(?<=[a-z])(?=[A-Z])", " ", entry[0]))
        for entry in registry.COUNTRIES.values()
    ]
    return sorted(countries, key=lambda country: country[1])


def members(workspace: Workspace) -> QuerySet[Membership]:
    """The workspace's members with their people, by name."""
    return (
        Membership.objects.filter(workspace=workspace)
        .select_related("user")
        .order_by("user__name", "user__email")
    )


def member_for(workspace: Workspace, pk: int) -> Membership:
    return get_object_or_404(members(workspace), pk=pk)


def invitations(workspace: Workspace) -> QuerySet[Invitation]:
    """Invitations not yet accepted (pending, expired or withdrawn), newest first."""
    return (
        Invitation.objects.filter(workspace=workspace, accepted_at__isnull=True)
        .select_related("invited_by")
        .order_by("-created_at")
    )


def invitation_for(workspace: Workspace, pk: int) -> Invitation:
    return get_object_or_404(Invitation, workspace=workspace, pk=pk)


def invitation_by_link(raw: str) -> Invitation | None:
    """The invitation behind a link's secret, whatever its state (the page explains it)."""
    return (
        Invitation.objects.select_related("workspace", "invited_by")
        .filter(token_hash=hash_secret(raw))
        .first()
    )


def tokens_of(workspace: Workspace, user: User) -> QuerySet[ApiToken]:
    """A member's own API tokens in the workspace, newest first."""
    return ApiToken.objects.filter(workspace=workspace, user=user).order_by("-created_at")


def token_for(workspace: Workspace, user: User, pk: int) -> ApiToken:
    return get_object_or_404(tokens_of(workspace, user), pk=pk)
