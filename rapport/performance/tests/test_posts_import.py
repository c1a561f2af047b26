"""Importing figures from CSV and XLSX files: the post found by its address, English and French
headings, every problem named by row and column with nothing stored, and a second import of the
same file adding nothing."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from rapport.hub.tests.work_fixtures import visible_text
from rapport.performance.models import MetricSnapshot, Post
from rapport.performance.services.metric_import import (
    MetricImportError,
    import_metrics,
    import_template,
)
from rapport.performance.tests.posts_helpers import LIVE_URL, live_post
from rapport.testing.factories import PostFactory
from rapport.workspaces.models import AuditEvent, Membership, Workspace

pytestmark = pytest.mark.django_db

DAY = (timezone.localdate() - dt.timedelta(days=2)).isoformat()


@pytest.fixture
def post(workspace: Workspace) -> Post:
    return live_post(workspace)


def problems_of(workspace: Workspace, data: bytes, name: str = "figures.csv") -> list[str]:
    with pytest.raises(MetricImportError) as refused:
        import_metrics(workspace=workspace, data=data, name=name, actor=None)
    assert not MetricSnapshot.objects.exists()
    return [str(p) for p in refused.value.problems]


def test_a_csv_is_imported_and_importing_it_again_adds_nothing(
    workspace: Workspace, post: Post, manager: Membership
) -> None:
    data = (
        "post_url,collection_date,reach,impressions,views,likes,comments,shares,saves,note\n"
        f"{LIVE_URL},{DAY},48200,61000,,3100,140,95,410,insights\n"
    ).encode()
    summary = import_metrics(workspace=workspace, data=data, actor=manager.user)
    assert (summary.created, summary.updated, len(summary.post_ids)) == (1, 0, 1)
    assert str(summary) == "1 new, 0 updated, for 1 post."
    snapshot = MetricSnapshot.objects.get()
    assert snapshot.source == "imported" and snapshot.post == post
    assert (snapshot.reach, snapshot.views, snapshot.saves) == (48200, None, 410)
    assert snapshot.note == "insights"
    again = import_metrics(workspace=workspace, data=data, actor=manager.user)
    assert (again.created, again.updated) == (0, 1)
    assert MetricSnapshot.objects.count() == 1
    events = AuditEvent.objects.filter(kind="metrics.imported").order_by("pk")
    assert [e.summary for e in events] == [
        "Figures file imported: 1 new, 0 updated, for 1 post.",
        "Figures file imported: 0 new, 1 updated, for 1 post.",
    ]


def test_the_summary_counts_posts_in_the_plural_on_the_page(
    workspace: Workspace, post: Post, manager_client: Client
) -> None:
    other = PostFactory.create(
        deliverable=post.deliverable, url="https://www.instagram.com/reel/Other12345/"
    )
    data = (
        f"post_url,collection_date,reach\n{LIVE_URL},{DAY},900\n{other.url},{DAY},300\n"
    ).encode()
    upload = SimpleUploadedFile("figures.csv", data)
    response = manager_client.post(f"/w/{workspace.slug}/performance/import/", {"file": upload})
    assert response.status_code == 200
    assert "2 new, 0 updated, for 2 posts." in visible_text(response.content.decode())


def test_french_headings_a_bom_and_semicolons_are_read(workspace: Workspace, post: Post) -> None:
    data = (
        "\ufeffURL du post;Date de relevé;Portée;Vues;J\u2019aime;Commentaires;"
        "Durée de visionnage (secondes)\n"
        f"{LIVE_URL.rstrip('/')};{DAY};1 200;800;50;4;3600\n"
    ).encode()
    import_metrics(workspace=workspace, data=data, actor=None)
    snapshot = MetricSnapshot.objects.get()
    assert (snapshot.reach, snapshot.views, snapshot.likes) == (1200, 800, 50)
    assert snapshot.watch_time_seconds == 3600


def test_another_address_of_the_same_video_finds_the_post(workspace: Workspace) -> None:
    video = PostFactory.create(
        deliverable__collaboration__campaign__workspace=workspace,
        deliverable__platform="youtube",
        url="https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        external_id="dQw4w9WgXcQ",
    )
    data = f"url,date,views\nhttps://youtu.be/dQw4w9WgXcQ,{DAY},5000\n".encode()
    import_metrics(workspace=workspace, data=data, actor=None)
    assert MetricSnapshot.objects.get().post == video


def test_an_xlsx_written_by_a_spreadsheet_is_imported(workspace: Workspace, post: Post) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Post URL", "Collection date", "Reach", "Likes", "Watch time (seconds)"])
    sheet.append([LIVE_URL, dt.datetime.fromisoformat(DAY), 48200.0, 3100, None])
    out = io.BytesIO()
    book.save(out)
    summary = import_metrics(
        workspace=workspace, data=out.getvalue(), name="figures.xlsx", actor=None
    )
    assert summary.created == 1
    snapshot = MetricSnapshot.objects.get()
    assert (snapshot.collected_on.isoformat(), snapshot.reach, snapshot.likes) == (
        DAY,
        48200,
        3100,
    )
    assert snapshot.watch_time_seconds is None


def test_every_bad_row_is_named_and_nothing_is_stored(
    workspace: Workspace, other_workspace: Workspace, post: Post
) -> None:
    theirs = live_post(other_workspace, url="https://www.instagram.com/p/TheirPost1/")
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    data = (
        "post_url,collection_date,reach,likes\n"
        f"{LIVE_URL},{DAY},48200,3100\n"
        f"{theirs.url},{DAY},10,1\n"
        f"{LIVE_URL},someday,12k,\n"
        f"{LIVE_URL},{tomorrow},,\n"
        f"{LIVE_URL},{DAY},5,5\n"
    ).encode()
    assert problems_of(workspace, data) == [
        "Row 3, post_url: No post of this workspace has this address: add the post first.",
        "Row 4, collection_date: “someday” is not a date such as 2025-03-12.",
        "Row 4, reach: “12k” is not a whole number.",
        "Row 5, collection_date: The collection date cannot be later than today.",
        "Row 5, figures: Enter at least one figure.",
        "Row 6, post_url: This post and date are on row 2 already.",
    ]


def test_a_file_without_the_needed_columns_or_too_big_is_refused(workspace: Workspace) -> None:
    assert problems_of(workspace, b"reach,likes\n1,2\n") == [
        "The header row lacks post url, collection date. Use our template: post_url, "
        "collection_date, then any of reach, impressions, views, likes, comments, shares, "
        "saves, clicks, watch_time_seconds, and note."
    ]
    assert problems_of(workspace, b"x" * (5 * 1024 * 1024 + 1)) == ["The file is larger than 5 MB."]
    assert problems_of(workspace, b"\xff\xfe\x00bad") == [
        "The file is not UTF-8 text; save it as CSV UTF-8."
    ]
    assert problems_of(workspace, b"PK\x03\x04broken", name="figures.xlsx") == [
        "This file could not be read as an Excel workbook (.xlsx)."
    ]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_template_imports_once_its_address_is_a_real_post(
    workspace: Workspace, post: Post, fmt: str
) -> None:
    # The template's example row was read in March 2025: the post must be live by then.
    post.posted_at = dt.datetime(2025, 3, 1, 12, tzinfo=dt.UTC)
    post.save(update_fields=["posted_at"])
    response = import_template(fmt)
    assert f'filename="rapport-figures-template.{fmt}"' in response["Content-Disposition"]
    if fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet is not None
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        assert rows[0][:3] == ["post_url", "collection_date", "reach"]
        assert rows[1][0] == LIVE_URL and rows[1][2] == 48200
    else:
        text = response.content.decode("utf-8-sig")
        assert text.splitlines()[0].startswith("post_url,collection_date,reach,impressions")
    summary = import_metrics(
        workspace=workspace, data=response.content, name=f"t.{fmt}", actor=None
    )
    assert summary.created == 1
    assert MetricSnapshot.objects.get().reach == 48200
