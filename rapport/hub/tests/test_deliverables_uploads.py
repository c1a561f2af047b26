"""Upload limits as a creator meets them: the kinds of file accepted, the size limit, and the
page given back with the reason and everything else they typed."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from rapport.campaigns.models import Submission
from rapport.campaigns.services import reviews
from rapport.hub.tests.work_fixtures import Setting, collaboration_setting, png_file, visible_text
from rapport.testing.factories import DeliverableFactory
from rapport.workspaces.models import Notification

pytestmark = pytest.mark.django_db

SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"


@pytest.fixture
def setting(workspace) -> Setting:
    made = collaboration_setting(workspace)
    DeliverableFactory.create(collaboration=made.collaboration, approval_stages=["concept"])
    return made


def refused(setting: Setting, **data) -> str:
    data.setdefault("stage", "concept")
    data.setdefault("note", "First take, sound is rough")
    response = Client().post(setting.url("deliverables/1/draft/"), data)
    assert response.status_code == 422
    assert not Submission.objects.exists()
    assert not Notification.objects.exists()
    html = response.content.decode()
    assert "First take, sound is rough</textarea>" in html  # what they typed is kept
    assert 'aria-invalid="true"' in html
    return visible_text(html)


def test_the_form_says_what_is_accepted_and_the_size_limit(setting) -> None:
    html = Client().get(setting.path).content.decode()
    assert 'accept=".jpg,.jpeg,.png,' in html
    assert "Up to 200 MB." in visible_text(html)
    assert "<progress hidden" in html and "data-upload-progress" in html


@pytest.mark.parametrize(
    ("name", "content", "what"),
    [
        ("logo.svg", SVG, "an SVG image"),
        ("page.html", HTML, "an HTML or XML page"),
        ("disguised.png", SVG, "an SVG image"),
    ],
)
def test_svg_and_html_are_refused_with_the_reason(setting, name, content, what) -> None:
    upload = SimpleUploadedFile(name, content, content_type="image/png")
    text = refused(setting, file=upload)
    assert f"“{name}” is {what}, which cannot be reviewed here. Accepted: JPEG, PNG" in text


def test_a_file_named_for_another_kind_is_refused(setting) -> None:
    text = refused(setting, file=png_file("script.pdf"))
    assert "“script.pdf” is a PNG image, but its name does not end in .png" in text


def test_a_file_over_the_limit_is_refused_with_both_sizes(setting, monkeypatch) -> None:
    monkeypatch.setattr(reviews, "MAX_UPLOAD_BYTES", 2**20)
    page = visible_text(Client().get(setting.path).content.decode())
    assert "Up to 1 MB." in page
    text = refused(setting, file=png_file("long take.png", padding=int(1.6 * 2**20)))
    assert "This file is 2 MB; the limit is 1 MB. Share a link to it instead." in text


def test_neither_a_file_nor_a_link_is_refused(setting) -> None:
    text = refused(setting)
    assert "Attach the draft or give a link to it." in text


def test_a_link_that_is_not_a_web_address_is_refused_and_kept(setting) -> None:
    text = refused(setting, link="drive.example.com/my-draft")
    assert "Give the full address of the draft, starting with https://." in text
    html = (
        Client()
        .post(
            setting.url("deliverables/1/draft/"),
            {"stage": "concept", "link": "drive.example.com/my-draft"},
        )
        .content.decode()
    )
    assert 'value="drive.example.com/my-draft"' in html
