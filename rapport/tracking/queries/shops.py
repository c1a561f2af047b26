"""Reading shops: the workspace's list (plain, or with what each has received), one shop by id,
and the shop a webhook address names."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404

from rapport.tracking.models import Shop
from rapport.workspaces.models import Workspace


def workspace_shops(workspace: Workspace) -> QuerySet[Shop]:
    """The workspace's shops by name (the choice of shop for an orders file)."""
    return Shop.objects.filter(workspace=workspace).order_by("name", "id")


def shops_for(workspace: Workspace) -> QuerySet[Shop]:
    """The workspace's shops by name, each with ``orders_received`` (orders stored from it)."""
    return workspace_shops(workspace).annotate(orders_received=Count("orders"))


def shop_for(workspace: Workspace, pk: int) -> Shop:
    """One of the workspace's shops, with its workspace and ``orders_received``; another
    workspace's is a 404."""
    return get_object_or_404(shops_for(workspace).select_related("workspace"), pk=pk)


def shop_for_webhook(platform: str, key: str) -> Shop | None:
    """The active shop of this platform whose webhook address carries ``key``; None for an
    unknown key, another platform's shop, or a shop taken off."""
    return (
        Shop.objects.select_related("workspace")
        .filter(platform=platform, key=key, is_active=True)
        .first()
    )
