"""Instagram Graph API against recorded answers: a post's shortcode is found among the account's
media (and its media id kept), insights become an API snapshot, a story gets the metrics a story
has, an expired token marks the connection and the post, rate limits are retried and then pause
the connection for as long as the platform says, and follower counts come from the creator's
own account or from business discovery. The token never shows."""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

import httpx
import pytest
from django.utils import timezone

from rapport.creators.models import SocialAccount
from rapport.performance.connectors import instagram
from rapport.performance.models import MetricSnapshot, Post
from rapport.performance.services.refresh import refresh_due, refresh_post
from rapport.performance.tests.connectors_fixtures import (
    IG_ACCOUNT,
    INSTAGRAM_TOKEN,
    FakePlatform,
    answer,
    instagram_connection,
    live_post,
    platform,
)
from rapport.testing.factories import CreatorFactory, SocialAccountFactory
from rapport.workspaces.models import Workspace

__all__ = ["platform"]

MEDIA = "17987654321098765"


@pytest.fixture
def post(workspace: Workspace) -> Post:
    return live_post(
        workspace, platform="instagram", url="https://www.instagram.com/p/C8RealPost1/"
    )


def test_the_shortcode_is_found_among_the_accounts_media_then_insights_are_read(
    workspace: Workspace, post: Post, platform: FakePlatform
) -> None:
    instagram_connection(workspace)
    platform.on(
        f"/{IG_ACCOUNT}/media",
        answer("instagram_media_list_page1"),
        answer("instagram_media_list_page2"),
    )
    platform.on(f"/{MEDIA}/insights", answer("instagram_media_insights"))

    refreshed = refresh_post(post, actor=None)

    assert refreshed.external_id == MEDIA
    assert refreshed.fetch_error == ""
    snapshot = MetricSnapshot.objects.get(post=post)
    assert snapshot.source == "api"
    assert (snapshot.reach, snapshot.views, snapshot.likes, snapshot.comments) == (
        30400,
        52100,
        1840,
        96,
    )
    assert (snapshot.shares, snapshot.saves, snapshot.impressions) == (210, 455, None)
    pages = platform.calls(f"/{IG_ACCOUNT}/media")
    assert len(pages) == 2
    # The next page's address carried the token: it is sent in the header, not the address.
    assert "access_token" not in str(pages[1].url)
    assert pages[1].url.params["after"] == "QVFIUnBfZA"
    insights = platform.calls(f"/{MEDIA}/insights")[0]
    assert insights.url.params["metric"] == "reach,views,likes,comments,shares,saved"
    assert insights.headers["Authorization"] == f"Bearer {INSTAGRAM_TOKEN}"
    assert all(INSTAGRAM_TOKEN not in str(r.url) for r in platform.requests)


def test_a_known_media_id_is_read_directly(workspace: Workspace, platform: FakePlatform) -> None:
    instagram_connection(workspace)
    post = live_post(
        workspace,
        platform="instagram",
        url="https://www.instagram.com/reel/C8RealPost1/",
        external_id=MEDIA,
    )
    platform.on(f"/{MEDIA}/insights", answer("instagram_media_insights"))

    refresh_post(post, actor=None)

    assert platform.calls("/media") == []
    assert MetricSnapshot.objects.get(post=post).saves == 455


def test_older_media_are_also_asked_for_impressions(
    workspace: Workspace, platform: FakePlatform
) -> None:
    instagram_connection(workspace)
    post = live_post(
        workspace,
        platform="instagram",
        url="https://www.instagram.com/p/C8RealPost1/",
        external_id=MEDIA,
        posted_at=dt.datetime(2024, 5, 3, 18, 0, tzinfo=dt.UTC),
    )
    body = json.loads(answer("instagram_media_insights").content)
    body["data"].append({"name": "impressions", "period": "lifetime", "values": [{"value": 61000}]})
    platform.on(f"/{MEDIA}/insights", httpx.Response(200, json=body))

    refresh_post(post, actor=None)

    assert platform.requests[0].url.params["metric"].startswith("impressions,")
    assert MetricSnapshot.objects.get(post=post).impressions == 61000


