"""The hub link in a real Chromium on a phone: the team creates and copies it, the creator opens
it; after a rotation the old address shows the friendly "no longer active" page."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from rapport.conftest import login
from rapport.hub.services.links import active_link, url_of
from rapport.testing.factories import (
    CollaborationFactory,
    CreatorFactory,
    MembershipFactory,
    UserFactory,
    WorkspaceFactory,
)
from rapport.workspaces.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_team_copies_the_link_and_the_old_one_stops_after_a_rotation(
    page: Any, live_server: Any, settings: Any
) -> None:
    settings.RAPPORT_BASE_URL = live_server.url
    workspace = WorkspaceFactory.create(name="Lumen Skincare", slug="lumen")
    MembershipFactory.create(
        workspace=workspace,
        role=Role.MANAGER,
        user=UserFactory.create(name="Maya Moreau", email="maya@lumen.test"),
    )
    creator = CreatorFactory.create(workspace=workspace, name="Ava Martin")
    collaboration = CollaborationFactory.create(
        campaign__workspace=workspace, campaign__name="Summer glow", creator=creator
    )
    page.set_viewport_size({"width": 390, "height": 844})
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    login(page, live_server, "maya@lumen.test")
    page.goto(f"{live_server.url}/w/lumen/campaigns/collaborations/{collaboration.pk}/")
    hub_panel = page.locator("#hub-link")
    hub_panel.get_by_role("button", name="Create the hub link").click()
    address = hub_panel.get_by_label("The creator's address")
    link = active_link(collaboration)
    assert link is not None
    expect(address).to_have_value(url_of(link))
    hub_panel.get_by_role("button", name="Copy").click()
    expect(hub_panel.get_by_role("button", name="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == url_of(link)

    hub_panel.get_by_text("Rotate", exact=True).click()
    hub_panel.get_by_role("button", name="Rotate: the old link stops working").click()
    expect(page.get_by_text("the old one no longer opens")).to_be_visible()

    creator_page = page.context.new_page()
    creator_page.goto(url_of(link))
    expect(
        creator_page.get_by_role("heading", name="This link is no longer active")
    ).to_be_visible()
    new = active_link(collaboration)
    assert new is not None
    creator_page.goto(url_of(new))
    expect(creator_page).to_have_title("Summer glow · Lumen Skincare")
