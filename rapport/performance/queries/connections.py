"""Reading platform connections: the workspace's list, one by id, the one that serves a post,
and the posts the periodic refresh is due to read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from rapport.campaigns.models import CollabStage
from rapport.performance.models import PlatformConnection, Post, Provider
from rapport.workspaces.models import Workspace

# Stages whose posts are refreshed by the periodic task.
REFRESHED_STAGES = (CollabStage.LIVE, CollabStage.REPORTED)
# A post is read at most once a day; after a failure, not again for this long.
REFRESH_EVERY = dt.timedelta(days=1)
RETRY_FAILED_AFTER = dt.timedelta(hours=6)


def connections_for(workspace: Workspace) -> QuerySet[PlatformConnection]:
    """The workspace's connections by platform, with their creator."""
    return PlatformConnection.objects.filter(workspace=workspace).select_related("creator")


def connection_for(workspace: Workspace, pk: int) -> PlatformConnection:
    """One of the workspace's connections; another workspace's is a 404."""
    return get_object_or_404(connections_for(workspace).select_related("workspace"), pk=pk)


def _not_paused(now: dt.datetime) -> Q:
    return Q(paused_until__isnull=True) | Q(paused_until__lte=now)


def candidates(post: Post, *, now: dt.datetime | None = None) -> QuerySet[PlatformConnection]:
    """The active, unpaused connections that may read ``post``: the creator's own first (their
    token reads their media's insights), then the brand's."""
    return (
        PlatformConnection.objects.filter(
            workspace_id=post.workspace_id, provider=post.platform, is_active=True
        )
        .filter(Q(creator__isnull=True) | Q(creator_id=post.collaboration.creator_id))
        .filter(_not_paused(now or timezone.now()))
        .select_related("workspace", "creator")
        .order_by(F("creator_id").desc(nulls_last=True), "id")
    )


def pick(
    connections: Iterable[PlatformConnection], post: Post, *, now: dt.datetime | None = None
) -> PlatformConnection | None:
    """Of ``connections``: the one a refresh of ``post`` uses now, or ``None``. The creator's
    own comes before the brand's; it must be on the post's platform and workspace, active, not
    paused, and its credential must read back (it does not after a change of secret key)."""
    now = now or timezone.now()
    serving = [
        c
        for c in connections
        if c.workspace_id == post.workspace_id
        and c.provider == post.platform
        and c.is_active
        and c.creator_id in (None, post.collaboration.creator_id)
        and not (c.paused_until and c.paused_until > now)
        and c.credential
    ]
    serving.sort(key=lambda c: (c.creator_id is None, c.pk))
    return serving[0] if serving else None


def usable_connection(post: Post, *, now: dt.datetime | None = None) -> PlatformConnection | None:
    """The connection a refresh of ``post`` uses now, or ``None``: no connector for its
    platform, none connected, all paused or switched off (see :func:`pick`)."""
    if post.platform not in Provider.values:
        return None
    return pick(candidates(post, now=now), post, now=now)


def due_posts(*, now: dt.datetime | None = None) -> QuerySet[Post]:
    """Posts the periodic refresh should read now, least recently read first: those of live or
    reported collaborations, on a platform with an active, unpaused connection in their
    workspace, not read in the last day (nor failed in the last hours)."""
    now = now or timezone.now()
    connected = PlatformConnection.objects.filter(
        _not_paused(now),
        workspace_id=OuterRef("workspace_id"),
        provider=OuterRef("platform"),
        is_active=True,
    ).filter(Q(creator__isnull=True) | Q(creator_id=OuterRef("collaboration__creator_id")))
    return (
        Post.objects.filter(collaboration__stage__in=REFRESHED_STAGES, platform__in=Provider.values)
        .filter(Q(last_fetched_at__isnull=True) | Q(last_fetched_at__lte=now - REFRESH_EVERY))
        .filter(Q(fetch_error_at__isnull=True) | Q(fetch_error_at__lte=now - RETRY_FAILED_AFTER))
        .filter(Exists(connected))
        .select_related("workspace", "collaboration__creator")
        .order_by(F("last_fetched_at").asc(nulls_first=True), "id")
    )


def active_connections(
    workspace_ids: Iterable[int], *, now: dt.datetime | None = None
) -> list[PlatformConnection]:
    """The active, unpaused connections of these workspaces (for :func:`pick`), in one query."""
    return list(
        PlatformConnection.objects.filter(
            _not_paused(now or timezone.now()), workspace_id__in=set(workspace_ids), is_active=True
        ).select_related("workspace", "creator")
    )