def test_a_story_gets_the_metrics_a_story_has(workspace: Workspace, platform: FakePlatform) -> None:
    instagram_connection(workspace)
    story = live_post(
        workspace,
        platform="instagram",
        url="https://www.instagram.com/stories/nadia.glows/3401/",
        external_id="17900011122233344",
    )
    platform.on(
        "/17900011122233344/insights",
        answer("instagram_error_unsupported_metric", 400),
        answer("instagram_story_insights"),
    )

    refreshed = refresh_post(story, actor=None)

    assert refreshed.fetch_error == ""
    metrics = [r.url.params["metric"] for r in platform.requests]
    assert metrics == ["reach,views,likes,comments,shares,saved", "reach,views,shares"]
    snapshot = MetricSnapshot.objects.get(post=story)
    assert (snapshot.reach, snapshot.views, snapshot.shares, snapshot.likes) == (
        8100,
        9050,
        12,
        None,
    )


def test_a_post_not_on_the_account_is_said_on_the_post(
    workspace: Workspace, platform: FakePlatform
) -> None:
    instagram_connection(workspace)
    post = live_post(workspace, platform="instagram", url="https://www.instagram.com/p/Cnothere01/")
    platform.on(f"/{IG_ACCOUNT}/media", answer("instagram_media_list_page2"))

    refreshed = refresh_post(post, actor=None)

    assert "not among the connected Instagram account's posts" in refreshed.fetch_error


def test_a_deleted_post_is_said_on_the_post(workspace: Workspace, platform: FakePlatform) -> None:
    connection = instagram_connection(workspace)
    post = live_post(
        workspace,
        platform="instagram",
        url="https://instagram.com/p/C8RealPost1/",
        external_id=MEDIA,
    )
    platform.on(f"/{MEDIA}/insights", answer("instagram_error_not_found", 400))

    refreshed = refresh_post(post, actor=None)

    assert "does not know this post" in refreshed.fetch_error
    connection.refresh_from_db()
    assert connection.last_error == ""  # the connection itself works


def test_an_expired_token_marks_the_connection_and_the_post(
    workspace: Workspace, post: Post, platform: FakePlatform
) -> None:
    connection = instagram_connection(workspace)
    platform.on(f"/{IG_ACCOUNT}/media", answer("instagram_error_token_expired", 400))

    refreshed = refresh_post(post, actor=None)

    connection.refresh_from_db()
    assert "expired or was revoked" in connection.last_error
    assert "expired or was revoked" in refreshed.fetch_error
    assert len(platform.requests) == 1 and platform.sleeps == []


def test_a_rate_limit_is_retried_then_succeeds(
    workspace: Workspace, platform: FakePlatform
) -> None:
    instagram_connection(workspace)
    post = live_post(
        workspace,
        platform="instagram",
        url="https://instagram.com/p/C8RealPost1/",
        external_id=MEDIA,
    )
    platform.on(
        f"/{MEDIA}/insights",
        answer("instagram_error_rate_limit", 400),
        answer("instagram_media_insights"),
    )

    refreshed = refresh_post(post, actor=None)

    assert platform.sleeps == [1.0]
    assert refreshed.fetch_error == ""


def test_a_spent_business_use_case_limit_pauses_for_the_time_given(
    workspace: Workspace, platform: FakePlatform
) -> None:
    connection = instagram_connection(workspace)
    post = live_post(
        workspace,
        platform="instagram",
        url="https://instagram.com/p/C8RealPost1/",
        external_id=MEDIA,
    )
    usage = {
        IG_ACCOUNT: [
            {
                "type": "instagram",
                "call_count": 100,
                "total_cputime": 12,
                "total_time": 20,
                "estimated_time_to_regain_access": 45,
            }
        ]
    }
    limited = httpx.Response(
        400,
        json={
            "error": {
                "message": "(#80002) There have been too many calls to this Instagram account.",
                "type": "OAuthException",
                "code": 80002,
                "fbtrace_id": "Bq1",
            }
        },
        headers={"X-Business-Use-Case-Usage": json.dumps(usage)},
    )
    platform.on(f"/{MEDIA}/insights", limited)

    refreshed = refresh_post(post, actor=None)

    assert len(platform.requests) == 1  # 45 minutes is no wait to sit through
    connection.refresh_from_db()
    assert connection.paused_until is not None
    left = connection.paused_until - timezone.now()
    assert dt.timedelta(minutes=44) < left <= dt.timedelta(minutes=45)
    assert "slow down" in refreshed.fetch_error

    # Paused: the periodic refresh leaves it alone, the button says why.
    assert refresh_due().refreshed == 0
    assert len(platform.requests) == 1


