"""Reading posts and their figures: one post of a workspace, a collaboration's posts with each
one's latest figures, a post's snapshots with their screenshots, and a snapshot's engagements and
engagement rate through :mod:`rapport.performance.kpis`.

Each page reads a fixed number of queries: the latest snapshots of many posts come in one query
(:func:`~rapport.performance.queries.snapshots.latest_snapshots`), never one per post.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from rapport.campaigns.models import Collaboration, Deliverable
from rapport.performance.kpis import Figures, kpis, show
from rapport.performance.models import ENGAGEMENT_PARTS, MetricEvidence, MetricSnapshot, Post
from rapport.performance.queries.snapshots import latest_snapshots
from rapport.workspaces.models import Workspace


def post_for(workspace: Workspace, pk: int) -> Post:
    """The workspace's post ``pk`` with its collaboration, creator, campaign and deliverable, or
    404."""
    return get_object_or_404(
        Post.objects.filter(workspace=workspace).select_related(
            "workspace",
            "deliverable",
            "collaboration__creator",
            "collaboration__campaign",
            "collaboration__workspace",
        ),
        pk=pk,
    )


def workspace_posts(workspace: Workspace) -> QuerySet[Post]:
    """The workspace's posts, oldest first, with what a list shows of them."""
    return Post.objects.filter(workspace=workspace).select_related(
        "collaboration__creator", "collaboration__campaign"
    )


def collaboration_posts(collaboration: Collaboration) -> QuerySet[Post]:
    """A collaboration's posts in the order of its deliverables, then as they went live; the
    position of a post in this order is its number on the hub."""
    return Post.objects.filter(collaboration=collaboration).order_by(
        "deliverable__post_at", "deliverable_id", "posted_at", "id"
    )


def evidence_for(workspace: Workspace, pk: int) -> MetricEvidence:
    """The workspace's screenshot ``pk``, or 404."""
    return get_object_or_404(MetricEvidence.objects.filter(workspace=workspace), pk=pk)


def snapshots_of(post: Post) -> QuerySet[MetricSnapshot]:
    """A post's snapshots, latest first (the first is its latest), with who recorded them and
    their screenshots."""
    return (
        MetricSnapshot.objects.filter(post=post)
        .select_related("recorded_by")
        .prefetch_related(Prefetch("evidence", queryset=MetricEvidence.objects.order_by("id")))
    )


def latest_by_post(posts: QuerySet[Post]) -> dict[int, MetricSnapshot]:
    """Each post's latest snapshot (posts without figures are left out), in one query."""
    return {s.post_id: s for s in latest_snapshots(posts)}


def figures_of(snapshot: MetricSnapshot | None) -> Figures:
    """A snapshot's counts as :class:`~rapport.performance.kpis.Figures` (no money involved):
    engagements are likes + comments + shares + saves, an unknown figure adding 0."""
    if snapshot is None:
        return Figures()
    return Figures(
        reach=snapshot.reach or 0,
        impressions=snapshot.impressions or 0,
        views=snapshot.views or 0,
        engagements=known_engagements(snapshot) or 0,
        clicks=snapshot.clicks or 0,
    )


def known_engagements(snapshot: MetricSnapshot) -> int | None:
    """Engagements of one snapshot, or None when none of its parts is known."""
    parts = [getattr(snapshot, part) for part in ENGAGEMENT_PARTS]
    if all(p is None for p in parts):
        return None
    return sum(p or 0 for p in parts)


@dataclass(frozen=True)
class Rate:
    """A post's engagement rate as shown: the figure, and which denominator it used."""

    value: str
    er_denominator: str


def engagement_rate(snapshot: MetricSnapshot | None, er_denominator: str) -> Rate:
    """The engagement rate of a snapshot with the campaign's declared denominator, written
    ("4.25%", or "n/a" when the denominator is zero or unknown)."""
    rate = kpis(figures_of(snapshot), er_denominator).er
    return Rate(show("er", rate), er_denominator)


@dataclass(frozen=True)
class PostRow:
    """One post on the collaboration page or the hub: its latest figures and engagements."""

    post: Post
    position: int
    latest: MetricSnapshot | None
    engagements: int | None
    rate: Rate

    def shown(self, name: str) -> str:
        """A latest figure written for the reader ("48,200"), a dash when unknown."""
        value = self.engagements if name == "engagements" else getattr(self.latest, name, None)
        return "\N{EN DASH}" if value is None else show(name, value)

    @property
    def reach(self) -> str:
        return self.shown("reach")

    @property
    def views(self) -> str:
        return self.shown("views")

    @property
    def engagements_shown(self) -> str:
        return self.shown("engagements")


@dataclass(frozen=True)
class DeliverablePosts:
    deliverable: Deliverable
    rows: list[PostRow]


def post_rows(collaboration: Collaboration) -> list[PostRow]:
    """The collaboration's posts numbered from 1, each with its latest figures (two queries)."""
    posts = collaboration_posts(collaboration)
    latest = latest_by_post(posts)
    denominator = collaboration.campaign.er_denominator
    rows = []
    for position, post in enumerate(posts, start=1):
        snapshot = latest.get(post.pk)
        rows.append(
            PostRow(
                post=post,
                position=position,
                latest=snapshot,
                engagements=known_engagements(snapshot) if snapshot else None,
                rate=engagement_rate(snapshot, denominator),
            )
        )
    return rows


def by_deliverable(
    deliverables: Iterable[Deliverable], rows: list[PostRow]
) -> list[DeliverablePosts]:
    """The rows grouped under each deliverable, in the deliverables' order."""
    return [
        DeliverablePosts(d, [row for row in rows if row.post.deliverable_id == d.pk])
        for d in deliverables
    ]


def post_at(collaboration: Collaboration, position: int) -> PostRow:
    """The collaboration's post number ``position`` (from 1), or 404."""
    rows = post_rows(collaboration)
    if not 1 <= position <= len(rows):
        raise Http404
    return rows[position - 1]
