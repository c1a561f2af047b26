"""The campaign pages as a member uses them: list, planning, overview, experiments, timeline."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from rapport.campaigns.models import Campaign, Experiment
from rapport.campaigns.services.collaborations import change_stage
from rapport.testing.factories import CampaignFactory, CollaborationFactory, UserFactory
from rapport.workspaces.models import AuditEvent
from rapport.workspaces.roles import Role
from rapport.workspaces.services import record


def _url(workspace, tail: str = "") -> str:
    return f"/w/{workspace.slug}/campaigns/{tail}"


def test_the_list_shows_status_owner_dates_and_budget_and_filters(
    workspace, manager, client_for, django_assert_max_num_queries
) -> None:
    for n in range(12):
        CampaignFactory.create(
            workspace=workspace,
            name=f"Drop {n}",
            owner=manager.user,
            status="active" if n % 2 else "draft",
            budget=Decimal("12500.00"),
            currency="EUR",
        )
    CampaignFactory.create(workspace=workspace, name="Quiet one", status="closed")
    client = client_for(manager)
    client.get(_url(workspace))  # the session remembers the workspace on the first visit
    # Sign-in, membership, the nav's counts, then one count and one page of campaigns,
    # whatever the number of campaigns.
    with django_assert_max_num_queries(8):
        page = client.get(_url(workspace)).content.decode()
    assert "Drop 11" in page and "Quiet one" in page
    assert "12,500.00 EUR" in page
    page = client.get(_url(workspace, "?status=closed")).content.decode()
    assert "Quiet one" in page and "Drop 1<" not in page
    page = client.get(_url(workspace, f"?owner={manager.user.pk}")).content.decode()
    assert "Drop 3" in page and "Quiet one" not in page
    page = client.get(_url(workspace, "?status=nonsense")).content.decode()
    assert "is not a campaign status" in page


def test_a_manager_plans_a_campaign_with_people_and_kpis(workspace, member, client_for) -> None:
    manager, reviewer = member(Role.MANAGER), member(Role.REVIEWER, name="Rae Reviewer")
    client = client_for(manager)
    form = client.get(_url(workspace, "new/")).content.decode()
    assert 'value="USD"' in form  # the workspace's currency
    response = client.post(
        _url(workspace, "new/"),
        {
            "name": "Spring Glow",
            "slug": "",
            "objective": "conversion",
            "starts_on": "2025-04-01",
            "ends_on": "2025-05-31",
            "budget": "20000",
            "currency": "USD",
            "owner": manager.user.pk,
            "decision_maker": reviewer.user.pk,
            "delegates": [manager.user.pk],
            "er_denominator": "reach",
            "kpi_cpa": "45",
            "kpi_reach": "500000",
        },
    )
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url(workspace, f"{campaign.pk}/")
    assert campaign.slug == "spring-glow"
    page = client.get(response["Location"]).content.decode()
    assert "Spring Glow" in page and "Rae Reviewer" in page
    assert "Conversion" in page and "1 Apr 2025" in page
    assert "CPA" in page and "500000" in page


def test_the_form_explains_what_is_wrong(workspace, member, client_for) -> None:
    manager, finance = member(Role.MANAGER), member(Role.FINANCE)
    CampaignFactory.create(workspace=workspace, slug="taken")
    response = client_for(manager).post(
        _url(workspace, "new/"),
        {
            "name": "X",
            "slug": "taken",
            "objective": "awareness",
            "starts_on": "2025-04-02",
            "ends_on": "2025-04-01",
            "currency": "USD",
            "er_denominator": "reach",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "already uses the slug “taken”" in page
    # Finance cannot be chosen as decision-maker: not even offered.
    assert (
        f'value="{finance.user.pk}"'
        not in page.split('name="decision_maker"')[1].split("</select>")[0]
    )
    response = client_for(manager).post(
        _url(workspace, "new/"),
        {
            "name": "X",
            "objective": "awareness",
            "starts_on": "2025-04-02",
            "ends_on": "2025-04-01",
            "currency": "USD",
            "er_denominator": "reach",
        },
    )
    assert "cannot end (2025-04-01) before it starts (2025-04-02)" in response.content.decode()


def test_a_viewer_sees_but_cannot_plan_or_change(workspace, member, client_for) -> None:
    viewer = member(Role.VIEWER)
    campaign = CampaignFactory.create(workspace=workspace, name="Look only")
    client = client_for(viewer)
    assert client.get(_url(workspace, f"{campaign.pk}/")).status_code == 200
    assert client.get(_url(workspace, "new/")).status_code == 403
    assert client.post(_url(workspace, f"{campaign.pk}/edit/"), {"name": "x"}).status_code == 403
    assert (
        client.post(_url(workspace, f"{campaign.pk}/status/"), {"status": "active"}).status_code
        == 403
    )
    assert "Edit campaign" not in client.get(_url(workspace, f"{campaign.pk}/")).content.decode()


def test_the_overview_never_adds_up_different_currencies(workspace, manager, client_for) -> None:
    campaign = CampaignFactory.create(workspace=workspace, budget="10000.00", currency="USD")
    CollaborationFactory.create(campaign=campaign, committed_cost="2500.00", currency="USD")
    CollaborationFactory.create(campaign=campaign, committed_cost="1500.00", currency="USD")
    CollaborationFactory.create(
        campaign=campaign, committed_cost="900.00", currency="EUR", creator__name="Élodie Martin"
    )
    CollaborationFactory.create(
        campaign=campaign, committed_cost="5000.00", currency="USD", stage="cancelled"
    )
    page = client_for(manager).get(_url(workspace, f"{campaign.pk}/")).content.decode()
    assert "10,000.00 USD" in page
    assert "4,000.00 USD" in page  # committed: the cancelled one is left out
    assert "6,000.00 USD" in page  # left
    assert "Élodie Martin" in page and "900.00 EUR" in page
    assert "4,900" not in page


def test_the_status_changes_from_the_overview(workspace, manager, client_for) -> None:
    campaign = CampaignFactory.create(workspace=workspace)
    client = client_for(manager)
    response = client.post(_url(workspace, f"{campaign.pk}/status/"), {"status": "active"})
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == "active"
    response = client.post(_url(workspace, f"{campaign.pk}/status/"), {"status": "draft"})
    assert response.status_code == 400


def test_experiments_are_added_edited_and_removed(workspace, manager, client_for) -> None:
    campaign = CampaignFactory.create(workspace=workspace)
    client = client_for(manager)
    base = _url(workspace, f"{campaign.pk}/experiments/")
    assert client.post(base, {"hypothesis": ""}).status_code == 400
    client.post(base, {"hypothesis": "UGC beats studio", "varied": "Ad creative"})
    experiment = Experiment.objects.get()
    client.post(
        f"{base}{experiment.pk}/",
        {"hypothesis": "UGC beats studio", "varied": "Ad creative", "result": "CPA 38 vs 52",
         "decision": "Keep UGC"},
    )  # fmt: skip
    page = client.get(base).content.decode()
    assert "CPA 38 vs 52" in page and "Keep UGC" in page
    client.post(f"{base}{experiment.pk}/delete/")
    assert not Experiment.objects.exists()
    assert "No experiment logged yet" in client.get(base).content.decode()


def test_the_timeline_shows_a_stage_change_with_who_why_and_before_after(
    workspace, member, client_for
) -> None:
    manager = member(Role.MANAGER, name="Mona Manager", time_zone="Asia/Tokyo")
    campaign = CampaignFactory.create(workspace=workspace, name="Autumn")
    collaboration = CollaborationFactory.create(campaign=campaign, creator__name="Ana Lima")
    change_stage(
        collaboration=collaboration, stage="declined", actor=manager.user, reason="Booked up"
    )
    page = client_for(manager).get(_url(workspace, f"{campaign.pk}/timeline/")).content.decode()
    assert "Ana Lima in Autumn: Invited → Declined" in page
    assert "Mona Manager" in page and "Booked up" in page
    assert "Invited</span>" in page and "Declined</span>" in page
    assert "JST" in page  # the viewer's own time zone


def test_the_timeline_is_newest_first_and_paged(workspace, manager, client_for) -> None:
    campaign = CampaignFactory.create(workspace=workspace)
    start = timezone.now()
    for n in range(35):
        event = record(
            workspace=workspace, actor=None, kind="x", summary=f"Event {n:02d}", campaign=campaign
        )
        AuditEvent.objects.filter(pk=event.pk).update(created_at=start + dt.timedelta(minutes=n))
    other = CampaignFactory.create(workspace=workspace)
    record(workspace=workspace, actor=None, kind="x", summary="Elsewhere", campaign=other)
    client = client_for(manager)
    first = client.get(_url(workspace, f"{campaign.pk}/timeline/")).content.decode()
    assert first.index("Event 34") < first.index("Event 33")
    assert "Event 04" not in first and "Elsewhere" not in first
    second = client.get(_url(workspace, f"{campaign.pk}/timeline/?page=2")).content.decode()
    assert "Event 04" in second and "Event 00" in second


@pytest.mark.parametrize("tab", ["", "experiments/", "timeline/", "brief/", "edit/"])
def test_every_tab_has_the_campaign_header(workspace, manager, client_for, tab) -> None:
    decider = UserFactory.create(name="Dee Decider")
    from rapport.testing.factories import MembershipFactory

    MembershipFactory.create(workspace=workspace, user=decider, role=Role.REVIEWER)
    campaign = CampaignFactory.create(
        workspace=workspace, name="Header test", decision_maker=decider, objective="trust"
    )
    page = client_for(manager).get(_url(workspace, f"{campaign.pk}/{tab}")).content.decode()
    assert "Header test" in page and "Dee Decider" in page and "Trust" in page
    for label in ("Overview", "Brief", "Board", "Table", "Experiments", "Timeline"):
        assert f">{label}</a>" in page
