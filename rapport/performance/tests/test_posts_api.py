"""The posts API with a workspace token: posts added, listed, changed and removed, figures
recorded with screenshots as multipart, the import endpoint, roles and other workspaces."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from rapport.performance.models import MetricSnapshot, Post
from rapport.performance.tests.posts_helpers import live_post, png_file, reel
from rapport.workspaces.models import Membership, Workspace
from rapport.workspaces.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(manager: Membership, api_client_for: Callable[..., Client]) -> Client:
    return api_client_for(manager)


def test_a_post_is_added_read_changed_listed_and_removed(workspace: Workspace, api: Client) -> None:
    deliverable = reel(workspace)
    created = api.post(
        "/api/v1/posts",
        {
            "deliverable_id": deliverable.pk,
            "url": "https://www.instagram.com/p/C1xYz_AbC-d/",
            "posted_at": "2025-03-05T18:30:00Z",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["platform"] == "instagram" and body["external_id"] == "C1xYz_AbC-d"
    assert body["collect_on"] == "2025-03-12"
    post_id = body["id"]
    assert api.get(f"/api/v1/posts/{post_id}").json()["url"].endswith("C1xYz_AbC-d/")
    changed = api.patch(
        f"/api/v1/posts/{post_id}", {"collect_on": "2025-03-20"}, content_type="application/json"
    )
    assert changed.json()["collect_on"] == "2025-03-20"
    listed = api.get(f"/api/v1/posts?deliverable_id={deliverable.pk}").json()
    assert [p["id"] for p in listed["items"]] == [post_id]
    assert api.delete(f"/api/v1/posts/{post_id}").status_code == 204
    assert not Post.objects.exists()


def test_a_bad_address_answers_422_naming_the_field(workspace: Workspace, api: Client) -> None:
    deliverable = reel(workspace)
    answer = api.post(
        "/api/v1/posts",
        {"deliverable_id": deliverable.pk, "url": "not an address"},
        content_type="application/json",
    )
    assert answer.status_code == 422
    assert answer.json()["detail"] == [
        {"field": "url", "message": "Give the post's full address, starting with https://."}
    ]


def test_figures_are_recorded_with_screenshots_and_listed_latest_first(
    workspace: Workspace, api: Client
) -> None:
    post = live_post(workspace, days_ago=20)
    day = timezone.localdate() - dt.timedelta(days=1)
    first = api.post(
        f"/api/v1/posts/{post.pk}/snapshots",
        {
            "collected_on": day.isoformat(),
            "reach": "48200",
            "likes": "3100",
            "comments": "140",
            "evidence": [png_file("a.png"), png_file("b.png")],
        },
    )
    assert first.status_code == 201, first.json()
    body = first.json()
    assert (body["reach"], body["views"], body["engagements"]) == (48200, None, 3240)
    assert [e["name"] for e in body["evidence"]] == ["a.png", "b.png"]
    again = api.post(
        f"/api/v1/posts/{post.pk}/snapshots", {"collected_on": day.isoformat(), "reach": "50000"}
    )
    assert again.status_code == 200 and again.json()["reach"] == 50000
    api.post(
        f"/api/v1/posts/{post.pk}/snapshots",
        {"collected_on": (day - dt.timedelta(days=5)).isoformat(), "reach": "100"},
    )
    listed = api.get(f"/api/v1/posts/{post.pk}/snapshots").json()["items"]
    assert [s["reach"] for s in listed] == [50000, 100]
    download = api.get(body["evidence"][0]["download"])
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")


def test_the_import_endpoint_stores_all_or_answers_every_problem(
    workspace: Workspace, api: Client
) -> None:
    post = live_post(workspace)
    day = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    bad = f"post_url,collection_date,reach\n{post.url},{day},x\nhttps://www.instagram.com/p/Unknown99/,{day},1\n"
    answer = api.post("/api/v1/metrics/import", {"file": SimpleUploadedFile("f.csv", bad.encode())})
    assert answer.status_code == 400
    assert answer.json()["problems"] == [
        {"row": 2, "column": "reach", "message": "“x” is not a whole number."},
        {
            "row": 3,
            "column": "post_url",
            "message": "No post of this workspace has this address: add the post first.",
        },
    ]
    assert not MetricSnapshot.objects.exists()
    good = f"post_url,collection_date,reach\n{post.url},{day},7\n"
    answer = api.post(
        "/api/v1/metrics/import", {"file": SimpleUploadedFile("f.csv", good.encode())}
    )
    assert answer.json() == {"created": 1, "updated": 0, "posts": 1}
    template = api.get("/api/v1/metrics/import/template?format=xlsx")
    assert template.status_code == 200 and template.content.startswith(b"PK")


def test_a_viewer_token_reads_but_cannot_write(
    workspace: Workspace,
    member: Callable[..., Membership],
    api_client_for: Callable[..., Client],
) -> None:
    post = live_post(workspace)
    viewer = api_client_for(member(Role.VIEWER))
    assert viewer.get(f"/api/v1/posts/{post.pk}").status_code == 200
    answer = viewer.post(f"/api/v1/posts/{post.pk}/snapshots", {"reach": "1"})
    assert answer.status_code == 403
    assert viewer.delete(f"/api/v1/posts/{post.pk}").status_code == 403
    assert not MetricSnapshot.objects.exists() and Post.objects.exists()


def test_another_workspaces_post_is_a_404(
    workspace: Workspace, other_workspace: Workspace, api: Client
) -> None:
    theirs = live_post(other_workspace)
    assert api.get(f"/api/v1/posts/{theirs.pk}").status_code == 404
    answer = api.post(f"/api/v1/posts/{theirs.pk}/snapshots", {"reach": "1"})
    assert answer.status_code == 404
    created = api.post(
        "/api/v1/posts",
        {"deliverable_id": theirs.deliverable_id, "url": "https://www.instagram.com/p/X1/"},
        content_type="application/json",
    )
    assert created.status_code == 404
    assert api.get("/api/v1/posts").json()["items"] == []
    assert not MetricSnapshot.objects.exists()
