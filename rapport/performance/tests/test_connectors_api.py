"""API for platform connections and refreshing a post: the same rules as the pages, and the
credential never in an answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client

from rapport.performance.models import MetricSnapshot, PlatformConnection
from rapport.performance.tests.connectors_fixtures import (
    INSTAGRAM_TOKEN,
    YOUTUBE_KEY,
    FakePlatform,
    answer,
    live_post,
    platform,
    youtube_connection,
)
from rapport.testing.factories import CreatorFactory
from rapport.workspaces.models import Membership, Workspace
from rapport.workspaces.roles import Role

__all__ = ["platform"]

API = "/api/v1"


def test_an_owner_connects_lists_changes_and_deletes(
    workspace: Workspace, owner: Membership, api_client_for: Callable[..., Client]
) -> None:
    client = api_client_for(owner)
    nadia = CreatorFactory.create(workspace=workspace)

    created = client.post(
        f"{API}/connections",
        {
            "provider": "instagram",
            "credential": INSTAGRAM_TOKEN,
            "account_id": "17841400008460056",
            "creator_id": nadia.pk,
        },
        content_type="application/json",
    )

    assert created.status_code == 201, created.content
    body = created.json()
    assert body["provider"] == "instagram" and body["creator_id"] == nadia.pk
    assert body["has_credential"] is True and body["status"] == "ok"
    assert "credential" not in body
    assert INSTAGRAM_TOKEN not in created.content.decode()

    listed = client.get(f"{API}/connections")
    assert [c["id"] for c in listed.json()["items"]] == [body["id"]]
    assert INSTAGRAM_TOKEN not in listed.content.decode()

    changed = client.patch(
        f"{API}/connections/{body['id']}",
        {"is_active": False, "label": "Nadia's own"},
        content_type="application/json",
    )
    assert changed.json()["status"] == "off" and changed.json()["label"] == "Nadia's own"
    assert PlatformConnection.objects.get().credential == INSTAGRAM_TOKEN

    assert client.delete(f"{API}/connections/{body['id']}").status_code == 204
    assert not PlatformConnection.objects.exists()


def test_bad_input_names_the_field(
    owner: Membership, api_client_for: Callable[..., Client]
) -> None:
    client = api_client_for(owner)

    response = client.post(
        f"{API}/connections",
        {"provider": "youtube", "credential": "short"},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "credential"
    other = client.post(
        f"{API}/connections",
        {"provider": "youtube", "credential": YOUTUBE_KEY, "creator_id": 999999},
        content_type="application/json",
    )
    assert other.status_code == 422 and other.json()["detail"][0]["field"] == "creator_id"


def test_a_manager_token_sees_status_but_changes_nothing(
    workspace: Workspace, manager: Membership, api_client_for: Callable[..., Client]
) -> None:
    connection = youtube_connection(workspace)
    client = api_client_for(manager)

    assert client.get(f"{API}/connections/{connection.pk}").json()["status"] == "ok"
    assert (
        client.post(
            f"{API}/connections",
            {"provider": "youtube", "credential": YOUTUBE_KEY},
            content_type="application/json",
        ).status_code
        == 403
    )
    assert client.delete(f"{API}/connections/{connection.pk}").status_code == 403
    assert client.post(f"{API}/connections/{connection.pk}/test").status_code == 403


def test_another_workspaces_connection_is_a_404(
    other_workspace: Workspace, owner: Membership, api_client_for: Callable[..., Client]
) -> None:
    theirs = youtube_connection(other_workspace)

    assert api_client_for(owner).get(f"{API}/connections/{theirs.pk}").status_code == 404


def test_testing_a_connection(
    workspace: Workspace,
    owner: Membership,
    api_client_for: Callable[..., Client],
    platform: FakePlatform,
) -> None:
    connection = youtube_connection(workspace)
    platform.on("/i18nRegions", answer("youtube_error_quota_exceeded", 403))

    response = api_client_for(owner).post(f"{API}/connections/{connection.pk}/test")

    assert response.json()["ok"] is False
    assert "used up today's quota" in response.json()["message"]
    status = api_client_for(owner).get(f"{API}/connections/{connection.pk}").json()
    assert status["status"] == "paused" and status["paused_until"] is not None
    assert YOUTUBE_KEY not in response.content.decode()


def test_refreshing_a_post(
    workspace: Workspace,
    member: Any,
    api_client_for: Callable[..., Client],
    platform: FakePlatform,
) -> None:
    youtube_connection(workspace)
    post = live_post(workspace, platform="youtube", url="https://youtu.be/Lm4RtPq9x2A")
    platform.on("/videos", answer("youtube_videos_list"))

    response = api_client_for(member(Role.OPS)).post(f"{API}/posts/{post.pk}/refresh")

    assert response.status_code == 200, response.content
    assert response.json()["fetch_error"] == ""
    assert response.json()["last_fetched_at"] is not None
    assert MetricSnapshot.objects.get(post=post).views == 48210
    assert (
        api_client_for(member(Role.VIEWER)).post(f"{API}/posts/{post.pk}/refresh").status_code
        == 403
    )


def test_refreshing_without_a_connection_is_a_422(
    workspace: Workspace, manager: Membership, api_client_for: Callable[..., Client]
) -> None:
    post = live_post(workspace, platform="youtube", url="https://youtu.be/Lm4RtPq9x2A")

    response = api_client_for(manager).post(f"{API}/posts/{post.pk}/refresh")

    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "post"
    assert "No working YouTube" in response.json()["detail"][0]["message"]
