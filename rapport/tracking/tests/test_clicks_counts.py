"""Click counts per link, collaboration, campaign and creator, people and robots apart, and the
API endpoints that give them."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from rapport.testing.factories import (
    CampaignFactory,
    CollaborationFactory,
    CreatorFactory,
    TrackingLinkFactory,
)
from rapport.tracking.models import Click, TrackingLink
from rapport.tracking.queries.clicks import (
    ClickCounts,
    campaign_counts,
    collaboration_counts,
    creator_counts,
    daily_clicks,
    link_counts,
)
from rapport.workspaces.roles import Role

PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) Mobile/15E148 Safari/604.1"


def click(link: TrackingLink, *, ua: str = PHONE, ip: str = "203.0.113.1", head: bool = False):
    client = Client(REMOTE_ADDR=ip)
    method = client.head if head else client.get
    assert method(f"/r/{link.slug}", headers={"user-agent": ua}).status_code == 302


@pytest.fixture
def setup(workspace: Any) -> dict[str, Any]:
    """Two creators in a spring campaign (Maya with two links), Maya again in a summer one."""
    spring = CampaignFactory.create(workspace=workspace, name="Spring")
    summer = CampaignFactory.create(workspace=workspace, name="Summer")
    maya = CreatorFactory.create(workspace=workspace, name="Maya")
    leo = CreatorFactory.create(workspace=workspace, name="Leo")
    maya_spring = CollaborationFactory.create(campaign=spring, creator=maya)
    leo_spring = CollaborationFactory.create(campaign=spring, creator=leo)
    maya_summer = CollaborationFactory.create(campaign=summer, creator=maya)
    links = {
        "maya_bio": TrackingLinkFactory.create(collaboration=maya_spring, placement="bio"),
        "maya_story": TrackingLinkFactory.create(collaboration=maya_spring, placement="story"),
        "leo_bio": TrackingLinkFactory.create(collaboration=leo_spring),
        "maya_summer": TrackingLinkFactory.create(collaboration=maya_summer),
    }
    # Maya's bio: the same person twice, another person once, a preview bot, a HEAD.
    click(links["maya_bio"], ip="203.0.113.1")
    click(links["maya_bio"], ip="203.0.113.1")
    click(links["maya_bio"], ip="198.51.100.9")
    click(links["maya_bio"], ua="facebookexternalhit/1.1")
    click(links["maya_bio"], head=True)
    click(links["maya_story"], ip="203.0.113.1")
    click(links["leo_bio"], ip="192.0.2.5")
    click(links["maya_summer"], ip="192.0.2.6")
    click(links["maya_summer"], ua="")
    return {
        "spring": spring,
        "summer": summer,
        "maya": maya,
        "leo": leo,
        "collabs": (maya_spring, leo_spring, maya_summer),
        **links,
    }


def test_link_counts_keep_people_and_robots_apart(setup: dict[str, Any]):
    unclicked = TrackingLinkFactory.create(collaboration=setup["collabs"][1], placement="story")

    counts = link_counts([setup["maya_bio"], setup["leo_bio"].pk, unclicked])

    assert counts == {
        setup["maya_bio"].pk: ClickCounts(human=3, bots=2, visitors=2),
        setup["leo_bio"].pk: ClickCounts(human=1, bots=0, visitors=1),
        unclicked.pk: ClickCounts(),
    }


def test_collaboration_campaign_and_creator_counts(setup: dict[str, Any]):
    maya_spring, leo_spring, _maya_summer = setup["collabs"]

    assert collaboration_counts(setup["spring"]) == {
        maya_spring.pk: ClickCounts(human=4, bots=2, visitors=2),
        leo_spring.pk: ClickCounts(human=1, bots=0, visitors=1),
    }
    assert campaign_counts(setup["spring"]) == ClickCounts(human=5, bots=2, visitors=3)
    assert campaign_counts(setup["summer"]) == ClickCounts(human=1, bots=1, visitors=1)
    assert creator_counts(setup["maya"]) == ClickCounts(human=5, bots=3, visitors=3)
    assert creator_counts(setup["leo"]) == ClickCounts(human=1, bots=0, visitors=1)


def test_each_count_is_one_query(setup: dict[str, Any], django_assert_num_queries: Any):
    with django_assert_num_queries(1):
        link_counts([setup["maya_bio"], setup["leo_bio"]])
    with django_assert_num_queries(1):
        collaboration_counts(setup["spring"])
    with django_assert_num_queries(1):
        campaign_counts(setup["spring"])
    with django_assert_num_queries(1):
        creator_counts(setup["maya"])


def test_another_workspaces_clicks_never_count(setup: dict[str, Any], other_workspace: Any):
    theirs = TrackingLinkFactory.create(collaboration__campaign__workspace=other_workspace)
    click(theirs)

    assert campaign_counts(setup["spring"]) == ClickCounts(human=5, bots=2, visitors=3)
    assert link_counts([theirs]) == {theirs.pk: ClickCounts(human=1, bots=0, visitors=1)}


def test_daily_series_in_the_workspace_time_zone(workspace: Any):
    workspace.time_zone = "America/New_York"
    workspace.save()
    link = TrackingLinkFactory.create(collaboration__campaign__workspace=workspace)
    new_york = ZoneInfo("America/New_York")
    today = timezone.localdate(timezone=new_york)

    def local(day: dt.date, hour: int, minute: int) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=new_york)

    # 23:30 in New York is already the next day in UTC: it still counts on its local day.
    for n, (at, bot) in enumerate(
        [
            (local(today, 0, 30), False),
            (local(today, 0, 31), True),
            (local(today - dt.timedelta(days=2), 23, 30), False),
            (local(today - dt.timedelta(days=9), 12, 0), False),
        ]
    ):
        Click.objects.create(workspace=workspace, link=link, ref=f"r{n}", at=at, is_bot=bot)

    series = daily_clicks(link, days=3)

    assert [d.day for d in series] == [today - dt.timedelta(days=n) for n in (2, 1, 0)]
    assert [(d.human, d.bots) for d in series] == [(1, 0), (0, 0), (1, 1)]


# --- API --------------------------------------------------------------------------------------


def test_link_clicks_endpoint(
    setup: dict[str, Any], member: Any, api_client_for: Any, django_assert_max_num_queries: Any
):
    api = api_client_for(member(Role.VIEWER))
    link = setup["maya_bio"]

    with django_assert_max_num_queries(6):
        response = api.get(f"/api/v1/tracking-links/{link.pk}/clicks?days=7")

    assert response.status_code == 200
    body = response.json()
    assert (body["link_id"], body["slug"]) == (link.pk, link.slug)
    assert (body["human"], body["bots"], body["visitors"]) == (3, 2, 2)
    assert len(body["daily"]) == 7
    assert body["daily"][-1]["human"] == 3
    assert body["daily"][-1]["bots"] == 2
    assert body["daily"][-1]["day"] == timezone.localdate().isoformat()


def test_campaign_clicks_endpoint_pages_through_collaborations(
    setup: dict[str, Any], member: Any, api_client_for: Any, django_assert_max_num_queries: Any
):
    api = api_client_for(member(Role.VIEWER))
    spring = setup["spring"]
    maya_spring, leo_spring, _summer = setup["collabs"]
    quiet = CollaborationFactory.create(campaign=spring)

    with django_assert_max_num_queries(7):
        first = api.get(f"/api/v1/campaigns/{spring.pk}/clicks?limit=2").json()
    second = api.get(f"/api/v1/campaigns/{spring.pk}/clicks?limit=2&cursor={first['next']}")

    assert first["campaign_id"] == spring.pk
    assert first["total"] == {"human": 5, "bots": 2, "visitors": 3}
    assert [(i["collaboration_id"], i["creator"], i["human"]) for i in first["items"]] == [
        (maya_spring.pk, "Maya", 4),
        (leo_spring.pk, "Leo", 1),
    ]
    assert second.json()["items"] == [
        {
            "collaboration_id": quiet.pk,
            "creator_id": quiet.creator_id,
            "creator": quiet.creator.name,
            "human": 0,
            "bots": 0,
            "visitors": 0,
        }
    ]
    assert second.json()["next"] is None


def test_another_workspaces_link_or_campaign_is_not_found(
    setup: dict[str, Any], other_workspace: Any, api_client_for: Any
):
    from rapport.testing.factories import MembershipFactory

    outsider = MembershipFactory.create(workspace=other_workspace, role=Role.OWNER)
    api = api_client_for(outsider)

    assert api.get(f"/api/v1/tracking-links/{setup['maya_bio'].pk}/clicks").status_code == 404
    assert api.get(f"/api/v1/campaigns/{setup['spring'].pk}/clicks").status_code == 404


def test_the_endpoints_need_a_token(setup: dict[str, Any]):
    assert Client().get(f"/api/v1/tracking-links/{setup['maya_bio'].pk}/clicks").status_code == 401
