"""YouTube Data API v3 against recorded answers: statistics become an API snapshot, fifty videos
per call, a missing video is said on its post, rate limits are retried with backoff, a spent
quota pauses the connection, a refused key marks the connection and the post, a server error is
retried, and subscriber counts update the creator's account and tier. The key never shows."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import httpx
import pytest
from django.utils import timezone

from rapport.creators.models import Creator, SocialAccount
from rapport.creators.services import AccountData, save_account
from rapport.performance.connectors import youtube
from rapport.performance.models import MetricSnapshot, Post
from rapport.performance.services.refresh import refresh_due, refresh_post
from rapport.performance.tests.connectors_fixtures import (
    YOUTUBE_KEY,
    FakePlatform,
    answer,
    live_post,
    platform,
    youtube_connection,
)
from rapport.testing.factories import CreatorFactory
from rapport.workspaces.models import Workspace

__all__ = ["platform"]


@pytest.fixture
def post(workspace: Workspace) -> Post:
    return live_post(
        workspace, platform="youtube", url="https://www.youtube.com/watch?v=Lm4RtPq9x2A"
    )


def test_a_refresh_records_the_video_statistics_as_todays_api_snapshot(
    workspace: Workspace, post: Post, platform: FakePlatform, manager: Any
) -> None:
    connection = youtube_connection(workspace)
    platform.on("/videos", answer("youtube_videos_list"))

    refreshed = refresh_post(post, actor=manager.user)

    snapshot = MetricSnapshot.objects.get(post=post)
    assert (snapshot.source, snapshot.collected_on) == ("api", timezone.localdate())
    assert (snapshot.views, snapshot.likes, snapshot.comments) == (48210, 2315, 187)
    assert snapshot.reach is None and snapshot.shares is None  # YouTube does not say: unknown
    assert snapshot.recorded_by == manager.user
    assert refreshed.fetch_error == "" and refreshed.last_fetched_at is not None
    assert refreshed.external_id == "Lm4RtPq9x2A"
    request = platform.calls("/videos")[0]
    assert request.url.params["part"] == "statistics"
    assert request.url.params["id"] == "Lm4RtPq9x2A"
    assert request.headers["X-Goog-Api-Key"] == YOUTUBE_KEY
    assert YOUTUBE_KEY not in str(request.url)
    connection.refresh_from_db()
    assert connection.last_used_at is not None and connection.last_error == ""


def test_refreshing_twice_the_same_day_updates_that_days_snapshot(
    workspace: Workspace, post: Post, platform: FakePlatform
) -> None:
    youtube_connection(workspace)
    platform.on("/videos", answer("youtube_videos_list"))

    refresh_post(post, actor=None)
    refresh_post(post, actor=None)

    assert MetricSnapshot.objects.filter(post=post).count() == 1


def test_a_hidden_like_count_stays_unknown(workspace: Workspace, platform: FakePlatform) -> None:
    youtube_connection(workspace)
    post = live_post(workspace, platform="youtube", url="https://youtu.be/Hd7KsW3nB0c")
    platform.on("/videos", answer("youtube_videos_list"))

    refresh_post(post, actor=None)

    snapshot = MetricSnapshot.objects.get(post=post)
    assert (snapshot.views, snapshot.likes, snapshot.comments) == (9120, None, None)


def test_videos_are_read_fifty_per_call(workspace: Workspace, platform: FakePlatform) -> None:
    youtube_connection(workspace)
    posts = [
        live_post(workspace, platform="youtube", url=f"https://youtu.be/vid{n:08d}")
        for n in range(60)
    ]

    def statistics(request: httpx.Request) -> httpx.Response:
        ids = request.url.params["id"].split(",")
        items = [{"id": i, "statistics": {"viewCount": "100"}} for i in ids]
        return httpx.Response(200, json={"kind": "youtube#videoListResponse", "items": items})

    platform.on("/videos", statistics)

    report = refresh_due()

    assert report.refreshed == 60
    assert MetricSnapshot.objects.filter(post__in=posts, views=100).count() == 60
    sizes = [len(r.url.params["id"].split(",")) for r in platform.calls("/videos")]
    assert sizes == [50, 10]


def test_a_video_youtube_does_not_return_gets_a_plain_error(
    workspace: Workspace, platform: FakePlatform
) -> None:
    youtube_connection(workspace)
    gone = live_post(
        workspace, platform="youtube", url="https://www.youtube.com/shorts/Zz9Zz9Zz9Zz"
    )
    platform.on("/videos", answer("youtube_videos_list"))

    refreshed = refresh_post(gone, actor=None)

    assert "removed or made private" in refreshed.fetch_error
    assert refreshed.fetch_error_at is not None and refreshed.last_fetched_at is None
    assert not MetricSnapshot.objects.filter(post=gone).exists()


def test_a_rate_limit_is_retried_with_backoff_then_succeeds(
    workspace: Workspace, post: Post, platform: FakePlatform
) -> None:
    youtube_connection(workspace)
    platform.on(
        "/videos",
        answer("youtube_error_rate_limit", 403),
        answer("youtube_error_rate_limit", 403),
        answer("youtube_videos_list"),
    )

    refreshed = refresh_post(post, actor=None)

    assert platform.sleeps == [1.0, 2.0]
    assert refreshed.fetch_error == ""
    assert MetricSnapshot.objects.get(post=post).views == 48210


def test_a_429_waits_what_retry_after_asks(
    workspace: Workspace, post: Post, platform: FakePlatform
) -> None:
    youtube_connection(workspace)
    platform.on(
        "/videos",
        httpx.Response(429, headers={"Retry-After": "7"}, json={}),
        answer("youtube_videos_list"),
    )

    refresh_post(post, actor=None)

    assert platform.sleeps == [7.0]


def test_a_rate_limit_that_lasts_pauses_the_connection(
    workspace: Workspace, post: Post, platform: FakePlatform
) -> None:
    connection = youtube_connection(workspace)
    platform.on("/videos", answer("youtube_error_rate_limit", 403))

    refreshed = refresh_post(post, actor=None)

    assert len(platform.calls("/videos")) == 4  # bounded
    assert platform.sleeps == [1.0, 2.0, 4.0]
    connection.refresh_from_db()
    assert connection.paused_until is not None and connection.paused_until > timezone.now()
    assert "slow down" in connection.last_error
    assert "slow down" in refreshed.fetch_error


def test_a_spent_daily_quota_pauses_until_midnight_pacific_without_retrying(
    workspace: Workspace, post: Post, platform: FakePlatform
) -> None:
    connection = youtube_connection(workspace)
    platform.on("/videos", answer("youtube_error_quota_exceeded", 403))

    refreshed = refresh_post(post, actor=None)

    assert len(platform.calls("/videos")) == 1 and platform.sleeps == []
    connection.refresh_from_db()
    assert connection.paused_until is not None
    pacific = connection.paused_until.astimezone(youtube.QUOTA_ZONE)
    assert (pacific.hour, pacific.minute) == (0, 5)
    assert dt.timedelta(0) < connection.paused_until - timezone.now() <= dt.timedelta(hours=25)
    assert "quota" in refreshed.fetch_error


def test_a_paused_connection_is_not_used(
    workspace: Workspace, post: Post, platform: FakePlatform
) -> None:
    youtube_connection(workspace, paused_until=timezone.now() + dt.timedelta(hours=2))

    with pytest.raises(Exception, match="No working YouTube"):
        refresh_post(post, actor=None)

    assert platform.requests == []


def test_an_invalid_key_marks_the_connection_and_the_post(
    workspace: Workspace, post: Post, platform: FakePlatform
) -> None:
    connection = youtube_connection(workspace)
    platform.on("/videos", answer("youtube_error_key_invalid", 400))

    refreshed = refresh_post(post, actor=None)

    assert len(platform.calls("/videos")) == 1
    connection.refresh_from_db()
    assert "refuses the API key" in connection.last_error
    assert "refuses the API key" in refreshed.fetch_error
    assert connection.paused_until is None


def test_a_server_error_is_retried(
    workspace: Workspace, post: Post, platform: FakePlatform
) -> None:
    youtube_connection(workspace)
    platform.on("/videos", answer("youtube_error_backend", 503), answer("youtube_videos_list"))

    refreshed = refresh_post(post, actor=None)

    assert platform.sleeps == [1.0]
    assert refreshed.fetch_error == ""


def test_server_errors_that_persist_are_said_on_the_post(
    workspace: Workspace, post: Post, platform: FakePlatform
) -> None:
    connection = youtube_connection(workspace)
    platform.on("/videos", answer("youtube_error_backend", 503))

    refreshed = refresh_post(post, actor=None)

    assert "server error (503)" in refreshed.fetch_error
    connection.refresh_from_db()
    assert connection.paused_until is None  # not a rate limit: try again at the next run


def test_a_timeout_is_retried_then_said_in_plain_words(
    workspace: Workspace, post: Post, platform: FakePlatform, monkeypatch: Any
) -> None:
    youtube_connection(workspace)

    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    platform.on("/videos", slow)

    refreshed = refresh_post(post, actor=None)

    assert refreshed.fetch_error == "YouTube did not answer within 10 seconds."
    assert len(platform.sleeps) == 3


def test_the_subscriber_count_updates_the_creators_account_and_tier(
    workspace: Workspace, platform: FakePlatform
) -> None:
    youtube_connection(workspace)
    creator = CreatorFactory.create(workspace=workspace, name="Nadia")
    account = save_account(
        creator=creator,
        actor=None,
        data=AccountData(platform="youtube", handle="nadiaglows", followers=40_000),
    )
    SocialAccount.objects.filter(pk=account.pk).update(last_updated=None)
    assert Creator.objects.get(pk=creator.pk).tier == "micro"
    post = live_post(
        workspace, platform="youtube", url="https://youtu.be/Lm4RtPq9x2A", creator=creator
    )
    platform.on("/videos", answer("youtube_videos_list"))
    platform.on("/channels", answer("youtube_channels_list"))

    report = refresh_due()

    assert report.followers == 1
    account.refresh_from_db()
    creator = Creator.objects.get(pk=creator.pk)
    assert account.followers == 215_000
    assert (creator.followers_max, creator.tier) == (215_000, "mid")  # was micro at 40,000
    assert platform.calls("/channels")[0].url.params["forHandle"] == "@nadiaglows"
    assert MetricSnapshot.objects.filter(post=post).exists()


def test_a_channel_address_is_read_by_its_id(workspace: Workspace, platform: FakePlatform) -> None:
    youtube_connection(workspace)
    creator = CreatorFactory.create(workspace=workspace)
    SocialAccount.objects.create(
        workspace=workspace,
        creator=creator,
        platform="youtube",
        url="https://youtube.com/channel/UCx7Qe2Lm9Tb4Rk1Wp0Yv3Zs",
        followers=10,
    )
    live_post(workspace, platform="youtube", url="https://youtu.be/Lm4RtPq9x2A", creator=creator)
    platform.on("/videos", answer("youtube_videos_list"))
    platform.on("/channels", answer("youtube_channels_list"))

    refresh_due()

    assert platform.calls("/channels")[0].url.params["id"] == "UCx7Qe2Lm9Tb4Rk1Wp0Yv3Zs"
    assert SocialAccount.objects.get(creator=creator).followers == 215_000


def test_the_key_never_reaches_logs_or_messages(
    workspace: Workspace, post: Post, platform: FakePlatform, caplog: Any
) -> None:
    connection = youtube_connection(workspace)
    platform.on(
        "/videos",
        httpx.Response(
            400,
            json={"error": {"code": 400, "message": f"Bad key {YOUTUBE_KEY}", "errors": []}},
        ),
    )
    caplog.set_level(logging.DEBUG)

    refreshed = refresh_post(post, actor=None)

    connection.refresh_from_db()
    assert YOUTUBE_KEY not in caplog.text
    assert YOUTUBE_KEY not in refreshed.fetch_error
    assert YOUTUBE_KEY not in connection.last_error
    assert refreshed.fetch_error == "YouTube answered with an error (400)."


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.youtube.com/watch?v=Lm4RtPq9x2A&t=30s", "Lm4RtPq9x2A"),
        ("https://youtu.be/Lm4RtPq9x2A?si=abc", "Lm4RtPq9x2A"),
        ("https://youtube.com/shorts/Lm4RtPq9x2A", "Lm4RtPq9x2A"),
        ("https://m.youtube.com/live/Lm4RtPq9x2A", "Lm4RtPq9x2A"),
        ("https://youtube.com/@nadiaglows", ""),
        ("https://vimeo.com/Lm4RtPq9x2A", ""),
    ],
)
def test_the_video_id_is_read_from_the_address(url: str, expected: str) -> None:
    assert youtube.video_id(url) == expected
