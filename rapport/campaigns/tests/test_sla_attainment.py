"""Attainment per moment and per owner (judged on the original deadline; running breaches count as
missed), median time to resolve, the service-levels page and the API's clocks and attainment."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rapport.campaigns.models import Collaboration, Moment, SlaClock
from rapport.campaigns.queries.sla import attainment, median_resolution
from rapport.campaigns.services.sla import Subject, acknowledge_breach, start_clock
from rapport.testing.factories import CollaborationFactory, CreatorFactory
from rapport.workspaces.models import Workspace
from rapport.workspaces.roles import Role

UTC = dt.UTC
# Monday 2 March 2026, 09:00 UTC; the workspace counts in UTC.
T0 = dt.datetime(2026, 3, 2, 9, tzinfo=UTC)
NOW = dt.datetime(2026, 3, 20, 12, tzinfo=UTC)
PERIOD: dict[str, Any] = {
    "since": dt.datetime(2026, 3, 1, tzinfo=UTC),
    "until": dt.datetime(2026, 4, 1, tzinfo=UTC),
}


def clock(
    collaboration: Collaboration, moment: str, n: int, *, owner: Any = None,
    started: dt.datetime = T0, took: dt.timedelta | None = None,
) -> SlaClock:  # fmt: skip
    c = start_clock(
        workspace=collaboration.workspace, moment=moment, subject=Subject("question", n),
        started_at=started, collaboration=collaboration, owner=owner,
    )  # fmt: skip
    if took is not None:
        c.stopped_at = started + took
        c.save()
    return c


@pytest.fixture
def world(workspace: Workspace, member: Any) -> dict[str, Any]:
    ana, ben = member(Role.MANAGER, name="Ana"), member(Role.REVIEWER, name="Ben")
    collab = CollaborationFactory.create(
        workspace=workspace, campaign__workspace=workspace,
        creator=CreatorFactory.create(workspace=workspace, name="Kim", primary_email="k@x.test"),
    )  # fmt: skip
    day, hour = dt.timedelta(days=1), dt.timedelta(hours=1)
    # First response (1 business day): met in 2 h and 20 h; missed (took 30 h).
    clock(collab, Moment.FIRST_RESPONSE, 1, owner=ana.user, took=2 * hour)
    clock(collab, Moment.FIRST_RESPONSE, 2, owner=ana.user, took=20 * hour)
    clock(collab, Moment.FIRST_RESPONSE, 3, owner=ana.user, took=30 * hour)
    # Concept approval (2 business days): met by Ben; one still running past its deadline,
    # acknowledged with a new deadline in the future: still a miss.
    clock(collab, Moment.CONCEPT_APPROVAL, 4, owner=ben.user, took=day)
    late = clock(collab, Moment.CONCEPT_APPROVAL, 5, owner=ben.user)
    acknowledge_breach(
        workspace=workspace, actor=ana.user, clock=late, new_due_at=NOW + day,
        message="Sorry", now=NOW - hour,
    )  # fmt: skip
    # Running and not yet due: not decided, left out. Started before the period: left out.
    clock(collab, Moment.SHIPPING, 6, owner=ben.user, started=NOW - hour)
    clock(collab, Moment.SHIPPING, 7, owner=ben.user, started=T0 - 30 * day, took=hour)
    mail.outbox.clear()
    return {"ana": ana, "ben": ben, "collab": collab}


def test_attainment_per_moment(world: dict[str, Any], workspace: Workspace) -> None:
    rows = attainment(workspace, by="moment", now=NOW, **PERIOD)
    figures = {r.key: (r.met, r.missed, str(r.percent)) for r in rows}
    assert figures == {"first_response": (2, 1, "66.7"), "concept_approval": (1, 1, "50.0")}
    assert [r.key for r in rows] == ["first_response", "concept_approval"]


def test_attainment_per_owner(world: dict[str, Any], workspace: Workspace) -> None:
    rows = attainment(workspace, by="owner", now=NOW, **PERIOD)
    figures = {r.label: (r.met, r.missed, str(r.percent)) for r in rows}
    assert figures == {"Ana": (2, 1, "66.7"), "Ben": (1, 1, "50.0")}


def test_median_time_to_resolve(world: dict[str, Any], workspace: Workspace) -> None:
    rows = {r.key: r for r in median_resolution(workspace, by="moment", **PERIOD)}
    assert rows["first_response"].median == dt.timedelta(hours=20)
    assert rows["first_response"].median_text == "20 h 0 min"
    assert rows["concept_approval"].median == dt.timedelta(days=1)
    assert "shipping" not in rows


def test_no_decided_clock_is_n_a_not_zero(workspace: Workspace) -> None:
    assert attainment(workspace, now=NOW, **PERIOD) == []


def test_the_service_levels_page(
    world: dict[str, Any], workspace: Workspace, client_for: Any, monkeypatch: Any,
    django_assert_max_num_queries: Any,
) -> None:  # fmt: skip
    monkeypatch.setattr("rapport.campaigns.views.sla.now", lambda: NOW)
    clock(world["collab"], Moment.PAYMENT, 30, owner=world["ana"].user)  # breached, running
    client = client_for(world["ana"])
    url = reverse("campaigns:service_levels", kwargs={"ws": workspace.slug})
    period = {"since": "2026-03-01", "until": "2026-03-31"}
    with CaptureQueriesContext(connection) as few:
        client.get(url, period)
    for n in range(8, 14):  # more running clocks cost no more queries
        clock(world["collab"], Moment.FINAL_APPROVAL, n, owner=world["ben"].user, started=NOW)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url, period).content.decode()
    breached, _rest = page.split("Due soon", 1)
    assert "Running clocks" in breached and "Payment after invoice received" in breached
    assert "Acknowledge" in breached
    assert "Concept approval" not in breached.split("Running clocks")[1]
    assert "66.7%" in page and "50.0%" in page and "20 h 0 min" in page
    assert page.count("Final content approval") >= 6
    filtered = client.get(url, {"moment": "shipping"}).content.decode()
    assert "Final content approval <span" not in filtered.split("Attainment")[0]
    assert "Shipping confirmation after label created <span" in filtered
    only_ana = client.get(url, {"owner": world["ana"].user.pk}).content.decode()
    assert "Shipping confirmation after label created <span" not in only_ana


def test_each_state_shows_a_few_clocks_with_its_count_and_the_rest_a_page_at_a_time(
    world: dict[str, Any], workspace: Workspace, client_for: Any, monkeypatch: Any,
    django_assert_max_num_queries: Any,
) -> None:  # fmt: skip
    monkeypatch.setattr("rapport.campaigns.views.sla.now", lambda: NOW)
    monkeypatch.setattr("rapport.campaigns.queries.sla.CAP", 2)
    client = client_for(world["ana"])
    url = reverse("campaigns:service_levels", kwargs={"ws": workspace.slug})
    with CaptureQueriesContext(connection) as few_page:
        client.get(url)
    with CaptureQueriesContext(connection) as few_state:
        client.get(url, {"state": "breached"})
    # Five questions of 2 March never answered: breached.
    late = [clock(world["collab"], Moment.FIRST_RESPONSE, n, owner=world["ana"].user)
            for n in range(40, 45)]  # fmt: skip
    with django_assert_max_num_queries(len(few_page.captured_queries)):
        page = client.get(url).content.decode()
    breached = page.split('id="state-breached"')[1].split("</section>")[0]
    assert '<span class="muted">(5)</span>' in breached
    assert breached.count("Acknowledge") == 2
    assert "Show all 5" in breached and "?state=breached" in breached
    assert "Show all" not in page.split('id="state-running"')[1].split("</section>")[0]
    assert "Attainment" in page
    links = {
        c.pk: reverse("campaigns:sla_acknowledge", kwargs={"ws": workspace.slug, "pk": c.pk})
        for c in late
    }
    seen: list[int] = []
    for number in (1, 2, 3):
        with django_assert_max_num_queries(len(few_state.captured_queries)):
            one = client.get(url, {"state": "breached", "page": number}).content.decode()
        assert f"Page {number} of 3" in one and "Attainment" not in one
        assert 'id="state-running"' not in one and "Back to every state" in one
        seen += [pk for pk, link in links.items() if link in one]
    assert sorted(seen) == sorted(links)
    # The filters stay on the page links.
    first = client.get(url, {"state": "breached", "moment": "first_response"}).content.decode()
    assert 'rel="next"' in first and "moment=first_response" in first.split('rel="next"')[0]


def test_the_api_lists_clocks_by_state_with_keyset_pages(
    world: dict[str, Any], workspace: Workspace, api_client_for: Any, monkeypatch: Any,
    django_assert_max_num_queries: Any,
) -> None:  # fmt: skip
    monkeypatch.setattr("rapport.campaigns.api.sla.now", lambda: NOW)
    client = api_client_for(world["ana"])
    with django_assert_max_num_queries(8):
        first = client.get("/api/v1/sla/clocks", {"limit": 4}).json()
    second = client.get("/api/v1/sla/clocks", {"limit": 4, "cursor": first["next"]}).json()
    assert second["next"] is None
    ids = [c["id"] for c in first["items"] + second["items"]]
    assert len(ids) == len(set(ids)) == SlaClock.objects.count() == 7
    running = client.get("/api/v1/sla/clocks", {"state": "running"}).json()["items"]
    assert [c["moment"] for c in running] == ["shipping", "concept_approval"]  # soonest due first
    late = next(c for c in running if c["moment"] == "concept_approval")
    assert late["original_due_at"] != late["due_at"] and late["acknowledgement"] == "Sorry"
    met = client.get("/api/v1/sla/clocks", {"state": "met"}).json()["items"]
    assert len(met) == 4
    ana_clocks = client.get("/api/v1/sla/clocks", {"owner": world["ana"].user.pk}).json()
    assert len(ana_clocks["items"]) == 3
    bad = client.get("/api/v1/sla/clocks", {"state": "late"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "state"


def test_the_api_acknowledges_with_field_errors_and_the_built_in_message(
    world: dict[str, Any], workspace: Workspace, api_client_for: Any, monkeypatch: Any
) -> None:
    now = T0 + dt.timedelta(days=5)
    monkeypatch.setattr("rapport.campaigns.api.sla.now", lambda: now)
    running = clock(world["collab"], Moment.FINAL_APPROVAL, 20, owner=world["ben"].user)
    url = f"/api/v1/sla/clocks/{running.pk}/acknowledge"
    client = api_client_for(world["ben"])
    bad = client.post(url, {"new_due_at": "2026-03-01T00:00:00Z"}, content_type="application/json")
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["detail"]} == {"new_due_at"}
    for nonsense in ("next friday", "2026-02-30T10:00:00Z"):
        garbled = client.post(url, {"new_due_at": nonsense}, content_type="application/json")
        assert garbled.status_code == 422
        assert "is not a date and time" in garbled.json()["detail"][0]["message"]
    ok = client.post(url, {"new_due_at": "2026-03-10T17:00:00Z"}, content_type="application/json")
    assert ok.status_code == 200, ok.json()
    body = ok.json()
    assert body["due_at"].startswith("2026-03-10T17:00") and body["state"] == "running"
    assert "our approval of your final content" in body["acknowledgement"]
    assert mail.outbox[0].to == ["k@x.test"]
    # A viewer token may not acknowledge someone else's clock.
    viewer = api_client_for(world["ana"], role=Role.VIEWER)
    refused = viewer.post(url, {"new_due_at": "2026-03-12T17:00:00Z", "message": "x"},
                          content_type="application/json")  # fmt: skip
    assert refused.status_code == 403


def test_the_api_attainment(world: dict[str, Any], api_client_for: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr("rapport.campaigns.api.sla.now", lambda: NOW)
    client = api_client_for(world["ana"])
    rows = client.get(
        "/api/v1/sla/attainment",
        {"since": "2026-03-01T00:00:00Z", "until": "2026-04-01T00:00:00Z", "by": "owner"},
    ).json()
    assert {(r["label"], r["met"], r["missed"], r["percent"]) for r in rows} == {
        ("Ana", 2, 1, 66.7),
        ("Ben", 1, 1, 50.0),
    }
    by_moment = client.get(
        "/api/v1/sla/attainment",
        {"since": "2026-03-01T00:00:00Z", "until": "2026-04-01T00:00:00Z"},
    ).json()
    assert by_moment[0]["median_resolution_seconds"] == 20 * 3600
