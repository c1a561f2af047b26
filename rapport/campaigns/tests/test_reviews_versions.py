"""A version replaced before anyone decided it: its clock carries over to the newest version, and
only the newest version waits for a decision (weekly view, its API, deliverable and submission
pages)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from rapport.campaigns.models import CollabStage, Moment, SlaClock, Submission
from rapport.campaigns.queries.sla import attainment, median_resolution
from rapport.campaigns.services import sla
from rapport.campaigns.services.reviews import decide, submit
from rapport.testing.factories import CampaignFactory, CollaborationFactory, DeliverableFactory
from rapport.workspaces.models import Membership, Workspace
from rapport.workspaces.roles import Role

NY = ZoneInfo("America/New_York")
MONDAY = dt.datetime(2026, 3, 9, 10, tzinfo=NY)


@pytest.fixture
def decider(member: Any) -> Membership:
    return member(Role.REVIEWER, name="Dana Decider")


@pytest.fixture
def deliverable(workspace: Workspace, decider: Membership) -> Any:
    workspace.time_zone = "America/New_York"
    workspace.save()
    campaign = CampaignFactory.create(workspace=workspace, decision_maker=decider.user)
    collab = CollaborationFactory.create(campaign=campaign, stage=CollabStage.IN_PRODUCTION)
    return DeliverableFactory.create(collaboration=collab, approval_stages=["concept", "final"])


def _three_concepts(deliverable: Any) -> list[Submission]:
    """Concept v1 Monday, v2 Tuesday, v3 Wednesday, none decided in between."""
    return [
        submit(
            deliverable=deliverable,
            stage="concept",
            actor=None,
            link=f"https://drive.test/concept/{n}",
            submitted_at=MONDAY + dt.timedelta(days=n - 1),
        )
        for n in (1, 2, 3)
    ]


def test_one_clock_carried_from_v1_to_v3_and_judged_from_v1s_start(
    deliverable: Any, decider: Membership
) -> None:
    *_, v3 = _three_concepts(deliverable)
    workspace = deliverable.workspace
    due = sla.due_time(workspace, Moment.CONCEPT_APPROVAL, MONDAY)
    assert due == dt.datetime(2026, 3, 11, 10, tzinfo=NY)  # two business days after Monday
    # Decided Thursday: on time for v3's own arrival, late for the review owed since Monday.
    decide(submission=v3, actor=decider.user, verdict="approved", now=due + dt.timedelta(days=1))

    [clock] = SlaClock.objects.filter(workspace=workspace, moment=Moment.CONCEPT_APPROVAL)
    assert clock.subject_id == v3.pk
    assert (clock.started_at, clock.original_due_at, clock.due_at) == (MONDAY, due, due)
    assert clock.stopped_at == due + dt.timedelta(days=1)
    assert sla.state_of(clock) == sla.ClockState.MISSED
    since, until = MONDAY - dt.timedelta(days=1), MONDAY + dt.timedelta(days=7)
    [row] = attainment(workspace, since=since, until=until)
    assert (row.met, row.missed, row.total) == (0, 1, 1)
    [median] = median_resolution(workspace, since=since, until=until)
    assert median.median == dt.timedelta(days=3)


def test_a_version_after_a_decision_starts_its_own_clock(
    deliverable: Any, decider: Membership
) -> None:
    v1 = submit(deliverable=deliverable, stage="concept", actor=None, link="https://d.test/1",
                submitted_at=MONDAY)  # fmt: skip
    decide(submission=v1, actor=decider.user, verdict="changes_requested", note="Brighter",
           now=MONDAY + dt.timedelta(hours=2))  # fmt: skip
    v2 = submit(deliverable=deliverable, stage="concept", actor=None, link="https://d.test/2",
                submitted_at=MONDAY + dt.timedelta(days=1))  # fmt: skip
    clocks = SlaClock.objects.filter(moment=Moment.CONCEPT_APPROVAL).order_by("started_at")
    assert [(c.subject_id, c.stopped_at is None) for c in clocks] == [(v1.pk, False), (v2.pk, True)]
    assert clocks[1].started_at == MONDAY + dt.timedelta(days=1)


def test_the_weekly_view_and_its_api_list_only_the_newest_version(
    deliverable: Any,
    manager: Membership,
    client_for: Any,
    api_client_for: Any,
) -> None:
    *_, v3 = _three_concepts(deliverable)
    ws = deliverable.workspace.slug
    weekly = reverse("campaigns:weekly", kwargs={"ws": ws})
    page = client_for(manager).get(weekly, {"scope": "everyone"})
    html = page.content.decode()
    approvals = html.split('id="approvals"')[1].split("</ul>")[0]
    assert "Concept v3" in approvals
    assert "v1" not in approvals and "v2" not in approvals
    review = reverse("campaigns:submission", kwargs={"ws": ws, "pk": v3.pk})
    assert f'href="{review}"' in approvals
    body = api_client_for(manager).get("/api/v1/weekly").json()
    assert [(a["id"], a["version"]) for a in body["approvals"]] == [(v3.pk, 3)]
    due = sla.due_time(deliverable.workspace, Moment.CONCEPT_APPROVAL, MONDAY)
    assert dt.datetime.fromisoformat(body["approvals"][0]["review_due_at"]) == due


def test_the_deliverable_and_submission_pages_show_earlier_versions_as_replaced(
    deliverable: Any, manager: Membership, client_for: Any
) -> None:
    v1, *_ = _three_concepts(deliverable)
    client: Client = client_for(manager)
    ws = deliverable.workspace.slug
    html = client.get(
        reverse("campaigns:deliverable", kwargs={"ws": ws, "pk": deliverable.pk})
    ).content.decode()
    reviews = html.split('id="reviews-title"')[1].split("</section>")[0]
    assert reviews.count("replaced by v3") == 2
    assert reviews.count("waiting for a decision") == 1
    rows = reviews.split("<li>")[1:]
    assert "v3" in rows[0] and "waiting for a decision" in rows[0]
    assert "v2" in rows[1] and "replaced by v3" in rows[1]
    assert "v1" in rows[2] and "replaced by v3" in rows[2]
    history = client.get(reverse("campaigns:submission", kwargs={"ws": ws, "pk": v1.pk}))
    table = history.content.decode().split('class="rv-history"')[1]
    assert table.count("replaced by v3") == 2
