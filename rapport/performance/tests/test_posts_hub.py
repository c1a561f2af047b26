"""The creator's "Your results" on the hub: the form opens on the collection date, figures with a
screenshot reach the team (their contact is told), a bad figure is shown next to its field, and
the same through the hub token API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from rapport.hub.tests.work_fixtures import Setting, collaboration_setting, visible_text
from rapport.performance.models import MetricSnapshot, Post
from rapport.performance.tests.posts_helpers import png_file
from rapport.testing.factories import DeliverableFactory, PostFactory
from rapport.workspaces.models import Notification, Workspace

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(workspace: Workspace) -> Setting:
    return collaboration_setting(workspace)


def a_post(setting: Setting, *, due_in_days: int) -> Post:
    deliverable = DeliverableFactory.create(collaboration=setting.collaboration)
    return PostFactory.create(
        deliverable=deliverable,
        url="https://www.instagram.com/reel/C9abcDEF123/",
        posted_at=timezone.now() - dt.timedelta(days=7 - due_in_days),
        collect_on=timezone.localdate() + dt.timedelta(days=due_in_days),
    )


def test_the_form_opens_on_the_collection_date(setting: Setting) -> None:
    post = a_post(setting, due_in_days=3)
    text = visible_text(Client().get(setting.path).content.decode())
    assert "Your results" in text and "Post 1 on Instagram" in text
    assert "The form opens on" in text and "Send the figures" not in text
    post.collect_on = timezone.localdate()
    post.save()
    text = visible_text(Client().get(setting.path).content.decode())
    assert "Send the figures" in text


def test_the_creator_sends_figures_with_a_screenshot_and_the_owner_is_told(
    setting: Setting,
) -> None:
    post = a_post(setting, due_in_days=0)
    response = Client().post(
        setting.url("results/1/"),
        {
            "collected_on": timezone.localdate().isoformat(),
            "reach": "48200",
            "views": "52000",
            "likes": "3100",
            "evidence": png_file("insights.png"),
        },
        follow=True,
    )
    text = visible_text(response.content.decode())
    assert "Thank you: the figures of post 1 are with the team." in text
    assert "reach 48,200, views 52,000, engagements 3,100" in text
    snapshot = MetricSnapshot.objects.get()
    assert (snapshot.post, snapshot.source, snapshot.recorded_by) == (post, "creator", None)
    assert [e.original_name for e in snapshot.evidence.all()] == ["insights.png"]
    note = Notification.objects.get(recipient=setting.owner)
    assert "Mia Laurent sent the figures of post 1" in note.text
    assert note.url == f"/w/{setting.collaboration.workspace.slug}/performance/posts/{post.pk}/"


def test_a_bad_figure_is_shown_next_to_the_field(setting: Setting) -> None:
    a_post(setting, due_in_days=0)
    response = Client().post(
        setting.url("results/1/"),
        {"collected_on": timezone.localdate().isoformat(), "reach": "lots", "likes": "12"},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'data-hub-refused="results"' in html
    assert 'id="id_results1_reach"' in html and 'aria-invalid="true"' in html
    assert "“lots” is not a whole number." in visible_text(html)
    assert 'value="12"' in html
    assert not MetricSnapshot.objects.exists() and not Notification.objects.exists()


def test_before_the_date_or_for_a_post_that_does_not_exist_nothing_is_stored(
    setting: Setting,
) -> None:
    a_post(setting, due_in_days=2)
    values = {"collected_on": timezone.localdate().isoformat(), "reach": "1"}
    response = Client().post(setting.url("results/1/"), values)
    assert response.status_code == 422
    assert "Your figures are due on" in visible_text(response.content.decode())
    assert Client().post(setting.url("results/2/"), values).status_code == 404
    assert not MetricSnapshot.objects.exists()


def test_the_hub_api_lists_posts_and_takes_figures(setting: Setting) -> None:
    a_post(setting, due_in_days=0)
    token = setting.path.strip("/").rsplit("/", 1)[-1]
    api = Client(headers={"X-Hub-Token": token})
    listed = api.get("/api/v1/hub/me/posts").json()
    assert listed == [
        {
            "position": 1,
            "platform": "instagram",
            "url": "https://www.instagram.com/reel/C9abcDEF123/",
            "collect_on": timezone.localdate().isoformat(),
            "open": True,
            "latest_collected_on": None,
            "reach": None,
            "views": None,
            "engagements": None,
        }
    ]
    bad = api.post("/api/v1/hub/me/posts/1/metrics", {"reach": "-1"})
    assert bad.status_code == 422
    assert {"field": "reach", "message": "A count cannot be negative."} in bad.json()["detail"]
    sent = api.post(
        "/api/v1/hub/me/posts/1/metrics",
        {
            "collected_on": timezone.localdate().isoformat(),
            "reach": "900",
            "likes": "30",
            "evidence": png_file(),
        },
    )
    assert sent.status_code == 201
    assert sent.json()["reach"] == 900 and sent.json()["engagements"] == 30
    assert MetricSnapshot.objects.get().evidence.count() == 1
    assert Client().get("/api/v1/hub/me/posts").status_code == 401


def test_a_file_of_no_known_kind_is_refused_saying_what_a_screenshot_may_be(
    setting: Setting,
) -> None:
    a_post(setting, due_in_days=0)
    response = Client().post(
        setting.url("results/1/"),
        {
            "collected_on": timezone.localdate().isoformat(),
            "reach": "900",
            "evidence": SimpleUploadedFile("notes.bin", b"\x00\x01 not a picture"),
        },
    )
    assert response.status_code == 422
    text = visible_text(response.content.decode())
    assert "a screenshot is an image (JPEG, PNG, GIF, WebP, HEIC) or a PDF." in text
    assert "Word" not in text and "videos" not in text
    assert not MetricSnapshot.objects.exists()
