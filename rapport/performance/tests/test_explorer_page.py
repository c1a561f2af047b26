"""The results explorer page and its API: every KPI at a chosen level, one currency at a time."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from rapport.campaigns.models import Campaign
from rapport.conftest import login
from rapport.performance.tests.figures_helpers import collaboration, orders, post
from rapport.testing.factories import CampaignFactory, CreatorFactory
from rapport.workspaces.models import Membership, Workspace


@pytest.fixture
def seeded(workspace: Workspace) -> Campaign:
    """The seed's second example: $7,500 across three creators, one of them micro."""
    campaign = CampaignFactory.create(workspace=workspace, name="Spring glow")
    for name, tier in (("Ada Glow", "micro"), ("Bo Skin", "nano"), ("Cy Care", "nano")):
        creator = CreatorFactory.create(workspace=workspace, name=name, tier=tier)
        collab = collaboration(campaign, "2500.00", creator=creator)
        post(
            collab, platform="youtube", impressions=150_000, views=70_000, likes=900, reach=100_000
        )
        orders(collab, 50)
    euros = CampaignFactory.create(workspace=workspace, name="Été", currency="EUR")
    collaboration(euros, "300.00")
    return campaign


def explorer_url(workspace: Workspace, **params: Any) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse("performance:explorer", kwargs={"ws": workspace.slug}) + (
        f"?{query}" if query else ""
    )


