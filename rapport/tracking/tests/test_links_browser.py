"""In a real browser: ops prepares every creator's link and code in one click, copies a link,
and checks the campaign before launch."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from rapport.conftest import login
from rapport.testing.factories import CampaignFactory
from rapport.tracking.models import DiscountCode, TrackingLink
from rapport.tracking.tests.links_fixtures import allow, contracted
from rapport.workspaces.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_ops_prepares_and_checks_a_campaign(page: Any, live_server: Any, workspace, member):
    allow(workspace, "localhost", "127.0.0.1")
    campaign = CampaignFactory.create(workspace=workspace, name="Spring Glow", slug="spring-glow")
    contracted(campaign, "Maya Chen", "maya.glow")
    contracted(campaign, "Leo Park", "leo", platforms=("tiktok",))
    ops = member(Role.OPS)
    login(page, live_server, ops.user.email)

    page.goto(f"{live_server.url}/w/lumen/tracking/campaigns/{campaign.pk}/")
    expect(page.get_by_role("heading", name="Tracking", exact=True)).to_be_visible()
    page.get_by_label("Destination of the links").fill(f"{live_server.url}/accounts/login/")
    page.get_by_label("Discount (percent off)").fill("20")
    page.get_by_role("button", name="Create the missing links and codes").click()

    expect(page.get_by_text("2 links and 2 codes created")).to_be_visible()
    expect(page.get_by_text("MAYAGLOW20")).to_be_visible()
    expect(page.get_by_text("LEO20")).to_be_visible()
    link = TrackingLink.objects.get(platform="tiktok")
    expect(page.locator(f"#link-{link.pk}")).to_have_value(f"http://127.0.0.1:8000/r/{link.slug}")
    copy = page.get_by_role("button", name=f"Copy http://127.0.0.1:8000/r/{link.slug}")
    copy.click()
    expect(copy).to_have_text("Copied")

    page.get_by_role("button", name="Check before launch").click()
    expect(page.get_by_text("Ready: every link answers and every code is active.")).to_be_visible()
    assert set(TrackingLink.objects.values_list("check_result", flat=True)) == {"ok"}
    assert set(DiscountCode.objects.values_list("check_result", flat=True)) == {"ok"}
