"""Clicks arriving together are each counted: 8 visitors at once, 25 clicks each, 200 clicks.

The live server's threads share the test's one in-memory SQLite connection, whose table locks
refuse some of the concurrent inserts: those clicks take the spool, as they would when a real
database refuses a write, and the count is made after the worker's load of the spool. None may
be lost or counted twice. (``python -m bench.redirect`` runs the same check against gunicorn.)"""

from __future__ import annotations

import http.client
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlsplit

import pytest

from rapport.testing.factories import TrackingLinkFactory
from rapport.tracking.models import Click
from rapport.tracking.queries.clicks import link_counts
from rapport.tracking.services.clicks import ingest_spool

THREADS = 8
CLICKS_EACH = 25


@pytest.mark.django_db(transaction=True)
def test_concurrent_clicks_are_counted_exactly(
    live_server: Any, workspace: Any, settings: Any, tmp_path: Any
):
    settings.DATA_DIR = tmp_path
    link = TrackingLinkFactory.create(
        collaboration__campaign__workspace=workspace, slug="viral-post"
    )
    server = urlsplit(live_server.url)

    def visitor(number: int) -> list[str]:
        locations = []
        for _ in range(CLICKS_EACH):
            connection = http.client.HTTPConnection(server.hostname, server.port, timeout=30)
            agent = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) Mobile Safari/604.1"
            connection.request("GET", "/r/viral-post", headers={"User-Agent": f"{agent} {number}"})
            response = connection.getresponse()
            response.read()
            connection.close()
            assert response.status == 302
            locations.append(response.getheader("Location", ""))
        return locations

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        locations = [loc for batch in pool.map(visitor, range(THREADS)) for loc in batch]

    ingest_spool()

    total = THREADS * CLICKS_EACH
    refs = {location.rsplit("rclid=", 1)[1] for location in locations}
    assert len(refs) == total
    assert set(Click.objects.values_list("ref", flat=True)) == refs
    counts = link_counts([link])[link.pk]
    assert (counts.human, counts.bots, counts.visitors) == (total, 0, THREADS)
