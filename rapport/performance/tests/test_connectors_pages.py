"""The platform connections page and a post's "Refresh" button: an owner adds, tests, changes and
deletes a connection, everyone sees its status, nobody ever sees its credential; a manager
refreshes a post and sees the figures or the error on the post's page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from rapport.performance.models import MetricSnapshot, PlatformConnection, Post
from rapport.performance.tests.connectors_fixtures import (
    INSTAGRAM_TOKEN,
    YOUTUBE_KEY,
    FakePlatform,
    answer,
    instagram_connection,
    live_post,
    platform,
    youtube_connection,
)
from rapport.testing.factories import CreatorFactory
from rapport.workspaces.models import AuditEvent, Membership, Workspace
from rapport.workspaces.roles import Role

__all__ = ["platform"]

PAGE = "/w/lumen/performance/connections/"


@pytest.fixture
def owner_client(owner: Membership, client_for: Callable[[Membership], Client]) -> Client:
    return client_for(owner)


def test_an_owner_adds_a_youtube_key_that_is_never_shown_again(
    workspace: Workspace, owner_client: Client
) -> None:
    response = owner_client.post(
        PAGE, {"provider": "youtube", "label": "Brand key", "credential": YOUTUBE_KEY}, follow=True
    )

    connection = PlatformConnection.objects.get()
    assert (connection.workspace, connection.provider, connection.credential) == (
        workspace,
        "youtube",
        YOUTUBE_KEY,
    )
    html = response.content.decode()
    assert "YouTube Data API v3 connected" in html
    assert "Brand key" in html and "Working." in html
    assert YOUTUBE_KEY not in html
    event = AuditEvent.objects.get(kind="connection.created")
    assert YOUTUBE_KEY not in str(event.__dict__)


def test_an_instagram_token_needs_its_business_account_id(
    workspace: Workspace, owner_client: Client
) -> None:
    response = owner_client.post(
        PAGE, {"provider": "instagram", "credential": INSTAGRAM_TOKEN, "account_id": "@nadia"}
    )

    html = response.content.decode()
    assert response.status_code == 422
    assert "Give the Instagram business account id" in html
    assert INSTAGRAM_TOKEN not in html  # not even sent back into the field
    assert not PlatformConnection.objects.exists()


def test_a_connection_for_one_creator(workspace: Workspace, owner_client: Client) -> None:
    nadia = CreatorFactory.create(workspace=workspace, name="Nadia Glows")
    live_post(workspace, platform="instagram", url="https://instagram.com/p/C1/", creator=nadia)

    owner_client.post(
        PAGE,
        {
            "provider": "instagram",
            "credential": INSTAGRAM_TOKEN,
            "account_id": "17841400008460056",
            "creator": nadia.pk,
        },
    )

    assert PlatformConnection.objects.get().creator == nadia
    assert "For Nadia Glows" in owner_client.get(PAGE).content.decode()


def test_the_status_shows_last_use_error_and_pause_to_every_member(
    workspace: Workspace, member: Any, client_for: Callable[[Membership], Client]
) -> None:
    now = timezone.now()
    youtube_connection(
        workspace,
        last_used_at=now,
        last_error="YouTube asks to slow down (too many requests at once).",
        last_error_at=now,
        paused_until=now + dt.timedelta(minutes=20),
    )
    viewer = client_for(member(Role.VIEWER))

    html = viewer.get(PAGE).content.decode()

    assert "Paused: the platform asked to slow down." in html
    assert "Paused until" in html and "too many requests at once" in html
    assert "Test connection" not in html and "Connect a platform" not in html
    assert YOUTUBE_KEY not in html


def test_only_an_owner_changes_connections(
    workspace: Workspace, member: Any, client_for: Callable[[Membership], Client]
) -> None:
    connection = youtube_connection(workspace)
    manager = client_for(member(Role.MANAGER))

    assert manager.post(PAGE, {"provider": "youtube", "credential": YOUTUBE_KEY}).status_code == 403
    for action in ("", "test/", "delete/"):
        assert manager.post(f"{PAGE}{connection.pk}/{action}").status_code == 403
    assert PlatformConnection.objects.count() == 1


def test_another_workspaces_connection_is_not_found(
    other_workspace: Workspace, owner_client: Client
) -> None:
    theirs = youtube_connection(other_workspace)

    assert owner_client.post(f"{PAGE}{theirs.pk}/delete/").status_code == 404
    assert owner_client.post(f"{PAGE}{theirs.pk}/test/").status_code == 404
    assert PlatformConnection.objects.filter(pk=theirs.pk).exists()


def test_testing_a_connection_says_how_it_went(
    workspace: Workspace, owner_client: Client, platform: FakePlatform
) -> None:
    connection = youtube_connection(workspace)
    platform.on("/i18nRegions", answer("youtube_i18n_regions"))

    html = owner_client.post(f"{PAGE}{connection.pk}/test/", follow=True).content.decode()

    assert "The key works: YouTube answered (3 regions listed)." in html
    connection.refresh_from_db()
    assert connection.last_used_at is not None

    platform.on("/i18nRegions", answer("youtube_error_key_invalid", 400))
    html = owner_client.post(f"{PAGE}{connection.pk}/test/", follow=True).content.decode()

    assert "YouTube refuses the API key" in html
    assert "The last call failed." in html
    assert YOUTUBE_KEY not in html


def test_testing_an_instagram_token_names_the_account(
    workspace: Workspace, owner_client: Client, platform: FakePlatform
) -> None:
    connection = instagram_connection(workspace)
    platform.on("/17841400008460056", answer("instagram_user_followers"))

    html = owner_client.post(f"{PAGE}{connection.pk}/test/", follow=True).content.decode()

    assert "connected to @nadia.glows (48200 followers)" in html


def test_changing_keeps_the_credential_unless_a_new_one_is_given(
    workspace: Workspace, owner_client: Client
) -> None:
    connection = youtube_connection(workspace, last_error="refused", paused_until=timezone.now())

    owner_client.post(f"{PAGE}{connection.pk}/", {"label": "Main", "is_active": ""})
    connection.refresh_from_db()
    assert (connection.label, connection.is_active, connection.credential) == (
        "Main",
        False,
        YOUTUBE_KEY,
    )
    assert "Switched off" in owner_client.get(PAGE).content.decode()

    new_key = "AIzaSyNewKeyForTests0nly-abcdefghijkl"
    owner_client.post(
        f"{PAGE}{connection.pk}/", {"label": "Main", "is_active": "on", "credential": new_key}
    )
    connection.refresh_from_db()
    assert (connection.credential, connection.last_error, connection.paused_until) == (
        new_key,
        "",
        None,
    )
    event = AuditEvent.objects.filter(kind="connection.updated").latest("id")
    assert new_key not in str(event.__dict__)


def test_deleting_keeps_the_figures(workspace: Workspace, owner_client: Client) -> None:
    connection = youtube_connection(workspace)
    post = live_post(workspace, platform="youtube", url="https://youtu.be/Lm4RtPq9x2A")
    MetricSnapshot.objects.create(
        workspace=workspace,
        post=post,
        collected_on=timezone.localdate(),
        source="api",
        views=10,
        recorded_at=timezone.now(),
    )

    response = owner_client.post(f"{PAGE}{connection.pk}/delete/", follow=True)

    assert "the figures it brought stay" in response.content.decode()
    assert not PlatformConnection.objects.exists()
    assert MetricSnapshot.objects.filter(post=post).exists()


@pytest.fixture
def video_post(workspace: Workspace) -> Post:
    return live_post(
        workspace, platform="youtube", url="https://www.youtube.com/watch?v=Lm4RtPq9x2A"
    )


def post_page(post: Post) -> str:
    return f"/w/lumen/performance/posts/{post.pk}/"


def test_the_post_page_offers_the_refresh_only_with_a_working_connection(
    workspace: Workspace, video_post: Post, manager_client: Client
) -> None:
    assert "Refresh from YouTube" not in manager_client.get(post_page(video_post)).content.decode()

    youtube_connection(workspace)

    assert "Refresh from YouTube" in manager_client.get(post_page(video_post)).content.decode()


def test_a_viewer_gets_no_refresh_button_and_may_not_refresh(
    workspace: Workspace,
    video_post: Post,
    member: Any,
    client_for: Callable[[Membership], Client],
    platform: FakePlatform,
) -> None:
    youtube_connection(workspace)
    viewer = client_for(member(Role.VIEWER))

    assert "Refresh from YouTube" not in viewer.get(post_page(video_post)).content.decode()
    assert viewer.post(f"{post_page(video_post)}refresh/").status_code == 403
    assert platform.requests == []


def test_refreshing_a_post_shows_its_new_figures(
    workspace: Workspace, video_post: Post, manager_client: Client, platform: FakePlatform
) -> None:
    youtube_connection(workspace)
    platform.on("/videos", answer("youtube_videos_list"))

    response = manager_client.post(f"{post_page(video_post)}refresh/", follow=True)

    html = response.content.decode()
    assert response.redirect_chain[-1][0] == post_page(video_post)
    assert "The figures are refreshed from YouTube." in html
    assert "48,210" in html or "48210" in html
    assert YOUTUBE_KEY not in html


def test_a_refused_key_is_shown_on_the_post_and_the_connection(
    workspace: Workspace,
    video_post: Post,
    manager_client: Client,
    owner_client: Client,
    platform: FakePlatform,
) -> None:
    youtube_connection(workspace)
    platform.on("/videos", answer("youtube_error_key_invalid", 400))

    html = manager_client.post(f"{post_page(video_post)}refresh/", follow=True).content.decode()

    assert "The refresh failed: YouTube refuses the API key" in html
    assert "The last refresh failed:" in html  # the post page's own notice
    assert "refuses the API key" in owner_client.get(PAGE).content.decode()


def test_another_workspaces_post_cannot_be_refreshed(
    other_workspace: Workspace, manager_client: Client, platform: FakePlatform
) -> None:
    youtube_connection(other_workspace)
    theirs = live_post(other_workspace, platform="youtube", url="https://youtu.be/Lm4RtPq9x2A")

    assert manager_client.post(f"{post_page(theirs)}refresh/").status_code == 404
    assert platform.requests == []


def test_the_connections_page_costs_a_few_queries_for_many_connections(
    workspace: Workspace, owner_client: Client, django_assert_max_num_queries: Any
) -> None:
    for n in range(10):
        youtube_connection(
            workspace, label=f"key {n}", creator=CreatorFactory.create(workspace=workspace)
        )
    owner_client.get(PAGE)

    with django_assert_max_num_queries(8):
        response = owner_client.get(PAGE)

    assert response.content.decode().count('class="connection') == 10
