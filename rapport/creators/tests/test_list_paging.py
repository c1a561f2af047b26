"""Large lists: the count stops at what the page needs plus a margin, and says so."""

from __future__ import annotations

from rapport.creators.models import Creator
from rapport.paging import COUNT_CAP

URL = "/w/lumen/creators/"


def fill(workspace, how_many: int) -> None:
    Creator.objects.bulk_create(
        Creator(workspace=workspace, name=f"Creator {n:05}") for n in range(how_many)
    )


def test_a_list_under_the_cap_shows_its_exact_count(manager_client, workspace) -> None:
    fill(workspace, 120)
    html = manager_client.get(URL).content.decode()
    assert "120 creators" in html
    assert "Page 1 of 3" in html and "Page 1 of 3+" not in html


def test_past_the_cap_the_list_says_more_than_and_keeps_paging(manager_client, workspace) -> None:
    fill(workspace, COUNT_CAP + 120)
    html = manager_client.get(URL).content.decode()
    limit = 50 + COUNT_CAP
    assert f"More than {limit:,} creators" in html
    assert "Page 1 of 21+" in html
    # A page beyond the first count is still reachable, and counts further ahead.
    later = manager_client.get(URL + "?page=22").content.decode()
    assert "Creator 01050" in later
    assert f"{COUNT_CAP + 120:,} creators" in later and "Page 22 of 23" in later
