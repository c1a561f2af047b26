"""The portfolio: creators by cost per result and health, the tier mix, whom to deepen, keep,
pause or test next, on the page and in the API."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from decimal import Decimal
from html import unescape
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from rapport.campaigns.models import Campaign
from rapport.conftest import login
from rapport.creators.models import Creator
from rapport.performance.queries import portfolio as portfolio_module
from rapport.performance.queries.health import CreatorHealth
from rapport.performance.queries.portfolio import Suggestion, portfolio, suggest
from rapport.performance.tests.figures_helpers import collaboration, orders, post
from rapport.testing.factories import CampaignFactory, CreatorFactory
from rapport.workspaces.models import Membership, Workspace


def health_of(score: int | None, creator_id: int) -> CreatorHealth:
    return CreatorHealth(
        creator_id=creator_id,
        collaborations=1,
        on_time_rate=None,
        response_rate=None,
        approval_rounds=None,
        quality_score=None,
        repeat=False,
        satisfaction=None,
        open_to_new_formats=None,
        median_response_hours=None,
        median_approval_hours=None,
        median_days_to_pay=None,
        sla_attainment=None,
        score=None if score is None else Decimal(score),
    )


@pytest.fixture
def creators(workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> dict[str, Creator]:
    """Four creators in one dollar campaign, with the health scores the rules are about."""
    campaign: Campaign = CampaignFactory.create(workspace=workspace, name="Spring glow")
    made = {}
    for name, tier, cost, conversions, impressions in (
        ("Ada", "nano", "1000.00", 40, 0),  # CPA $25
        ("Bo", "nano", "1000.00", 10, 0),  # CPA $100
        ("Cy", "micro", "1000.00", 20, 0),  # CPA $50
        ("Di", "mid", "500.00", 0, 100_000),  # CPM $5
    ):
        creator = CreatorFactory.create(workspace=workspace, name=name, tier=tier)
        collab = collaboration(campaign, cost, creator=creator)
        post(collab, impressions=impressions or None, likes=10)
        orders(collab, conversions)
        made[name] = creator
    made["Eve"] = CreatorFactory.create(
        workspace=workspace, name="Eve", tier="micro", stage="qualified"
    )
    turned_down = CreatorFactory.create(workspace=workspace, name="Fay", stage="qualified")
    collaboration(campaign, "100.00", creator=turned_down, stage="declined")
    CreatorFactory.create(workspace=workspace, name="Gus", stage="discovered")
    scores = {"Ada": 80, "Bo": 40, "Cy": None, "Di": 90}

    def stub(ws: Workspace, creator_ids: Iterable[int] | None = None) -> dict[int, CreatorHealth]:
        by_id = {made[name].pk: score for name, score in scores.items()}
        return {pk: health_of(by_id[pk], pk) for pk in creator_ids or by_id if pk in by_id}

    monkeypatch.setattr(portfolio_module, "creator_health", stub)
    return made


def text_of(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


@pytest.mark.parametrize(
    ("index", "health", "expected"),
    [
        ("0.99", 70, Suggestion.DEEPEN),
        ("1.00", 90, Suggestion.KEEP),
        ("1.50", 49, Suggestion.PAUSE),
        ("1.49", 10, Suggestion.KEEP),
        ("3.00", 50, Suggestion.KEEP),
        (None, 10, Suggestion.KEEP),
        ("0.20", None, Suggestion.KEEP),
    ],
)
def test_the_rules_at_their_edges(index: str | None, health: int | None, expected: str) -> None:
    found = suggest(
        None if index is None else Decimal(index), None if health is None else Decimal(health)
    )
    assert found == expected


def test_each_creator_gets_a_suggestion_by_the_rules(
    workspace: Workspace, creators: dict[str, Creator]
) -> None:
    found = portfolio(workspace)

    by_name = {p.name: p for p in found.positions}
    assert {name: p.suggestion for name, p in by_name.items()} == {
        "Ada": Suggestion.DEEPEN,
        "Bo": Suggestion.PAUSE,
        "Cy": Suggestion.KEEP,
        "Di": Suggestion.DEEPEN,
    }
    assert by_name["Ada"].cost_text == "CPA $25"
    assert by_name["Di"].cost_text == "CPM $5"
    # The workspace: $3,500 for 70 conversions ($50) and 100,000 impressions ($35 CPM).
    assert by_name["Ada"].cost_index == Decimal(25) / (Decimal(3500) / 70)
    assert by_name["Di"].cost_index == Decimal(5) / Decimal(35)
    assert [c.name for c in found.test_next] == ["Eve"]
    assert [(t.tier, t.creators, t.figures.spend, t.share_percent) for t in found.tiers] == [
        ("nano", 2, Decimal("2000.00"), Decimal("57.1")),
        ("micro", 1, Decimal("1000.00"), Decimal("28.6")),
        ("mid", 1, Decimal("500.00"), Decimal("14.3")),
    ]


def test_the_page_shows_rules_chart_table_tiers_and_whom_to_test(
    workspace: Workspace,
    creators: dict[str, Creator],
    member: Callable[..., Membership],
    client_for: Callable[[Membership], Client],
    django_assert_max_num_queries: Any,
) -> None:
    viewer = client_for(member("viewer"))

    with django_assert_max_num_queries(16):
        response = viewer.get(reverse("performance:portfolio", kwargs={"ws": workspace.slug}))

    html = response.content.decode()
    text = text_of(html)
    assert response.status_code == 200
    assert "Deepen: 2 Keep: 1 Pause: 1 Test next: 1" in text
    assert "Cost per result lower than the workspace's and a health score of 70 or more." in text
    assert re.search(r"Ada Nano \$1,000 40 0 .*CPA \$25 0\.50 80 Deepen", text)
    assert re.search(r"Bo Nano \$1,000 10 .*CPA \$100 2\.00 40 Pause", text)
    assert re.search(r"Cy Micro .* not known yet Keep", text)
    assert "Nano 2 $2,000 57.1%" in text
    assert '<title id="portfolio-chart-title">Cost per result against health</title>' in html
    assert "3 creators shown, 1 without both figures" in text
    assert html.count("<circle") == 3
    eve = reverse("creators:detail", kwargs={"ws": workspace.slug, "pk": creators["Eve"].pk})
    assert f'href="{eve}"' in html


def test_the_real_health_rules_are_read(workspace: Workspace) -> None:
    campaign = CampaignFactory.create(workspace=workspace)
    post(collaboration(campaign, "100.00"), impressions=1_000)

    found = portfolio(workspace)

    [position] = found.positions
    assert position.health is None  # nothing known about the relationship yet
    assert position.suggestion == Suggestion.KEEP


def test_api_gives_the_same_portfolio(
    workspace: Workspace,
    creators: dict[str, Creator],
    manager: Membership,
    api_client_for: Callable[..., Client],
) -> None:
    api = api_client_for(manager)

    answer = api.get("/api/v1/portfolio").json()
    wrong = api.get("/api/v1/portfolio", {"currency": "GBP"})

    assert answer["currency"] == "USD"
    assert [(c["name"], c["suggestion"], c["health"]) for c in answer["creators"]] == [
        ("Ada", "deepen", "80"),
        ("Bo", "pause", "40"),
        ("Cy", "keep", None),
        ("Di", "deepen", "90"),
    ]
    assert answer["creators"][0]["kpis"]["cpa"]["display"] == "$25"
    assert answer["tiers"][0]["tier"] == "nano"
    assert answer["test_next"] == [
        {"creator_id": creators["Eve"].pk, "name": "Eve", "tier": "micro"}
    ]
    assert [rule["suggestion"] for rule in answer["rules"]] == [
        "Deepen",
        "Pause",
        "Keep",
        "Test next",
    ]
    assert wrong.status_code == 400
    assert "There are no figures in “GBP”" in wrong.json()["detail"]


def test_an_empty_workspace_still_lists_whom_to_test(
    workspace: Workspace, manager_client: Client
) -> None:
    CreatorFactory.create(workspace=workspace, name="Ivy", stage="qualified")

    response = manager_client.get(reverse("performance:portfolio", kwargs={"ws": workspace.slug}))

    text = text_of(response.content.decode())
    assert "Test next: 1" in text and "Ivy" in text


@pytest.mark.browser
def test_a_member_reads_the_portfolio_in_a_browser(
    page: Any,
    live_server: Any,
    workspace: Workspace,
    creators: dict[str, Creator],
    manager: Membership,
) -> None:
    login(page, live_server, manager.user.email)
    page.goto(live_server.url + reverse("performance:explorer", kwargs={"ws": workspace.slug}))
    page.get_by_role("navigation", name="Results").get_by_role("link", name="Portfolio").click()

    chart = page.get_by_role("img", name="Cost per result against health")
    assert chart.is_visible()
    table = page.get_by_role("table", name=re.compile("Creators by cost per result"))
    assert "Pause" in table.get_by_role("row", name=re.compile("^Bo")).inner_text()
    assert page.get_by_role("heading", name="Test next").is_visible()
