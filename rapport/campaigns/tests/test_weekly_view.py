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
from rapport.campaigns.queries.weekly import Listing, Mine, Week, weekly_view
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


def ids(items: Listing[Any] | list[Any]) -> set[int]:
    rows = items.rows if isinstance(items, Listing) else items
    return {item.pk for item in rows}


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
    assert view.approvals.rows[0].review_due_at == world["review"].due_at  # type: ignore[attr-defined]
    # Due by now and still no link: the story due last Friday (the window closes Friday 13th).
    assert ids(view.not_posted) == ids([rows["late"]])
    assert ids(view.not_arrived) == {world["shipped"].pk}
    assert ids(view.links_to_collect) == ids([rows["late"], rows["window"]])
    assert ids(view.tracking_to_verify) == ids([rows["live"]])
    assert ids(view.performance_to_log) == ids([rows["live"]])
    recaps = {r.collaboration.creator.name: r for r in view.recaps.rows}
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
    assert {r.collaboration.creator.name for r in view.recaps.rows} == {"Ana", "Ben"}


def test_the_page_shows_each_row_with_its_action_in_constant_queries(
    world: dict[str, Any], workspace: Workspace, client_for: Any, monkeypatch: Any,
    django_assert_max_num_queries: Any,
) -> None:  # fmt: skip
    monkeypatch.setattr("rapport.campaigns.views.weekly.now", lambda: NOW)
    client = client_for(world["manager"])
    url = reverse("campaigns:weekly", kwargs={"ws": workspace.slug})
    everyone = {"scope": "everyone"}
    with CaptureQueriesContext(connection) as baseline:
        client.get(url, everyone)
    for n in range(5):  # more creators, deliverables and submissions: no more queries
        c = collab(world["spring"], f"Extra{n}", "in_review", owner=world["manager"].user)
        d = DeliverableFactory.create(workspace=workspace, collaboration=c, post_at=ny(10))
        Submission.objects.create(
            workspace=workspace, deliverable=d, stage="final", version=1, submitted_at=ny(10)
        )
        Shipment.objects.create(workspace=workspace, collaboration=c, address="x", status="draft")
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        page = client.get(url, everyone).content.decode()
    s = world["pending"]
    assert reverse("campaigns:submission", kwargs={"ws": "lumen", "pk": s.pk}) in page
    assert "Open the review" in page and "Chase the shipment" in page
    assert reverse("campaigns:shipment", kwargs={"ws": "lumen", "pk": world["shipped"].pk}) in page
    late = world["rows"]["late"]
    assert reverse("campaigns:deliverable", kwargs={"ws": "lumen", "pk": late.pk}) in page
    assert "Record the live link" in page and "Send the recap" in page
    assert "1500.00 USD" in page and "not invoiced yet" in page
    assert "Mon 9 Mar" in page or "Monday 9 March" in page
    spring_only = client.get(url, {**everyone, "campaign": world["spring"].pk}).content.decode()
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
    with django_assert_max_num_queries(21):
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


def _more_late_posts(world: dict[str, Any], workspace: Workspace, n: int) -> list[Deliverable]:
    """``n`` more collaborations of the manager's, each with a post due last week, not posted."""
    late = []
    for i in range(n):
        c = collab(world["spring"], f"Late{i}", "in_production", owner=world["manager"].user)
        late.append(DeliverableFactory.create(workspace=workspace, collaboration=c, post_at=ny(5)))
    return late


def test_each_list_shows_a_few_rows_with_its_true_count_and_the_rest_a_page_at_a_time(
    world: dict[str, Any], workspace: Workspace, client_for: Any, monkeypatch: Any,
    django_assert_max_num_queries: Any,
) -> None:  # fmt: skip
    monkeypatch.setattr("rapport.campaigns.views.weekly.now", lambda: NOW)
    monkeypatch.setattr("rapport.campaigns.queries.weekly.CAP", 2)
    monkeypatch.setattr("rapport.campaigns.views.weekly.PAGE_SIZE", 2)
    client = client_for(world["manager"])
    url = reverse("campaigns:weekly", kwargs={"ws": workspace.slug})
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    late = _more_late_posts(world, workspace, 5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url).content.decode()
    # Ana's late story and the five new posts: six in all, two shown, the rest one link away.
    not_posted = page.split('id="not-posted"')[1].split("</ul>")[0]
    assert not_posted.count("Record the live link") == 2
    assert 'Not posted yet <span class="muted">(6)</span>' in page
    assert "Show all 6" in page and "?list=not_posted" in page
    # Recaps (Ana and the five, all the manager's): next steps for the two shown only.
    assert 'Recaps to active creators <span class="muted">(6)</span>' in page
    recaps = page.split('id="recap-list"')[1]
    assert recaps.count('aria-label="Send the recap to') == 2 and "Show all 6" in recaps
    seen: list[str] = []
    for number in (1, 2, 3):
        with django_assert_max_num_queries(len(few.captured_queries)):
            one = client.get(url, {"list": "not_posted", "page": number}).content.decode()
        assert f"Page {number} of 3" in one and 'id="recaps"' not in one
        rows = one.split('id="not-posted"')[1].split("</ul>")[0]
        seen += [
            str(d.pk) for d in [world["rows"]["late"], *late] if f'/deliverables/{d.pk}/"' in rows
        ]
    assert sorted(seen) == sorted(str(d.pk) for d in [world["rows"]["late"], *late])
    assert "Back to every list" in one and 'rel="prev"' in one and 'rel="next"' not in one


