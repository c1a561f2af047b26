"""The wrap report page: the seed's figures, per-creator recommendations, top content, charts,
learnings, currencies, the spend setting, roles and a pinned number of queries."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from rapport.performance.tests.figures_helpers import collaboration, post
from rapport.performance.tests.report_helpers import seed_campaign
from rapport.testing.factories import CampaignFactory
from rapport.workspaces.models import AuditEvent, Membership, Workspace
from rapport.workspaces.roles import Role

MAX_QUERIES = 32


def report_url(campaign: Any, **query: str) -> str:
    url = reverse("performance:report", kwargs={"ws": campaign.workspace.slug, "pk": campaign.pk})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def text(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def headline(page: str, name: str) -> str:
    found = re.search(rf'data-figure="{name}">.*?class="report-value">([^<]+)<', page)
    assert found, name
    return found.group(1)


def test_the_report_shows_the_seeds_figures_and_what_to_do_with_each_creator(
    workspace: Workspace, member: Callable[..., Membership], client_for: Callable[..., Client]
) -> None:
    seed = seed_campaign(workspace)
    response = client_for(member(Role.VIEWER)).get(report_url(seed.campaign))
    assert response.status_code == 200
    page = text(response)
    assert headline(page, "spend") == "$7,500"
    assert headline(page, "impressions") == "450,000"
    assert headline(page, "cpm") == "$16.67"
    assert headline(page, "cpv") == "$0.036"
    assert headline(page, "cpa") == "$50"
    assert headline(page, "er") == "3.33%"
    assert headline(page, "roas") == "1.20x"
    # Every figure says what it means.
    assert "Cost per thousand impressions: spend ÷ impressions x 1,000." in page
    assert "Engagement rate: engagements ÷ reach." in page
    rows = dict(re.findall(r'<th scope="row">([^<]+)</th>.*?recommendation-(\w+)"', page))
    assert rows == {"Zoé Laurent": "scale", "Ben Okafor": "keep", "Cy Martin": "change_creative"}
    assert "Cost per result is CPA" in page
    assert "20 percent lower" in page
    assert "Say the code on screen" in page  # learnings
    assert page.count('role="img"') == 2  # per creator and per tier
    assert '<title id="chart-creators-title">Spend and conversions per creator</title>' in page
    # Viewers read; they get no share links nor settings.
    assert "Make a read-only link" not in page
    # The figures over time come in a second request, as the page asks for them.
    later = re.search(r'hx-get="([^"]+)"', page)
    assert later
    over_time = client_for(member(Role.VIEWER)).get(
        later.group(1).replace("&amp;", "&"), headers={"HX-Request": "true"}
    )
    assert over_time.status_code == 200
    part = text(over_time)
    assert "<html" not in part
    assert '<title id="chart-time-conversions-title">Conversions over time</title>' in part
    assert "Figures over time as a table" in part


def test_one_currency_at_a_time(
    workspace: Workspace, manager: Membership, client_for: Callable[..., Client]
) -> None:
    seed = seed_campaign(workspace)
    euros = collaboration(seed.campaign, "900", currency="EUR")
    post(euros, reach=10, impressions=30_000, likes=1)
    client = client_for(manager)
    page = text(client.get(report_url(seed.campaign)))
    assert headline(page, "spend") == "$7,500"  # the euros are not added in
    assert 'href="?currency=EUR"' in page
    page = text(client.get(report_url(seed.campaign, currency="EUR")))
    assert headline(page, "spend") == "€900"
    assert headline(page, "cpm") == "€30"
    response = client.get(report_url(seed.campaign, currency="GBP"))
    assert response.status_code == 400
    assert "no collaborations in GBP" in text(response)


def test_the_page_runs_a_fixed_number_of_queries(
    workspace: Workspace,
    manager: Membership,
    client_for: Callable[..., Client],
    django_assert_max_num_queries: Any,
) -> None:
    seed = seed_campaign(workspace)
    client = client_for(manager)
    client.get(report_url(seed.campaign))
    with django_assert_max_num_queries(MAX_QUERIES) as small:
        assert client.get(report_url(seed.campaign)).status_code == 200
    for n in range(6):
        more = collaboration(seed.campaign, "100")
        post(more, reach=1_000 + n, impressions=2_000, likes=n)
    with django_assert_max_num_queries(MAX_QUERIES) as large:
        response = client.get(report_url(seed.campaign))
    assert response.content.decode().count("recommendation recommendation-") == 9
    # The same number of queries for 3 creators and for 9 (12 of them draw the figures over time).
    assert len(small) == len(large)


def test_a_manager_counts_seeded_product_in_spend_and_it_is_audited(
    workspace: Workspace, member: Callable[..., Membership], client_for: Callable[..., Client]
) -> None:
    seed = seed_campaign(workspace)
    seed.zoe.product_value = 500
    seed.zoe.committed_cost = 2000  # $1,500 fee + $500 of product
    seed.zoe.save()
    url = reverse("performance:report_spend", kwargs={"ws": workspace.slug, "pk": seed.campaign.pk})
    viewer = client_for(member(Role.VIEWER))
    assert viewer.post(url, {"include": "on"}).status_code == 403
    manager = client_for(member(Role.MANAGER))
    assert headline(text(manager.get(report_url(seed.campaign))), "spend") == "$7,500"
    response = manager.post(url, {"include": "on"}, follow=True)
    page = text(response)
    assert headline(page, "spend") == "$8,000"
    assert "Spend includes the value of seeded product." in page
    event = AuditEvent.objects.get(kind="campaign.updated", campaign=seed.campaign)
    assert event.changes == {"spend_includes_product": [False, True]}
    manager.post(url, {})
    assert headline(text(manager.get(report_url(seed.campaign))), "spend") == "$7,500"


def test_another_workspaces_campaign_is_not_found(
    workspace: Workspace, other_workspace: Workspace, manager: Membership,
    client_for: Callable[..., Client],
) -> None:  # fmt: skip
    theirs = CampaignFactory.create(workspace=other_workspace)
    url = reverse("performance:report", kwargs={"ws": workspace.slug, "pk": theirs.pk})
    assert client_for(manager).get(url).status_code == 404


@pytest.mark.parametrize("stage", ["declined", "cancelled"])
def test_declined_and_cancelled_creators_are_not_in_the_table(
    stage: str, workspace: Workspace, manager: Membership, client_for: Callable[..., Client]
) -> None:
    seed = seed_campaign(workspace)
    gone = collaboration(seed.campaign, "999", stage=stage)
    page = text(client_for(manager).get(report_url(seed.campaign)))
    assert gone.creator.name not in page
    assert headline(page, "spend") == "$7,500"
