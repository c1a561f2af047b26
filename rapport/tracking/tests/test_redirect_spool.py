"""No click lost: when the database refuses the insert, the click is spooled to a file, the
visitor still reaches the shop, and the worker loads the spool later, once."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import DatabaseError, connection
from django.test import Client

from rapport.testing.factories import TrackingLinkFactory
from rapport.tracking.models import Click, TrackingLink
from rapport.tracking.services.clicks import ingest_spool, spool_dir
from rapport.tracking.tasks import ingest_spool_task

pytestmark = pytest.mark.django_db(transaction=True)

IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) Mobile/15E148 Safari/604.1"


@pytest.fixture(autouse=True)
def data_dir(settings: Any, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture
def link(workspace: Any) -> TrackingLink:
    return TrackingLinkFactory.create(
        collaboration__campaign__workspace=workspace,
        slug="maya-ig-7kq2",
        target_url="https://shop.example.com/glow?utm_source=instagram",
    )


@contextmanager
def clicks_locked() -> Iterator[None]:
    """Another connection to the same database holds the write lock on the clicks table (as a
    long import or a backup would), so the redirect's insert fails for real."""
    if connection.vendor == "sqlite":
        other = sqlite3.connect(connection.settings_dict["NAME"], uri=True, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        other.execute("DELETE FROM tracking_click WHERE id = -1")
        try:
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()
        return
    # PostgreSQL: the table is locked against writes, and our connection gives up waiting soon.
    db = connection.settings_dict
    with psycopg.connect(
        dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"], host=db["HOST"],
        port=db["PORT"] or None,
    ) as locker:  # fmt: skip
        locker.execute("LOCK TABLE tracking_click IN EXCLUSIVE MODE")
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '200ms'")
        try:
            yield
        finally:
            locker.rollback()
            with connection.cursor() as cursor:
                cursor.execute("RESET lock_timeout")


def spooled_lines() -> list[dict[str, Any]]:
    return [
        json.loads(line)
        for path in sorted(spool_dir().glob("*.jsonl"))
        for line in path.read_text().splitlines()
    ]


def test_a_refused_insert_is_spooled_and_the_visitor_still_redirected(link: TrackingLink):
    with clicks_locked():
        response = Client().get(
            f"/r/{link.slug}", headers={"user-agent": IPHONE, "referer": "https://t.co/abc"}
        )

    assert response.status_code == 302
    [line] = spooled_lines()
    assert response["Location"].endswith(f"&rclid={line['ref']}")
    assert line["link_id"] == link.pk
    assert line["referrer_host"] == "t.co"
    assert line["device"] == "mobile"
    assert line["is_bot"] is False
    assert "127.0.0.1" not in json.dumps(line)


def test_the_spool_is_loaded_once_and_removed(link: TrackingLink):
    with clicks_locked():
        refs = [
            Client().get(f"/r/{link.slug}", headers={"user-agent": IPHONE})["Location"]
            for _ in range(3)
        ]
    assert not Click.objects.exists()
    assert len(spooled_lines()) == 3

    result = ingest_spool()

    assert (result.loaded, result.already, result.dropped) == (3, 0, 0)
    stored = Click.objects.filter(link=link)
    assert sorted(f"rclid={ref}" for ref in stored.values_list("ref", flat=True)) == sorted(
        ref.split("&")[-1] for ref in refs
    )
    assert all(c.workspace_id == link.workspace_id and c.device == "mobile" for c in stored)
    assert list(spool_dir().glob("*.jsonl")) == []
    assert ingest_spool().loaded == 0
    assert Click.objects.count() == 3


def test_a_spool_loaded_twice_stores_each_click_once(link: TrackingLink):
    with clicks_locked():
        Client().get(f"/r/{link.slug}", headers={"user-agent": IPHONE})
    [path] = spool_dir().glob("*.jsonl")
    copy = path.with_name("copy-of-" + path.name)
    copy.write_bytes(path.read_bytes())

    result = ingest_spool()

    assert (result.loaded, result.already) == (1, 1)
    assert Click.objects.count() == 1


def test_lines_for_deleted_links_or_unreadable_are_dropped(link: TrackingLink, workspace: Any):
    gone = TrackingLinkFactory.create(collaboration__campaign__workspace=workspace, slug="gone")
    with clicks_locked():
        Client().get(f"/r/{link.slug}", headers={"user-agent": IPHONE})
        Client().get("/r/gone", headers={"user-agent": IPHONE})
    gone.delete()
    [path] = spool_dir().glob("*.jsonl")
    with path.open("a") as handle:
        handle.write('{"ref": "half a line\n')

    result = ingest_spool()

    assert (result.loaded, result.dropped) == (1, 2)
    assert Click.objects.get().link == link


def test_a_spool_the_database_still_refuses_stays_for_the_next_run(link: TrackingLink):
    with clicks_locked():
        Client().get(f"/r/{link.slug}", headers={"user-agent": IPHONE})
        with pytest.raises(DatabaseError, match="lock"):
            ingest_spool()
        assert len(spooled_lines()) == 1

    assert ingest_spool().loaded == 1


def test_the_worker_task_loads_the_spool(link: TrackingLink):
    with clicks_locked():
        Client().get(f"/r/{link.slug}", headers={"user-agent": IPHONE})

    result = ingest_spool_task.enqueue()

    assert result.return_value == {"loaded": 1, "already": 0, "dropped": 0}
    assert Click.objects.count() == 1
