"""The weekly view on a fixed clock: Wednesday 11 March 2026, noon in New York, with rows placed
around it; each list, its one action, "for you", the campaign filter, recaps and the API."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rapport.campaigns.models import (
    Campaign,
    Collaboration,
    Deliverable,
    Moment,
    ReviewDecision,
    Shipment,
    Submission,
)
from rapport.campaigns.queries.weekly import Week, weekly_view
from rapport.campaigns.services.sla import Subject, start_clock
from rapport.testing.factories import (
    CampaignFactory,
    CollaborationFactory,
    CreatorFactory,
    DeliverableFactory,
)
from rapport.workspaces.models import AuditEvent, Membership, Workspace

NY = ZoneInfo("America/New_York")
NOW = dt.datetime(2026, 3, 11, 12, 0, tzinfo=NY)


def ny(day: int, hour: int = 12, month: int = 3) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=NY)


def collab(campaign: Campaign, name: str, stage: str, **kw: Any) -> Collaboration:
    creator = CreatorFactory.create(
        workspace=campaign.workspace, name=name, primary_email=f"{name.lower()}@example.test",
        time_zone="America/Los_Angeles",
    )  # fmt: skip
    return CollaborationFactory.create(
        workspace=campaign.workspace, campaign=campaign, creator=creator, stage=stage, **kw
    )


@pytest.fixture
def world(workspace: Workspace, manager: Membership) -> dict[str, Any]:
    manager.user.time_zone = "America/New_York"
    manager.user.save()
    spring = CampaignFactory.create(workspace=workspace, name="Spring glow")
    other = CampaignFactory.create(workspace=workspace, name="Summer")
    ana = collab(spring, "Ana", "in_production", owner=manager.user, committed_cost="1500.00",
                 currency="USD")  # fmt: skip
    ben = collab(spring, "Ben", "live")
    cat = collab(other, "Cat", "in_review")
    gone = collab(spring, "Gus", "cancelled")
    collab(spring, "Ivy", "invited")

    def deliverable(c: Collaboration, **kw: Any) -> Deliverable:
        return DeliverableFactory.create(workspace=workspace, collaboration=c, **kw)

    rows = {
        "this_week": deliverable(ana, post_at=ny(12, 15), approval_stages=["concept", "final"]),
        "late": deliverable(ana, post_at=ny(6), kind="story"),
        "window": deliverable(cat, post_at=ny(9), post_until=ny(13)),
        "live": deliverable(
            ben, post_at=ny(8), live_url="https://example.test/p/1", went_live_at=ny(8, 18)
        ),
        "old": deliverable(
            ben,
            post_at=ny(20, month=2),
            live_url="https://example.test/p/0",
            went_live_at=ny(20, month=2),
            disclosure_checked=True,
        ),
        "cancelled": deliverable(gone, post_at=ny(10)),
        "mine_today": deliverable(ana, post_at=ny(11, 18), kind="post"),
    }
    pending = Submission.objects.create(
        workspace=workspace, deliverable=rows["this_week"], stage="concept", version=1,
        link="https://example.test/draft", submitted_at=ny(10),
    )  # fmt: skip
    decided = Submission.objects.create(
        workspace=workspace, deliverable=rows["window"], stage="concept", version=1,
        submitted_at=ny(9),
    )  # fmt: skip
    ReviewDecision.objects.create(
        workspace=workspace, submission=decided, verdict="approved", decided_at=ny(10)
    )
    review = start_clock(
        workspace=workspace, moment=Moment.CONCEPT_APPROVAL, subject=Subject.of(pending),
        started_at=ny(10), collaboration=ana, owner=manager.user,
    )  # fmt: skip
    overdue = start_clock(
        workspace=workspace, moment=Moment.FIRST_RESPONSE, subject=Subject("question", 1),
        started_at=ny(9, 9), collaboration=ana, owner=manager.user,
    )  # fmt: skip
    shipped = Shipment.objects.create(
        workspace=workspace, collaboration=cat, address="1 Main St", status="shipped"
    )
    Shipment.objects.create(
        workspace=workspace, collaboration=ben, address="2 Main St", status="delivered"
    )
    return {
        "spring": spring, "ana": ana, "ben": ben, "cat": cat, "rows": rows, "pending": pending,
        "review": review, "overdue": overdue, "shipped": shipped, "manager": manager,
    }  # fmt: skip


def ids(items: list[Any]) -> set[int]:
    return {item.pk for item in items}


def test_the_week_runs_from_monday_in_the_viewers_time_zone() -> None:
    week = Week.around(NOW, "America/New_York")
    assert (week.start, week.end) == (ny(9, 0), ny(16, 0))
    # The same instant is already Thursday in Auckland: another week's Monday is not involved.
    assert Week.around(NOW, "Pacific/Auckland").today_start.date() == dt.date(2026, 3, 12)


def test_the_four_lists_on_a_fixed_clock(world: dict[str, Any], workspace: Workspace) -> None:
    rows = world["rows"]
    view = weekly_view(workspace, user=world["manager"].user, now=NOW, time_zone="America/New_York")
    assert ids(view.posting) == ids([rows["this_week"], rows["window"], rows["mine_today"]])
    assert ids(view.approvals) == {world["pending"].pk}
    assert view.approvals[0].review_due_at == world["review"].due_at  # type: ignore[attr-defined]
    # Due by now and still no link: the story due last Friday (the window closes Friday 13th).
    assert ids(view.not_posted) == ids([rows["late"]])
    assert ids(view.not_arrived) == {world["shipped"].pk}
    assert ids(view.links_to_collect) == ids([rows["late"], rows["window"]])
    assert ids(view.tracking_to_verify) == ids([rows["live"]])
    assert ids(view.performance_to_log) == ids([rows["live"]])
    recaps = {r.collaboration.creator.name: r for r in view.recaps}
    assert set(recaps) == {"Ana", "Ben", "Cat"}  # contracted to live; not invited or cancelled
    assert recaps["Ana"].next_steps == [
        "Send us the link to the live Story frame on Instagram.",
        "Post the Feed post on Instagram on Wednesday 11 March, 15:00 PDT.",
        "We are reviewing version 1 of your concept of the Reel on Instagram.",
    ]
    assert recaps["Ben"].next_steps == []
    mine = view.for_you
    assert ids(mine.clocks_overdue) == {world["overdue"].pk}
    assert ids(mine.clocks_due_today) == set()
    assert ids(mine.deliverables_overdue) == ids([rows["late"]])
    assert ids(mine.deliverables_due_today) == ids([rows["mine_today"]])


def test_the_filter_by_campaign(world: dict[str, Any], workspace: Workspace) -> None:
    view = weekly_view(
        workspace, user=world["manager"].user, now=NOW, time_zone="America/New_York",
        campaign=world["spring"],
    )  # fmt: skip
    assert ids(view.not_arrived) == set()
    assert world["rows"]["window"].pk not in ids(view.posting)
    assert {r.collaboration.creator.name for r in view.recaps} == {"Ana", "Ben"}


def test_the_page_shows_each_row_with_its_action_in_constant_queries(
    world: dict[str, Any], workspace: Workspace, client_for: Any, monkeypatch: Any,
    django_assert_max_num_queries: Any,
) -> None:  # fmt: skip
    monkeypatch.setattr("rapport.campaigns.views.weekly.now", lambda: NOW)
    client = client_for(world["manager"])
    url = reverse("campaigns:weekly", kwargs={"ws": workspace.slug})
    with CaptureQueriesContext(connection) as baseline:
        client.get(url)
    for n in range(5):  # more creators, deliverables and submissions: no more queries
        c = collab(world["spring"], f"Extra{n}", "in_review", owner=world["manager"].user)
        d = DeliverableFactory.create(workspace=workspace, collaboration=c, post_at=ny(10))
        Submission.objects.create(
            workspace=workspace, deliverable=d, stage="final", version=1, submitted_at=ny(10)
        )
        Shipment.objects.create(workspace=workspace, collaboration=c, address="x", status="draft")
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        page = client.get(url).content.decode()
    s = world["pending"]
    assert reverse("campaigns:submission", kwargs={"ws": "lumen", "pk": s.pk}) in page
    assert "Open the review" in page and "Chase the shipment" in page
    assert reverse("campaigns:shipment", kwargs={"ws": "lumen", "pk": world["shipped"].pk}) in page
    late = world["rows"]["late"]
    assert reverse("campaigns:deliverable", kwargs={"ws": "lumen", "pk": late.pk}) in page
    assert "Record the live link" in page and "Send the recap" in page
    assert "1500.00 USD" in page and "not invoiced yet" in page
    assert "Mon 9 Mar" in page or "Monday 9 March" in page
    spring_only = client.get(url, {"campaign": world["spring"].pk}).content.decode()
    assert "Cat" not in spring_only.split('id="recap-list"')[1]


def test_sending_a_recap_emails_the_creator_and_goes_on_both_timelines(
    world: dict[str, Any], workspace: Workspace, client_for: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr("rapport.campaigns.views.weekly.now", lambda: NOW)
    ana = world["ana"]
    client = client_for(world["manager"])
    url = reverse("campaigns:send_recap", kwargs={"ws": "lumen", "pk": ana.pk})
    page = client.post(url, follow=True).content.decode()
    assert "Recap e-mailed to Ana." in page and "Recap sent" in page
    [email] = mail.outbox
    assert email.to == ["ana@example.test"]
    assert "Spring glow" in email.subject
    assert "We are reviewing version 1 of your concept of the Reel on Instagram." in email.body
    assert "1500.00 USD agreed" in email.body and "not invoiced yet" in email.body
    # The post due today is shown on the creator's clock (Los Angeles, three hours behind).
    assert "Post the Feed post on Instagram on Wednesday 11 March, 15:00 PDT." in email.body
    event = AuditEvent.objects.get(kind="collaboration.recap_sent")
    assert (event.creator, event.campaign) == (ana.creator, ana.campaign)


def test_a_viewer_cannot_send_a_recap(world: dict[str, Any], member: Any, client_for: Any) -> None:
    url = reverse("campaigns:send_recap", kwargs={"ws": "lumen", "pk": world["ana"].pk})
    assert client_for(member("viewer")).post(url).status_code == 403
    assert mail.outbox == []


def test_the_api_returns_the_same_lists(
    world: dict[str, Any], api_client_for: Any, monkeypatch: Any,
    django_assert_max_num_queries: Any,
) -> None:  # fmt: skip
    monkeypatch.setattr("rapport.campaigns.api.weekly.now", lambda: NOW)
    monkeypatch.setattr("rapport.campaigns.api.sla.now", lambda: NOW)
    client = api_client_for(world["manager"])
    with django_assert_max_num_queries(20):
        body = client.get("/api/v1/weekly").json()
    rows = world["rows"]
    assert {d["id"] for d in body["not_posted"]} == {rows["late"].pk}
    assert [a["id"] for a in body["approvals"]] == [world["pending"].pk]
    assert [s["id"] for s in body["not_arrived"]] == [world["shipped"].pk]
    assert {r["creator_name"] for r in body["recaps"]} == {"Ana", "Ben", "Cat"}
    assert [c["id"] for c in body["for_you"]["clocks_overdue"]] == [world["overdue"].pk]
    assert body["for_you"]["clocks_overdue"][0]["state"] == "breached"
    assert body["week_start"].startswith("2026-03-09T00:00:00-04:00")
    spring = client.get("/api/v1/weekly", {"campaign": world["spring"].pk}).json()
    assert spring["not_arrived"] == []
    sent = client.post(f"/api/v1/weekly/recaps/{world['ana'].pk}")
    assert sent.status_code == 200 and sent.json()["email"] == "ana@example.test"
    assert len(mail.outbox) == 1
