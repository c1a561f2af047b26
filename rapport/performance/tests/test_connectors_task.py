"""The periodic refresh: which posts it reads (live or reported collaborations, a usable
connection, not read in the last day, not failed in the last hours), in batches, and what it
leaves alone (paused or switched-off connections, another creator's token, other platforms)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest
from django.utils import timezone

from rapport.campaigns.models import CollabStage
from rapport.performance.models import MetricSnapshot, Post
from rapport.performance.services.refresh import refresh_due
from rapport.performance.tasks import refresh_metrics_task
from rapport.performance.tests.connectors_fixtures import (
    FakePlatform,
    instagram_connection,
    live_post,
    platform,
    youtube_connection,
)
from rapport.testing.factories import CreatorFactory
from rapport.workspaces.models import Workspace

__all__ = ["platform"]


def every_video_has_views(request: httpx.Request) -> httpx.Response:
    ids = request.url.params["id"].split(",")
    return httpx.Response(
        200, json={"items": [{"id": i, "statistics": {"viewCount": "500"}} for i in ids]}
    )


@pytest.fixture
def videos(platform: FakePlatform) -> FakePlatform:
    platform.on("/videos", every_video_has_views)
    return platform


def video(workspace: Workspace, n: int, **kwargs: Any) -> Post:
    return live_post(workspace, platform="youtube", url=f"https://youtu.be/video{n:06d}", **kwargs)


def read_ids(platform: FakePlatform) -> set[str]:
    return {i for r in platform.calls("/videos") for i in r.url.params["id"].split(",")}


def test_the_task_reads_the_posts_that_are_due_and_only_those(
    workspace: Workspace, other_workspace: Workspace, videos: FakePlatform
) -> None:
    youtube_connection(workspace)
    now = timezone.now()
    live = video(workspace, 1)
    reported = video(workspace, 2, stage=CollabStage.REPORTED)
    read_two_days_ago = video(workspace, 3, last_fetched_at=now - dt.timedelta(days=2))
    video(workspace, 4, stage=CollabStage.CONTRACTED)
    video(workspace, 5, stage=CollabStage.PAID)
    video(workspace, 6, last_fetched_at=now - dt.timedelta(hours=3))
    video(workspace, 7, fetch_error="gone", fetch_error_at=now - dt.timedelta(hours=1))
    video(other_workspace, 8)  # no connection there
    live_post(workspace, platform="tiktok", url="https://www.tiktok.com/@nadia/video/1")

    result = refresh_metrics_task.enqueue()

    assert result.return_value == {"refreshed": 3, "failed": 0, "followers": 0}
    assert read_ids(videos) == {"video000001", "video000002", "video000003"}
    assert set(MetricSnapshot.objects.values_list("post_id", flat=True)) == {
        live.pk,
        reported.pk,
        read_two_days_ago.pk,
    }
    live.refresh_from_db()
    assert live.last_fetched_at is not None

    # Read today: the next run leaves them alone.
    assert refresh_due().refreshed == 0


def test_paused_and_switched_off_connections_are_skipped(
    workspace: Workspace, other_workspace: Workspace, videos: FakePlatform
) -> None:
    youtube_connection(workspace, paused_until=timezone.now() + dt.timedelta(minutes=30))
    youtube_connection(other_workspace, is_active=False)
    video(workspace, 1)
    video(other_workspace, 2)

    assert refresh_due().refreshed == 0
    assert videos.requests == []


def test_a_pause_that_ended_no_longer_holds(workspace: Workspace, videos: FakePlatform) -> None:
    youtube_connection(workspace, paused_until=timezone.now() - dt.timedelta(minutes=1))
    video(workspace, 1)

    assert refresh_due().refreshed == 1


def test_a_creators_own_token_only_serves_that_creators_posts(
    workspace: Workspace, platform: FakePlatform
) -> None:
    nadia = CreatorFactory.create(workspace=workspace)
    rita = CreatorFactory.create(workspace=workspace)
    instagram_connection(workspace, creator=nadia)
    mine = live_post(
        workspace,
        platform="instagram",
        url="https://instagram.com/p/Cnadia00001/",
        external_id="17900000000000001",
        creator=nadia,
    )
    live_post(
        workspace,
        platform="instagram",
        url="https://instagram.com/p/Crita000001/",
        external_id="17900000000000002",
        creator=rita,
    )
    platform.on(
        "/insights",
        httpx.Response(200, json={"data": [{"name": "reach", "values": [{"value": 10}]}]}),
    )

    assert refresh_due().refreshed == 1
    assert [r.url.path for r in platform.calls("/insights")] == [
        "/v23.0/17900000000000001/insights"
    ]
    assert MetricSnapshot.objects.get().post == mine


def test_the_creators_own_connection_comes_before_the_brands(
    workspace: Workspace, platform: FakePlatform
) -> None:
    nadia = CreatorFactory.create(workspace=workspace)
    instagram_connection(workspace, account_id="17841400000000001")
    instagram_connection(workspace, creator=nadia, credential="EAAnadiasOwnTokenForTests0000000")
    live_post(
        workspace,
        platform="instagram",
        url="https://instagram.com/p/Cnadia00001/",
        external_id="17900000000000001",
        creator=nadia,
    )
    platform.on(
        "/insights",
        httpx.Response(200, json={"data": [{"name": "reach", "values": [{"value": 10}]}]}),
    )

    refresh_due()

    assert (
        platform.requests[0].headers["Authorization"] == "Bearer EAAnadiasOwnTokenForTests0000000"
    )


def test_a_run_reads_one_batch_least_recently_read_first(
    workspace: Workspace, videos: FakePlatform
) -> None:
    youtube_connection(workspace)
    now = timezone.now()
    oldest = video(workspace, 1, last_fetched_at=now - dt.timedelta(days=9))
    never = video(workspace, 2)
    video(workspace, 3, last_fetched_at=now - dt.timedelta(days=2))

    report = refresh_due(limit=2)

    assert report.refreshed == 2
    assert read_ids(videos) == {"video000001", "video000002"}
    never.refresh_from_db()
    assert never.last_fetched_at is not None
    oldest.refresh_from_db()
    assert oldest.last_fetched_at is not None and oldest.last_fetched_at > now


def test_a_failed_post_is_tried_again_hours_later_not_every_run(
    workspace: Workspace, platform: FakePlatform
) -> None:
    youtube_connection(workspace)
    post = video(workspace, 1)
    platform.on("/videos", httpx.Response(200, json={"items": []}))

    assert refresh_due().failed == 1
    assert refresh_due().failed == 0  # not again at the next run
    Post.objects.filter(pk=post.pk).update(fetch_error_at=timezone.now() - dt.timedelta(hours=7))
    assert refresh_due().failed == 1
    assert len(platform.calls("/videos")) == 2
