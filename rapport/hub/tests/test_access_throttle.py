"""Bad hub tokens from one client are slowed down, then refused: the policy at its exact
boundaries, and what a client sees over HTTP (429 with Retry-After, a page that reveals nothing)."""

from __future__ import annotations

import logging

import pytest
from django.test import Client

from rapport.hub import throttle
from rapport.hub.services.links import TOKEN_LENGTH, revoke_link
from rapport.hub.throttle import wait_for
from rapport.testing.factories import CollaborationFactory

NOW = 1_000_000.0
BAD = "/h/" + "x" * TOKEN_LENGTH + "/"


def bad_tries(n: int, *, last: float = NOW, spacing: float = 0.0) -> list[float]:
    """``n`` failure times, oldest first, the last one at ``last``."""
    return [last - spacing * (n - 1 - i) for i in range(n)]


# --- The policy -------------------------------------------------------------------------------


def test_the_first_five_bad_tokens_are_free() -> None:
    assert wait_for([], NOW) == 0
    assert wait_for(bad_tries(4), NOW) == 0


def test_after_five_each_try_waits_twice_as_long_after_the_last_failure() -> None:
    assert wait_for(bad_tries(5), NOW) == 1
    assert wait_for(bad_tries(5), NOW + 0.5) == 1  # rounded up: never "Retry-After: 0"
    assert wait_for(bad_tries(5), NOW + 1) == 0
    assert wait_for(bad_tries(6), NOW) == 2
    assert wait_for(bad_tries(6), NOW + 1) == 1
    assert wait_for(bad_tries(7), NOW) == 4
    assert wait_for(bad_tries(10), NOW) == 32
    assert wait_for(bad_tries(10), NOW + 32) == 0


def test_the_wait_is_capped_at_a_minute() -> None:
    assert wait_for(bad_tries(11), NOW) == 60  # 2**6 = 64, capped
    assert wait_for(bad_tries(29), NOW) == 60
    assert wait_for(bad_tries(29), NOW + 60) == 0


def test_from_thirty_failures_the_client_is_refused_for_the_rest_of_the_hour() -> None:
    tries = bad_tries(30, spacing=61)
    assert wait_for(tries, NOW) == 3600
    assert wait_for(tries, NOW + 61) == 3600 - 61
    assert wait_for(tries, NOW + 3599) == 1
    assert wait_for(tries, NOW + 3600) == 0  # the hour is over: every failure has aged out


def test_only_the_last_hour_counts() -> None:
    old = bad_tries(20, last=NOW - 3600)  # exactly an hour ago: out of the window
    assert wait_for(old, NOW) == 0
    assert wait_for([*bad_tries(3, last=NOW - 3601), *bad_tries(4)], NOW) == 0
    assert wait_for([NOW - 3599, *bad_tries(4)], NOW) == 1  # five within the hour


# --- Over HTTP --------------------------------------------------------------------------------


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The throttle's clock, moved by hand: ``clock[0] += 60``."""
    now = [NOW]
    monkeypatch.setattr(throttle, "_clock", lambda: now[0])
    return now


def test_the_sixth_bad_token_is_refused_with_retry_after_and_reveals_nothing(
    db: None, clock: list[float], hub_path, caplog: pytest.LogCaptureFixture
) -> None:
    collaboration = CollaborationFactory.create(
        creator__name="Maya Lind", campaign__name="Spring Glow", campaign__workspace__name="Lumen"
    )
    good = hub_path(collaboration)
    client = Client()
    caplog.set_level(logging.WARNING)
    for _ in range(5):
        answer = client.get(BAD)
        assert answer.status_code == 404
        page = answer.content.decode()
        assert "We could not find this link" in page
        for secret in ("Maya Lind", "Spring Glow", "Lumen"):
            assert secret not in page
    refused = client.get(BAD)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "1"
    assert refused["Cache-Control"] == "private, no-store"
    assert "Please wait 1 second" in refused.content.decode()
    # While it waits, a real link still opens (a creator on the same network is never locked
    # out), and opening it does not count against the client...
    assert client.get(good).status_code == 200
    assert client.get(BAD).status_code == 429
    # ...and once the second has passed, a bad try is looked at again, and counts.
    clock[0] += 1
    assert client.get(BAD).status_code == 404
    assert client.get(BAD)["Retry-After"] == "2"
    # The log names neither the client's address nor any token tried, good or bad.
    assert "bad tokens" in caplog.text
    assert "127.0.0.1" not in caplog.text
    assert "x" * 20 not in caplog.text
    assert good.split("/")[2] not in caplog.text


def test_thirty_bad_tokens_refuse_the_client_for_the_hour(db: None, clock: list[float]) -> None:
    client = Client()
    for _ in range(30):
        assert client.get(BAD).status_code == 404
        clock[0] += 61  # patient enough for every wait
    refused = client.get(BAD)
    assert refused.status_code == 429
    assert refused["Retry-After"] == str(3600 - 61)
    clock[0] += 3600 - 61
    assert client.get(BAD).status_code == 404


def test_revoked_and_expired_links_do_not_count_as_bad_tokens(
    db: None, clock: list[float], hub_path, manager
) -> None:
    collaboration = CollaborationFactory.create(campaign__workspace=manager.workspace)
    path = hub_path(collaboration)
    revoke_link(collaboration=collaboration, actor=manager.user)
    client = Client()
    for _ in range(10):
        assert client.get(path).status_code == 410
    assert client.get(BAD).status_code == 404  # still free


def test_a_malformed_token_counts_like_a_forged_one(db: None, clock: list[float]) -> None:
    client = Client()
    for _ in range(5):
        assert client.get("/h/short/").status_code == 404
    assert client.get("/h/short/").status_code == 429