def text_of(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def test_campaign_level_shows_the_seed_figures_with_their_definitions(
    workspace: Workspace,
    seeded: Campaign,
    member: Callable[..., Membership],
    client_for: Callable[[Membership], Client],
) -> None:
    viewer = client_for(member("viewer"))

    response = viewer.get(explorer_url(workspace))

    assert response.status_code == 200
    html = response.content.decode()
    text = text_of(html)
    assert "Results by Campaign, in USD" in text
    assert "Spring glow $7,500 300,000 450,000 210,000 2,700 0.90% $16.67 $0.036 $50" in text
    assert 'title="Cost per thousand impressions: spend ÷ impressions x 1,000."' in html
    assert 'title="Engagement rate: engagements ÷ reach."' in html
    report = reverse("performance:report", kwargs={"ws": workspace.slug, "pk": seeded.pk})
    assert f'href="{report}"' in html
    # The currencies present, the workspace's default first; euros are not in the dollar table.
    assert re.findall(r'<option value="(USD|EUR)"', html) == ["USD", "EUR"]
    assert "Été" not in text.split("Results by")[1].split("What each figure means")[0]
    assert reverse("performance:portfolio", kwargs={"ws": workspace.slug}) in html
    assert reverse("performance:service", kwargs={"ws": workspace.slug}) in html


def test_tier_and_platform_levels_and_the_other_currency(
    workspace: Workspace, seeded: Campaign, manager_client: Client
) -> None:
    tiers = text_of(manager_client.get(explorer_url(workspace, level="tier")).content.decode())
    euros = text_of(
        manager_client.get(
            explorer_url(workspace, level="creator", currency="EUR")
        ).content.decode()
    )
    platform = manager_client.get(explorer_url(workspace, level="platform")).content.decode()

    assert "Nano $5,000" in tiers and "Micro $2,500" in tiers
    assert "Results by Creator, in EUR" in euros and "€300" in euros
    assert "shared equally among its posts" in platform


@pytest.mark.parametrize("level", ["post", "deliverable", "platform"])
def test_collaborations_without_a_post_have_their_row_so_the_rows_add_up(
    workspace: Workspace, seeded: Campaign, manager_client: Client, level: str
) -> None:
    waiting = collaboration(seeded, "1000.00")
    orders(waiting, 3)

    text = text_of(manager_client.get(explorer_url(workspace, level=level)).content.decode())

    table = text.split("Results by")[1].split("What each figure means")[0]
    row = "No post yet (collaborations in the total without any post) $1,000 0 0 0 0 n/a n/a"
    assert f"{row} n/a $333.33 n/a 3 $300 0.30x" in table
    assert "Total $8,500 300,000 450,000 210,000 2,700" in table
    assert "153 $15,300" in table.split("Total")[1]
    assert "on the “No post yet” row, so the rows add up to the total" in text


def test_no_post_yet_row_is_absent_when_every_collaboration_has_a_post_or_by_campaign(
    workspace: Workspace, seeded: Campaign, manager_client: Client
) -> None:
    by_post = text_of(manager_client.get(explorer_url(workspace, level="post")).content.decode())
    waiting = collaboration(seeded, "1000.00")
    orders(waiting, 3)
    by_campaign = text_of(manager_client.get(explorer_url(workspace)).content.decode())

    assert "No post yet (collaborations" not in by_post
    assert "No post yet (collaborations" not in by_campaign
    assert "Spring glow $8,500" in by_campaign


def test_an_unknown_level_or_currency_is_said_and_the_defaults_shown(
    workspace: Workspace, seeded: Campaign, manager_client: Client
) -> None:
    response = manager_client.get(explorer_url(workspace, level="galaxy", currency="JPY"))

    text = text_of(response.content.decode())
    assert response.status_code == 200
    assert "“galaxy” is not a level" in text
    assert "There are no figures in “JPY”" in text
    assert "Results by Campaign, in USD" in text


def test_another_workspaces_campaign_is_not_found(
    workspace: Workspace, other_workspace: Workspace, manager_client: Client
) -> None:
    theirs = CampaignFactory.create(workspace=other_workspace)

    assert manager_client.get(explorer_url(workspace, campaign=theirs.pk)).status_code == 404


def test_the_page_takes_a_fixed_number_of_queries(
    workspace: Workspace,
    seeded: Campaign,
    manager_client: Client,
    django_assert_max_num_queries: Any,
) -> None:
    for n in range(5):
        post(collaboration(seeded, "10.00"), impressions=n + 1)

    with django_assert_max_num_queries(22):
        response = manager_client.get(explorer_url(workspace, level="post", campaign=seeded.pk))
    assert response.status_code == 200


def test_api_lists_rows_kpis_and_definitions(
    workspace: Workspace,
    seeded: Campaign,
    member: Callable[..., Membership],
    api_client_for: Callable[..., Client],
) -> None:
    api = api_client_for(member("viewer"))

    answer = api.get("/api/v1/kpis", {"level": "workspace"}).json()

    assert answer["currencies"] == ["USD", "EUR"]
    assert answer["currency"] == "USD"
    [row] = answer["rows"]
    assert row["key"] == workspace.pk and row["label"] == "Lumen Skincare"
    assert row["figures"]["spend"] == "7500.00"
    assert row["kpis"]["cpm"]["display"] == "$16.67"
    assert row["kpis"]["cpv"]["display"] == "$0.036"
    assert row["kpis"]["cpa"] == {"value": "50.00", "display": "$50"}
    assert answer["totals"]["kpis"]["roas"]["display"] == "2.00x"
    assert answer["definitions"]["cpa"] == "Cost per acquisition: spend ÷ attributed conversions."


def test_api_refuses_an_unknown_level_or_currency_with_a_clear_400(
    workspace: Workspace,
    seeded: Campaign,
    manager: Membership,
    api_client_for: Callable[..., Client],
) -> None:
    api = api_client_for(manager)

    level = api.get("/api/v1/kpis", {"level": "galaxy"})
    currency = api.get("/api/v1/kpis", {"currency": "JPY"})

    assert level.status_code == 400
    assert "“galaxy” is not a level; choose one of post, deliverable" in level.json()["detail"]
    assert currency.status_code == 400
    assert "the figures are in: USD, EUR" in currency.json()["detail"]


def test_api_one_campaign_in_euros(
    workspace: Workspace,
    seeded: Campaign,
    manager: Membership,
    api_client_for: Callable[..., Client],
) -> None:
    euro = CampaignFactory.create(workspace=workspace, name="Hiver", currency="EUR")
    post(collaboration(euro, "100.00"), impressions=10_000)

    answer = api_client_for(manager).get(f"/api/v1/kpis?level=creator&campaign_id={euro.pk}").json()

    assert answer["currencies"] == ["EUR"]
    assert [row["kpis"]["cpm"]["display"] for row in answer["rows"]] == ["€10"]


@pytest.mark.browser
def test_a_member_explores_by_tier_in_a_browser(
    page: Any, live_server: Any, workspace: Workspace, seeded: Campaign, manager: Membership
) -> None:
    login(page, live_server, manager.user.email)
    page.goto(live_server.url + explorer_url(workspace))

    page.get_by_label("Compare by").select_option("tier")
    page.get_by_role("button", name="Show").click()

    table = page.get_by_role("table", name="Results by Tier, in USD")
    assert table.get_by_role("row", name=re.compile("^Nano")).inner_text().startswith("Nano")
    header = table.get_by_role("columnheader", name="CPM")
    header.locator("abbr").focus()
    assert "spend ÷ impressions" in header.locator("abbr").get_attribute("title")
    page.get_by_text("What each figure means").click()
    assert page.get_by_text("Cost per view: spend ÷ video views.").is_visible()
