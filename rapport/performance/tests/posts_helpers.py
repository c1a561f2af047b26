"""What the posts tests share: a live Instagram reel of Ana Lima in "Spring glow", and small real
screenshot files."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from rapport.campaigns.models import Deliverable
from rapport.hub.tests.work_fixtures import pdf_file, png_bytes, png_file
from rapport.performance.models import Post
from rapport.testing.factories import DeliverableFactory, PostFactory
from rapport.workspaces.models import Workspace

__all__ = ["live_post", "pdf_file", "png_bytes", "png_file", "reel"]

LIVE_URL = "https://www.instagram.com/reel/C9abcDEF123/"


def reel(workspace: Workspace, **kwargs: object) -> Deliverable:
    """A reel deliverable of Ana Lima in the "Spring glow" campaign (ER over reach)."""
    return DeliverableFactory.create(
        collaboration__campaign__workspace=workspace,
        collaboration__campaign__name="Spring glow",
        collaboration__campaign__er_denominator="reach",
        collaboration__creator__name="Ana Lima",
        kind="reel",
        platform="instagram",
        **kwargs,
    )


def live_post(workspace: Workspace, *, days_ago: int = 10, url: str = LIVE_URL) -> Post:
    """Ana's reel, live ``days_ago`` days ago, its figures due seven days after that."""
    posted = timezone.now() - dt.timedelta(days=days_ago)
    return PostFactory.create(
        deliverable=reel(workspace),
        url=url,
        external_id="C9abcDEF123",
        posted_at=posted,
        collect_on=timezone.localdate() - dt.timedelta(days=max(days_ago - 7, 0)),
    )
