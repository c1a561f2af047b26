"""Review files: which kinds are accepted (judged from their first bytes, never from the declared
type), and downloading them, only by members, always as an attachment."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from rapport.campaigns.models import CollabStage, Submission
from rapport.campaigns.services.reviews import check_upload, submit
from rapport.testing.factories import CampaignFactory, CollaborationFactory, DeliverableFactory
from rapport.workspaces.models import Membership, Workspace
from rapport.workspaces.roles import Role

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 20
GIF = b"GIF89a\x01\x00\x01\x00" + b"\x00" * 20
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 20
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
MOV = b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  "
WEBM = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01" + b"\x00" * 20
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    return buffer.getvalue()


def _upload(name: str, content: bytes, content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.mark.parametrize(
    ("name", "content", "served_as"),
    [
        ("photo.jpg", JPEG, "image/jpeg"),
        ("photo.JPEG", JPEG, "image/jpeg"),
        ("frame.png", PNG, "image/png"),
        ("loop.gif", GIF, "image/gif"),
        ("frame.webp", WEBP, "image/webp"),
        ("frame.heic", HEIC, "image/heic"),
        ("cut.mp4", MP4, "video/mp4"),
        ("cut.mov", MOV, "video/quicktime"),
        ("cut.webm", WEBM, "video/webm"),
        ("cut.mkv", WEBM, "video/x-matroska"),
        ("script.pdf", PDF, "application/pdf"),
        ("script.docx", _zip(), "wordprocessingml.document"),
        ("plan.xlsx", _zip(), "spreadsheetml.sheet"),
        ("deck.pptx", _zip(), "presentationml.presentation"),
        ("script.txt", "Voix off : « Bonjour » ✨\n".encode(), "text/plain"),
    ],
)
def test_accepted_kinds_are_recognised_from_their_content(
    name: str, content: bytes, served_as: str
) -> None:
    # The declared type is deliberately wrong: only the bytes count.
    kind = check_upload(_upload(name, content, "application/octet-stream"))
    ext = "." + name.rsplit(".", 1)[1].lower()
    assert served_as in kind.types[ext]


@pytest.mark.parametrize(
    ("name", "content", "content_type", "received"),
    [
        ("logo.svg", SVG, "image/svg+xml", "an SVG image"),
        ("logo.png", SVG, "image/png", "an SVG image"),
        ("page.png", HTML, "image/png", "an HTML or XML page"),
        ("page.html", HTML, "text/html", "an HTML or XML page"),
        ("page.txt", HTML, "text/plain", "an HTML or XML page"),
        ("bundle.zip", _zip(), "application/zip", "a ZIP archive"),
        (
            "tool.exe",
            b"MZ\x90\x00" + b"\x00" * 20,
            "image/png",
            "unknown kind (sent as “image/png”)",
        ),
        ("notes.txt", b"text\x00with a NUL", "text/plain", "unknown kind"),
        ("notes.txt", b"caf\xe9 latin-1", "text/plain", "unknown kind"),
        (
            "old.doc",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 20,
            "",
            "unknown kind (sent as “no type”)",
        ),
    ],
)
def test_anything_else_is_refused_naming_what_it_is_and_what_is_accepted(
    name: str, content: bytes, content_type: str, received: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        check_upload(_upload(name, content, content_type))
    message = exc.value.message_dict["file"][0]
    assert f"“{name}” is " in message and received in message
    assert "cannot be reviewed here" in message
    assert "Accepted: JPEG, PNG, GIF, WebP or HEIC images; MP4, MOV, WebM or MKV videos" in message


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("cover.png", PDF, "is a PDF document, but its name does not end in .pdf"),
        ("cut.mp4", PNG, "is a PNG image, but its name does not end in .png"),
        ("script", PDF, "does not end in .pdf"),
    ],
)
def test_the_extension_must_match_what_the_file_is(
    name: str, content: bytes, expected: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        check_upload(_upload(name, content, "application/pdf"))
    assert expected in exc.value.message_dict["file"][0]


@pytest.fixture
def decider(member: Callable[..., Membership]) -> Membership:
    return member(Role.REVIEWER, name="Dana Decider")


@pytest.fixture
def deliverable(workspace: Workspace, decider: Membership) -> Any:
    campaign = CampaignFactory.create(workspace=workspace, decision_maker=decider.user)
    collab = CollaborationFactory.create(campaign=campaign, stage=CollabStage.IN_PRODUCTION)
    return DeliverableFactory.create(collaboration=collab, approval_stages=["concept", "final"])


def _sent(deliverable: Any, name: str = "Été, v2.pdf", content: bytes = PDF) -> Submission:
    return submit(deliverable=deliverable, stage="concept", actor=None, file=_upload(name, content))


def _file_url(submission: Submission) -> str:
    return reverse(
        "campaigns:submission_file", kwargs={"ws": submission.workspace.slug, "pk": submission.pk}
    )


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def test_a_member_downloads_the_file_as_an_attachment(
    deliverable: Any, member: Callable[..., Membership], client_for: Callable[..., Client]
) -> None:
    submission = _sent(deliverable)
    viewer = client_for(member(Role.VIEWER))
    page = viewer.get(
        reverse("campaigns:submission", kwargs={"ws": "lumen", "pk": submission.pk})
    ).content.decode()
    assert f'href="{_file_url(submission)}"' in page and "Download Été_v2.pdf" in page
    response = viewer.get(_file_url(submission))
    assert response.status_code == 200
    assert _body(response) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=utf-8''%C3%89t%C3%A9_v2.pdf" in (
        disposition
    )
    assert viewer.post(_file_url(submission)).status_code == 405


def test_a_stored_html_or_svg_file_is_never_served_as_such(
    deliverable: Any, manager_client: Client
) -> None:
    """A file stored before the checks (or put there by hand) is still only an opaque download."""
    submission = _sent(deliverable)
    for name, content in (("old/page.html", HTML), ("old/logo.svg", SVG)):
        submission.file.name = default_storage.save(name, ContentFile(content))
        submission.save()
        response = manager_client.get(_file_url(submission))
        assert response["Content-Type"] == "application/octet-stream"
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"


def test_another_workspaces_file_is_a_404_and_strangers_sign_in_first(
    deliverable: Any, other_workspace: Workspace, manager_client: Client
) -> None:
    theirs_deliverable = DeliverableFactory.create(
        collaboration__campaign__workspace=other_workspace, approval_stages=["concept"]
    )
    theirs = _sent(theirs_deliverable)
    wrong_slug = reverse("campaigns:submission_file", kwargs={"ws": "lumen", "pk": theirs.pk})
    assert manager_client.get(wrong_slug).status_code == 404
    assert manager_client.get(_file_url(theirs)).status_code == 404
    anonymous = Client().get(_file_url(_sent(deliverable)))
    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]


def test_a_file_no_longer_stored_or_a_link_answers_410_gone(
    deliverable: Any, manager_client: Client
) -> None:
    submission = _sent(deliverable)
    submission.file.delete(save=False)
    response = manager_client.get(_file_url(submission))
    assert response.status_code == 410
    assert "is no longer stored; ask the creator to send it again" in response.content.decode()
    link = submit(
        deliverable=deliverable, stage="final", actor=None, link="https://drive.test/final"
    )
    response = manager_client.get(_file_url(link))
    assert response.status_code == 410
    assert "sent as a link, not a file: https://drive.test/final" in response.content.decode()


def test_the_api_downloads_the_file_with_a_token(
    deliverable: Any,
    manager: Membership,
    other_workspace: Workspace,
    api_client_for: Callable[..., Client],
) -> None:
    submission = _sent(deliverable, "cut.mp4", MP4)
    api = api_client_for(manager)
    detail = api.get(f"/api/v1/submissions/{submission.pk}").json()
    assert detail["file_url"] == _file_url(submission)
    response = api.get(f"/api/v1/submissions/{submission.pk}/file")
    assert response.status_code == 200 and _body(response) == MP4
    assert response["Content-Type"] == "video/mp4"
    assert response["Content-Disposition"] == 'attachment; filename="cut.mp4"'
    assert response["X-Content-Type-Options"] == "nosniff"
    theirs = _sent(
        DeliverableFactory.create(
            collaboration__campaign__workspace=other_workspace, approval_stages=["concept"]
        )
    )
    assert api.get(f"/api/v1/submissions/{theirs.pk}/file").status_code == 404
    submission.file.delete(save=False)
    gone = api.get(f"/api/v1/submissions/{submission.pk}/file")
    assert gone.status_code == 410 and "no longer stored" in gone.json()["detail"]
