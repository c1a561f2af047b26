"""Posts and the collection form through the services: the platform id read from the address,
the default collection date, a post per live deliverable, figures with screenshots stored
together or not at all, and the latest figures shown."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from rapport.campaigns.services.deliverables import record_live
from rapport.performance.models import MetricEvidence, MetricSnapshot, Post
from rapport.performance.queries.posts import post_rows
from rapport.performance.services import posts as services
from rapport.performance.tests.posts_helpers import live_post, pdf_file, png_file, reel
from rapport.workspaces.models import AuditEvent, Membership, Workspace

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("platform", "url", "expected"),
    [
        ("youtube", "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42s", "dQw4w9WgXcQ"),
        ("youtube", "https://youtu.be/dQw4w9WgXcQ?si=abc", "dQw4w9WgXcQ"),
        ("youtube", "https://youtube.com/shorts/aBcDeFgHiJk", "aBcDeFgHiJk"),
        ("youtube", "https://www.youtube.com/@lumen", ""),
        ("instagram", "https://www.instagram.com/p/C1xYz_AbC-d/", "C1xYz_AbC-d"),
        ("instagram", "https://instagram.com/reel/C9abcDEF123/?igsh=x", "C9abcDEF123"),
        ("instagram", "https://www.instagram.com/ana.lima/", ""),
        ("tiktok", "https://www.tiktok.com/@ana/video/7301", ""),
    ],
)
def test_the_platform_id_is_read_from_the_address(platform, url, expected) -> None:
    assert services.external_id_from(platform, url) == expected


def test_a_post_takes_the_deliverables_platform_and_is_collected_a_week_after(
    workspace: Workspace, manager: Membership
) -> None:
    deliverable = reel(workspace)
    went_live = dt.datetime(2025, 3, 5, 18, 30, tzinfo=dt.UTC)
    post = services.create_post(
        deliverable=deliverable,
        url=" https://www.instagram.com/reel/C9abcDEF123/ ",
        posted_at=went_live,
        actor=manager.user,
    )
    assert post.platform == "instagram"
    assert post.url == "https://www.instagram.com/reel/C9abcDEF123/"
    assert post.external_id == "C9abcDEF123"
    assert post.collect_on == dt.date(2025, 3, 12)
    event = AuditEvent.objects.get(kind="post.added")
    assert event.creator_id == deliverable.collaboration.creator_id
    assert event.campaign_id == deliverable.collaboration.campaign_id


def test_a_bad_address_a_repeated_one_and_a_future_time_are_refused(
    workspace: Workspace, manager: Membership
) -> None:
    post = live_post(workspace)
    with pytest.raises(ValidationError) as bad:
        services.create_post(deliverable=post.deliverable, url="instagram.com/x", actor=None)
    assert bad.value.message_dict["url"] == [
        "Give the post's full address, starting with https://."
    ]
    with pytest.raises(ValidationError) as twice:
        services.create_post(deliverable=post.deliverable, url=post.url, actor=None)
    assert "already has a post at this address" in twice.value.message_dict["url"][0]
    with pytest.raises(ValidationError) as future:
        services.create_post(
            deliverable=post.deliverable,
            url="https://www.instagram.com/p/Other1/",
            posted_at=timezone.now() + dt.timedelta(days=1),
            actor=None,
        )
    assert future.value.message_dict == {
        "posted_at": ["A post cannot have gone live in the future."]
    }
    assert Post.objects.count() == 1


def test_recording_a_deliverable_live_creates_its_post_once(
    workspace: Workspace, manager: Membership
) -> None:
    deliverable = reel(workspace)
    went_live = timezone.now() - dt.timedelta(days=1)
    record_live(
        deliverable=deliverable,
        actor=manager.user,
        live_url="https://www.instagram.com/reel/C9abcDEF123/",
        went_live_at=went_live,
    )
    post = Post.objects.get()
    assert post.deliverable == deliverable
    assert post.posted_at == went_live
    assert post.external_id == "C9abcDEF123"
    assert post.collect_on == services.default_collect_on(deliverable.collaboration, went_live)
    record_live(
        deliverable=deliverable,
        actor=manager.user,
        live_url="https://www.instagram.com/reel/C9abcDEF123/",
        went_live_at=went_live,
        disclosure_checked=True,
    )
    assert Post.objects.count() == 1


def test_changing_the_address_reads_the_platform_id_again(
    workspace: Workspace, manager: Membership
) -> None:
    post = live_post(workspace)
    services.update_post(
        post=post, actor=manager.user, url="https://www.instagram.com/p/NewCode42/"
    )
    post.refresh_from_db()
    assert post.external_id == "NewCode42"
    assert AuditEvent.objects.filter(kind="post.changed").exists()


def test_figures_with_screenshots_are_stored_together(
    workspace: Workspace, manager: Membership
) -> None:
    post = live_post(workspace)
    snapshot, created = services.record_collection(
        post=post,
        collected_on=post.collect_on,
        values={"reach": "48,200", "likes": "3100", "comments": "140", "views": ""},
        note="From the insights screen",
        evidence=[png_file("insights.png"), pdf_file("export.pdf")],
        actor=manager.user,
    )
    assert created
    assert (snapshot.reach, snapshot.likes, snapshot.views) == (48200, 3100, None)
    assert snapshot.source == "entered" and snapshot.recorded_by == manager.user
    names = [e.original_name for e in snapshot.evidence.all()]
    assert names == ["insights.png", "export.pdf"]
    stored = snapshot.evidence.first()
    assert stored is not None and str(stored.file.name).startswith(f"metrics/{workspace.pk}/")


def test_the_same_date_again_updates_the_figures(workspace: Workspace) -> None:
    post = live_post(workspace)
    day = post.collect_on
    services.record_collection(post=post, collected_on=day, values={"reach": "100"}, actor=None)
    snapshot, created = services.record_collection(
        post=post, collected_on=day, values={"reach": "120", "likes": "9"}, actor=None
    )
    assert not created
    assert MetricSnapshot.objects.count() == 1
    assert (snapshot.reach, snapshot.likes) == (120, 9)


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("clip.mp4", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64),
            "a screenshot is an image (JPEG, PNG, GIF, WebP, HEIC) or a PDF",
        ),
        (
            SimpleUploadedFile("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>'),
            "“logo.svg” is an SVG image",
        ),
    ],
)
def test_a_screenshot_that_is_not_an_image_or_pdf_stores_nothing(
    workspace: Workspace, upload, message
) -> None:
    post = live_post(workspace)
    with pytest.raises(ValidationError) as refused:
        services.record_collection(
            post=post,
            collected_on=post.collect_on,
            values={"reach": "100"},
            evidence=[upload],
            actor=None,
        )
    assert message in refused.value.message_dict["evidence"][0]
    assert not MetricSnapshot.objects.exists() and not MetricEvidence.objects.exists()


def test_a_bad_figure_is_named_and_nothing_is_stored(workspace: Workspace) -> None:
    post = live_post(workspace)
    with pytest.raises(ValidationError) as refused:
        services.record_collection(
            post=post,
            collected_on=post.collect_on,
            values={"reach": "12k", "likes": "-3"},
            evidence=[png_file()],
            actor=None,
        )
    assert refused.value.message_dict == {
        "reach": ["“12k” is not a whole number."],
        "likes": ["A count cannot be negative."],
    }
    assert not MetricSnapshot.objects.exists() and not MetricEvidence.objects.exists()


def test_the_latest_figures_are_the_latest_collection_date(workspace: Workspace) -> None:
    post = live_post(workspace, days_ago=30)
    today = timezone.localdate()
    services.record_collection(
        post=post, collected_on=today, values={"reach": "900", "likes": "30"}, actor=None
    )
    services.record_collection(
        post=post,
        collected_on=today - dt.timedelta(days=10),
        values={"reach": "500", "likes": "10"},
        actor=None,
    )
    [row] = post_rows(post.collaboration)
    assert row.position == 1
    assert row.latest is not None and row.latest.collected_on == today
    assert row.engagements == 30
    assert row.rate.value == "3.33%"
    assert row.reach == "900"


def test_removing_a_post_removes_its_figures_and_files(
    workspace: Workspace, manager: Membership, django_capture_on_commit_callbacks
) -> None:
    post = live_post(workspace)
    snapshot, _ = services.record_collection(
        post=post,
        collected_on=post.collect_on,
        values={"reach": "1"},
        evidence=[png_file()],
        actor=None,
    )
    evidence = snapshot.evidence.get()
    storage, name = evidence.file.storage, str(evidence.file.name)
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_post(post=post, actor=manager.user)
    assert not Post.objects.exists() and not MetricSnapshot.objects.exists()
    assert not storage.exists(name)
    assert AuditEvent.objects.filter(kind="post.removed").exists()
