"""Each post's latest snapshot: the one rule every report reads figures through.

The latest snapshot of a post is the one with the latest collection date, then the most recently
recorded; a post counts once, however many snapshots it has. :func:`latest_ids` picks it inside
the database with one index seek per post (index ``snapshot_latest``), so a campaign with a
million snapshots is summed without reading them.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import OuterRef, QuerySet, Subquery

from rapport.performance.models import MetricSnapshot, Post

LATEST_ORDER = ("-collected_on", "-recorded_at", "-id")


def latest_id(*, as_of: dt.date | None = None) -> Subquery:
    """For a queryset of posts: the id of each post's latest snapshot collected on or before
    ``as_of`` (any date when ``None``); use as ``Post.objects.annotate(latest=latest_id())``."""
    snapshots = MetricSnapshot.objects.filter(post=OuterRef("pk"))
    if as_of is not None:
        snapshots = snapshots.filter(collected_on__lte=as_of)
    return Subquery(snapshots.order_by(*LATEST_ORDER).values("id")[:1])


def latest_snapshots(
    posts: QuerySet[Post], *, as_of: dt.date | None = None
) -> QuerySet[MetricSnapshot]:
    """The latest snapshot of each post of ``posts`` (as known on ``as_of``): one per post that
    has any, none for a post without figures."""
    ids = posts.annotate(latest=latest_id(as_of=as_of)).values("latest")
    return MetricSnapshot.objects.filter(id__in=ids)