def test_a_creators_own_token_reads_their_followers(
    workspace: Workspace, platform: FakePlatform
) -> None:
    creator = CreatorFactory.create(workspace=workspace)
    account = SocialAccountFactory.create(creator=creator, handle="nadia.glows", followers=30_000)
    SocialAccount.objects.filter(pk=account.pk).update(last_updated=None)
    instagram_connection(workspace, creator=creator)
    live_post(
        workspace,
        platform="instagram",
        url="https://instagram.com/p/C8RealPost1/",
        external_id=MEDIA,
        creator=creator,
    )
    platform.on(f"/{MEDIA}/insights", answer("instagram_media_insights"))
    platform.on(f"/{IG_ACCOUNT}", answer("instagram_user_followers"))

    report = refresh_due()

    assert report.followers == 1
    account.refresh_from_db()
    assert account.followers == 48_200
    assert platform.calls(f"/{IG_ACCOUNT}")[0].url.params["fields"] == "username,followers_count"


def test_the_brands_token_reads_a_creators_followers_by_business_discovery(
    workspace: Workspace, platform: FakePlatform
) -> None:
    creator = CreatorFactory.create(workspace=workspace)
    account = SocialAccountFactory.create(creator=creator, handle="rita.makes", followers=90_000)
    SocialAccount.objects.filter(pk=account.pk).update(
        last_updated=timezone.now() - dt.timedelta(days=3)
    )
    instagram_connection(workspace)
    live_post(
        workspace,
        platform="instagram",
        url="https://instagram.com/p/C8RealPost1/",
        external_id=MEDIA,
        creator=creator,
    )
    platform.on(f"/{MEDIA}/insights", answer("instagram_media_insights"))
    platform.on(f"/{IG_ACCOUNT}", answer("instagram_business_discovery"))

    refresh_due()

    account.refresh_from_db()
    assert account.followers == 131_500
    fields = platform.calls(f"/{IG_ACCOUNT}")[0].url.params["fields"]
    assert fields == "business_discovery.username(rita.makes){followers_count}"


def test_the_token_never_reaches_logs_or_messages(
    workspace: Workspace, post: Post, platform: FakePlatform, caplog: Any
) -> None:
    connection = instagram_connection(workspace)
    platform.on(
        f"/{IG_ACCOUNT}/media",
        httpx.Response(
            400,
            json={"error": {"message": f"Bad token {INSTAGRAM_TOKEN}", "code": 1234}},
        ),
    )
    caplog.set_level(logging.DEBUG)

    refreshed = refresh_post(post, actor=None)

    connection.refresh_from_db()
    for text in (caplog.text, refreshed.fetch_error, connection.last_error):
        assert INSTAGRAM_TOKEN not in text
    assert refreshed.fetch_error == "Instagram answered with an error (1234)."


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.instagram.com/p/C8RealPost1/", "C8RealPost1"),
        ("https://instagram.com/reel/C9bbbbbbbbb/?igsh=abc", "C9bbbbbbbbb"),
        ("https://www.instagram.com/nadia.glows/p/C8RealPost1/", "C8RealPost1"),
        ("https://www.instagram.com/nadia.glows/", ""),
        ("https://www.tiktok.com/p/C8RealPost1/", ""),
    ],
)
def test_the_shortcode_is_read_from_the_address(url: str, expected: str) -> None:
    assert instagram.shortcode(url) == expected
