"""In a real browser: a manager opens the campaign's report tab, reads the seed's figures and
their definitions, sees the charts, and makes a read-only link that opens for a visitor."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from rapport.conftest import login
from rapport.performance.tests.report_helpers import seed_campaign
from rapport.workspaces.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_reads_the_report_and_shares_it(
    page: Any, live_server: Any, workspace: Any, member: Any
) -> None:
    seed = seed_campaign(workspace)
    manager = member(Role.MANAGER)
    login(page, live_server, manager.user.email)

    page.goto(f"{live_server.url}/w/lumen/campaigns/{seed.campaign.pk}/")
    page.get_by_role("link", name="Report", exact=True).click()
    expect(page.get_by_role("heading", name="Wrap report")).to_be_visible()
    cpm = page.locator('[data-figure="cpm"]')
    expect(cpm.locator(".report-value")).to_have_text("$16.67")
    expect(cpm.locator("abbr")).to_have_attribute(
        "title", "Cost per thousand impressions: spend ÷ impressions x 1,000."
    )
    expect(page.locator('[data-figure="cpv"] .report-value')).to_have_text("$0.036")
    expect(page.locator('[data-figure="cpa"] .report-value')).to_have_text("$50")
    table = page.get_by_role("table", name="Each creator's figures in USD, and what to do next")
    expect(table.get_by_role("row", name="Zoé Laurent")).to_contain_text("Scale")
    expect(table.get_by_role("row", name="Cy Martin")).to_contain_text("Change creative")
    expect(page.get_by_role("img", name="Spend and conversions per creator")).to_be_visible()
    expect(page.get_by_role("img", name="Spend and conversions per tier")).to_be_visible()
    expect(page.get_by_role("img", name="Conversions over time")).to_be_visible()
    page.get_by_text("How the recommendation is chosen").click()
    expect(page.get_by_text("CPA at least 20 percent lower than the campaign's")).to_be_visible()

    page.get_by_role("button", name="Make a read-only link").click()
    link = page.get_by_label("Your new link (copy it now: it is shown only once)")
    url = link.input_value()
    assert "/shared/rpt_" in url
    visitor = page.context.browser.new_context()
    shared = visitor.new_page()
    shared.goto(url.replace("http://testserver", live_server.url))
    expect(shared.get_by_role("heading", name=seed.campaign.name)).to_be_visible()
    expect(shared.locator('[data-figure="cpm"] .report-value')).to_have_text("$16.67")
    expect(shared.get_by_role("button")).to_have_count(0)
    visitor.close()
