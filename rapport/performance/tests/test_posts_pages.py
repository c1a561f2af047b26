"""The posts pages as members use them: the collaboration page's posts, adding a post, a post's
page with its figures and the collection form, screenshots for members only, the import page,
roles, other workspaces and query counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rapport.hub.tests.work_fixtures import visible_text
from rapport.performance.models import MetricSnapshot, Post
from rapport.performance.services.posts import record_collection
from rapport.performance.tests.posts_helpers import LIVE_URL, live_post, png_file
from rapport.testing.factories import DeliverableFactory, MetricSnapshotFactory, PostFactory
from rapport.workspaces.models import Membership, Workspace
from rapport.workspaces.roles import Role

pytestmark = pytest.mark.django_db


def post_url(post: Post, suffix: str = "") -> str:
    return f"/w/{post.workspace.slug}/performance/posts/{post.pk}/{suffix}"


def collaboration_url(post: Post) -> str:
    return f"/w/{post.workspace.slug}/campaigns/collaborations/{post.collaboration_id}/"


def test_the_post_page_shows_the_latest_figures_with_their_definitions(
    workspace: Workspace, manager_client: Client
) -> None:
    post = live_post(workspace, days_ago=30)
    today = timezone.localdate()
    MetricSnapshotFactory.create(
        post=post, collected_on=today - dt.timedelta(days=5), reach=500, likes=10
    )
    MetricSnapshotFactory.create(
        post=post, collected_on=today, source="creator", reach=48200, likes=1500, comments=100
    )
    html = manager_client.get(post_url(post)).content.decode()
    text = visible_text(html)
    assert "Reel on Instagram by Ana Lima" in text
    assert "Latest figures" in text and "Entered by the creator" in text
    assert "Reach 48,200" in text
    assert "Engagements 1,600" in text
    assert "ER 3.32% Engagement rate: engagements ÷ reach." in text
    assert 'title="Engagement rate: engagements ÷ reach."' in html
    assert "Views unknown" in text
    assert "Record the figures" in text


def test_recording_the_figures_from_the_page(
    workspace: Workspace, manager: Membership, client_for: Callable[..., Client]
) -> None:
    post = live_post(workspace)
    response = client_for(manager).post(
        post_url(post),
        {
            "collected_on": post.collect_on.isoformat() if post.collect_on else "",
            "reach": "48 200",
            "likes": "3100",
            "note": "insights",
            "evidence": [png_file("one.png"), png_file("two.png")],
        },
        follow=True,
    )
    text = visible_text(response.content.decode())
    assert "The figures are recorded." in text
    snapshot = MetricSnapshot.objects.get()
    assert (snapshot.reach, snapshot.likes, snapshot.recorded_by) == (48200, 3100, manager.user)
    assert "one.png" in text and "two.png" in text
    evidence = snapshot.evidence.first()
    assert evidence is not None
    download = client_for(manager).get(f"/w/{workspace.slug}/performance/evidence/{evidence.pk}/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content).startswith(b"\x89PNG")  # type: ignore[attr-defined]


def test_a_bad_figure_is_shown_next_to_its_field_and_nothing_is_stored(
    workspace: Workspace, manager_client: Client
) -> None:
    post = live_post(workspace)
    response = manager_client.post(
        post_url(post),
        {"collected_on": timezone.localdate().isoformat(), "reach": "12k", "likes": "40"},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="id_reach_error">“12k” is not a whole number.</small>' in html
    assert 'value="40"' in html  # what was typed is kept
    assert not MetricSnapshot.objects.exists()


def test_the_collaboration_page_lists_posts_per_deliverable_and_adds_one(
    workspace: Workspace, manager_client: Client
) -> None:
    post = live_post(workspace)
    MetricSnapshotFactory.create(post=post, reach=2000, views=5000, likes=80, comments=20)
    text = visible_text(manager_client.get(collaboration_url(post)).content.decode())
    assert "Posts and figures" in text
    assert "Instagram post 1" in text
    assert "2,000 5,000 100 5.00%" in text
    response = manager_client.post(
        f"/w/{workspace.slug}/performance/collaborations/{post.collaboration_id}/posts/",
        {
            "deliverable": post.deliverable_id,
            "url": "https://www.instagram.com/p/Second42/",
            "platform": "",
            "posted_at": "",
            "collect_on": "",
        },
        follow=True,
    )
    assert "Post https://www.instagram.com/p/Second42/ added." in visible_text(
        response.content.decode()
    )
    added = Post.objects.get(url="https://www.instagram.com/p/Second42/")
    assert added.platform == "instagram" and added.external_id == "Second42"


def test_adding_the_same_address_twice_says_why(
    workspace: Workspace, manager_client: Client
) -> None:
    post = live_post(workspace)
    response = manager_client.post(
        f"/w/{workspace.slug}/performance/collaborations/{post.collaboration_id}/posts/",
        {"deliverable": post.deliverable_id, "url": LIVE_URL},
    )
    assert response.status_code == 422
    assert "This collaboration already has a post at this address." in response.content.decode()


def test_editing_and_removing_a_post(workspace: Workspace, manager_client: Client) -> None:
    post = live_post(workspace)
    response = manager_client.post(
        post_url(post, "edit/"),
        {"url": post.url, "platform": "", "posted_at": "", "collect_on": "2025-01-31"},
        follow=True,
    )
    assert "saved" in visible_text(response.content.decode())
    post.refresh_from_db()
    assert post.collect_on == dt.date(2025, 1, 31)
    manager_client.post(post_url(post, "delete/"))
    assert not Post.objects.exists()


def test_a_viewer_sees_the_figures_but_cannot_record_them(
    workspace: Workspace, member: Callable[..., Membership], client_for: Callable[..., Client]
) -> None:
    post = live_post(workspace)
    viewer = client_for(member(Role.VIEWER))
    page = viewer.get(post_url(post))
    assert page.status_code == 200
    assert "Record the figures" not in visible_text(page.content.decode())
    values = {"collected_on": timezone.localdate().isoformat(), "reach": "1"}
    assert viewer.post(post_url(post), values).status_code == 403
    assert viewer.post(post_url(post, "delete/")).status_code == 403
    assert viewer.get(f"/w/{workspace.slug}/performance/import/").status_code == 403
    assert not MetricSnapshot.objects.exists() and Post.objects.exists()


def test_another_workspaces_post_and_screenshot_are_a_404(
    workspace: Workspace, other_workspace: Workspace, manager_client: Client
) -> None:
    theirs = live_post(other_workspace)
    snapshot, _ = record_collection(
        post=theirs,
        collected_on=theirs.collect_on,
        values={"reach": "1"},
        evidence=[png_file()],
        actor=None,
    )
    evidence = snapshot.evidence.get()
    base = f"/w/{workspace.slug}/performance"
    assert manager_client.get(f"{base}/posts/{theirs.pk}/").status_code == 404
    assert manager_client.get(f"{base}/evidence/{evidence.pk}/").status_code == 404
    assert manager_client.post(f"{base}/posts/{theirs.pk}/delete/").status_code == 404
    assert Post.objects.filter(pk=theirs.pk).exists()
    # No public address serves it either.
    assert Client().get(f"{base}/evidence/{evidence.pk}/").status_code == 302


def test_the_post_page_reads_a_fixed_number_of_queries(
    workspace: Workspace, manager_client: Client, django_assert_max_num_queries
) -> None:
    post = live_post(workspace, days_ago=40)
    for days in range(1, 4):
        record_collection(
            post=post,
            collected_on=timezone.localdate() - dt.timedelta(days=days),
            values={"reach": str(days)},
            evidence=[png_file()],
            actor=None,
        )
    with django_assert_max_num_queries(12):
        manager_client.get(post_url(post))
    for days in range(4, 14):
        MetricSnapshotFactory.create(
            post=post, collected_on=timezone.localdate() - dt.timedelta(days=days), reach=days
        )
    with django_assert_max_num_queries(12):
        manager_client.get(post_url(post))


def test_the_collaboration_section_reads_a_fixed_number_of_queries(
    workspace: Workspace, manager_client: Client
) -> None:
    post = live_post(workspace)
    MetricSnapshotFactory.create(post=post, reach=10)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert manager_client.get(collaboration_url(post)).status_code == 200
        return len(queries)

    count()  # the first visit also remembers the workspace in the session
    before = count()
    for n in range(5):
        deliverable = DeliverableFactory.create(collaboration=post.collaboration)
        extra = PostFactory.create(deliverable=deliverable)
        MetricSnapshotFactory.create(post=extra, reach=n)
    assert count() == before


def test_the_import_page_shows_the_summary_or_every_problem(
    workspace: Workspace, manager_client: Client
) -> None:
    post = live_post(workspace)
    day = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    url = f"/w/{workspace.slug}/performance/import/"
    good = f"post_url,collection_date,reach\n{post.url},{day},900\n".encode()
    response = manager_client.post(url, {"file": SimpleUploadedFile("f.csv", good)})
    assert "1 new, 0 updated, for 1 post." in visible_text(response.content.decode())
    bad = f"post_url,collection_date,reach\n{post.url},{day},lots\n".encode()
    response = manager_client.post(url, {"file": SimpleUploadedFile("f.csv", bad)})
    assert response.status_code == 422
    text = visible_text(response.content.decode())
    assert "The file has 1 problem; nothing was stored." in text
    assert "Row 2, reach: “lots” is not a whole number." in text
    assert MetricSnapshot.objects.get().reach == 900
    template = manager_client.get(f"{url}template.xlsx")
    assert template.status_code == 200 and template.content.startswith(b"PK")
