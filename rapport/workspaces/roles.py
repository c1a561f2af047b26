"""Roles and what each may do: the one place where permissions are decided.

A member has one role per workspace. API tokens carry a role too (never above their member's).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Role(models.TextChoices):
    OWNER = "owner", pgettext_lazy("role", "Owner")
    MANAGER = "manager", _("Manager")
    REVIEWER = "reviewer", _("Reviewer")
    FINANCE = "finance", _("Finance")
    OPS = "ops", _("Ops")
    VIEWER = "viewer", _("Viewer")


class Perm(models.TextChoices):
    """Actions a role may be allowed to take."""

    VIEW = "view", _("See the workspace's creators and activity")
    EDIT_CREATORS = "edit_creators", _("Create, change, import and delete creators")
    ADD_NOTES = "add_notes", _("Write notes")
    VIEW_PRIVATE = "view_private", _("See and change addresses and tax details")
    MANAGE_WORKSPACE = "manage_workspace", _("Manage members, invitations and settings")
    EXPORT = "export", _("Export creators")
    MANAGE_CAMPAIGNS = (
        "manage_campaigns",
        _("Plan campaigns, write briefs, invite creators, make offers and run production"),
    )
    REVIEW = "review", _("Decide on submitted content, when named on the campaign")
    MANAGE_SEEDING = "manage_seeding", _("Keep the product list and ship products to creators")
    MANAGE_INVOICES = "manage_invoices", _("Enter invoices and see invoice files")
    MANAGE_TRACKING = (
        "manage_tracking",
        _("Create tracking links and discount codes, connect shops and import orders"),
    )
    RECORD_RESULTS = (
        "record_results",
        _("Record posts and their metrics, import metrics and refresh them from the platforms"),
    )


_GRANTS: dict[str, set[str]] = {
    Role.OWNER: {
        Perm.VIEW,
        Perm.EDIT_CREATORS,
        Perm.ADD_NOTES,
        Perm.MANAGE_WORKSPACE,
        Perm.EXPORT,
        Perm.MANAGE_CAMPAIGNS,
        Perm.REVIEW,
        Perm.MANAGE_SEEDING,
        Perm.MANAGE_INVOICES,
        Perm.MANAGE_TRACKING,
        Perm.RECORD_RESULTS,
    },
    Role.MANAGER: {
        Perm.VIEW,
        Perm.EDIT_CREATORS,
        Perm.ADD_NOTES,
        Perm.EXPORT,
        Perm.MANAGE_CAMPAIGNS,
        Perm.REVIEW,
        Perm.MANAGE_SEEDING,
        Perm.MANAGE_TRACKING,
        Perm.RECORD_RESULTS,
    },
    Role.REVIEWER: {Perm.VIEW, Perm.ADD_NOTES, Perm.REVIEW},
    Role.FINANCE: {Perm.VIEW, Perm.ADD_NOTES, Perm.VIEW_PRIVATE, Perm.EXPORT, Perm.MANAGE_INVOICES},
    Role.OPS: {
        Perm.VIEW,
        Perm.ADD_NOTES,
        Perm.VIEW_PRIVATE,
        Perm.EXPORT,
        Perm.MANAGE_SEEDING,
        Perm.MANAGE_TRACKING,
        Perm.RECORD_RESULTS,
    },
    Role.VIEWER: {Perm.VIEW},
}


def role_allows(role: str, perm: str) -> bool:
    """Whether ``role`` grants ``perm``."""
    return perm in _GRANTS.get(role, set())


def role_within(role: str, limit: str) -> bool:
    """Whether every permission of ``role`` is also granted by ``limit``."""
    return _GRANTS.get(role, set()) <= _GRANTS.get(limit, set())


__all__ = ["Perm", "Role", "role_allows", "role_within"]