def test_the_page_shows_the_members_rows_unless_asked_for_everyones(
    world: dict[str, Any], workspace: Workspace, client_for: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr("rapport.campaigns.views.weekly.now", lambda: NOW)
    client = client_for(world["manager"])
    url = reverse("campaigns:weekly", kwargs={"ws": workspace.slug})
    shipment = reverse("campaigns:shipment", kwargs={"ws": "lumen", "pk": world["shipped"].pk})
    mine = client.get(url).content.decode()
    recaps = mine.split('id="recap-list"')[1]
    assert "Ana" in recaps and "Cat" not in recaps and "Ben" not in recaps  # Ana is theirs
    assert shipment not in mine  # Cat's shipment: not the manager's collaboration
    assert "Showing your rows." in mine and "scope=everyone" in mine
    # Approvals: only those the member may decide, as the campaign's decision-maker.
    assert "No submission is waiting for a decision." in mine
    world["spring"].decision_maker = world["manager"].user
    world["spring"].save()
    assert "Open the review" in client.get(url).content.decode()
    everyone = client.get(url, {"scope": "everyone"}).content.decode()
    assert shipment in everyone and "Cat" in everyone.split('id="recap-list"')[1]
    assert "Showing your rows." not in everyone


def test_a_recap_sent_from_one_list_comes_back_to_it(
    world: dict[str, Any], workspace: Workspace, client_for: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr("rapport.campaigns.views.weekly.now", lambda: NOW)
    url = reverse("campaigns:send_recap", kwargs={"ws": "lumen", "pk": world["ana"].pk})
    back = f"scope=everyone&list=recaps&page=2&campaign={world['spring'].pk}&next=//evil.test"
    answer = client_for(world["manager"]).post(url, {"back": back})
    assert answer.url == (
        f"/w/lumen/campaigns/this-week/?campaign={world['spring'].pk}"
        "&scope=everyone&list=recaps&page=2#recaps"
    )


def test_the_query_caps_and_counts_each_list(world: dict[str, Any], workspace: Workspace) -> None:
    late = _more_late_posts(world, workspace, 3)
    user = world["manager"].user
    view = weekly_view(
        workspace, user=user, now=NOW, time_zone="America/New_York", limit=2,
        mine=Mine(user=user, role="manager"),
    )  # fmt: skip
    assert (len(view.not_posted.rows), view.not_posted.count) == (2, 4)
    assert view.not_posted.more and view.not_posted.next_offset == 2
    assert (len(view.recaps.rows), view.recaps.count) == (2, 4)  # Ana and the three
    assert view.approvals.count == 0  # not the decision-maker
    rest = weekly_view(
        workspace, user=user, now=NOW, time_zone="America/New_York", limit=2, offset=2,
        mine=Mine(user=user, role="manager"), only="not_posted",
    )  # fmt: skip
    assert ids(rest.not_posted) | ids(view.not_posted) == ids([world["rows"]["late"], *late])
    assert not rest.not_posted.more and rest.not_posted.next_offset is None
    assert rest.recaps.rows == [] and rest.recaps.count == 4


def test_the_api_pages_through_one_list(
    world: dict[str, Any], workspace: Workspace, api_client_for: Any, monkeypatch: Any,
    django_assert_max_num_queries: Any,
) -> None:  # fmt: skip
    monkeypatch.setattr("rapport.campaigns.api.weekly.now", lambda: NOW)
    late = _more_late_posts(world, workspace, 4)
    client = api_client_for(world["manager"])
    body = client.get("/api/v1/weekly", {"limit": 2}).json()
    assert len(body["not_posted"]) == 2 and body["counts"]["not_posted"] == 5
    assert body["counts"]["recaps"] == 7 and len(body["recaps"]) == 2  # everyone's by default
    assert body["next_offset"] is None
    seen: list[int] = []
    params: dict[str, Any] = {"list": "not_posted", "limit": 2, "offset": 0}
    while True:
        with django_assert_max_num_queries(21):
            page = client.get("/api/v1/weekly", params).json()
        assert page["links_to_collect"] == [] and page["recaps"] == []
        seen += [d["id"] for d in page["not_posted"]]
        if page["next_offset"] is None:
            break
        params["offset"] = page["next_offset"]
    assert sorted(seen) == sorted(d.pk for d in [world["rows"]["late"], *late])
    mine = client.get("/api/v1/weekly", {"scope": "mine"}).json()
    assert {r["creator_name"] for r in mine["recaps"]} == {"Ana", *(f"Late{i}" for i in range(4))}
    assert mine["counts"]["not_arrived"] == 0 and mine["counts"]["approvals"] == 0
    assert client.get("/api/v1/weekly", {"list": "nope"}).status_code == 422
    assert client.get("/api/v1/weekly", {"limit": 0}).status_code == 422
