"""The board in a real Chromium: drag and drop a card, see it persist; a forbidden move snaps back
with the reason; declining asks why; the "Move to" menu is the keyboard's way."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from rapport.campaigns.models import Collaboration
from rapport.conftest import login
from rapport.testing.factories import (
    CampaignFactory,
    CollaborationFactory,
    CreatorFactory,
    MembershipFactory,
    SocialAccountFactory,
    UserFactory,
    WorkspaceFactory,
)
from rapport.workspaces.models import AuditEvent
from rapport.workspaces.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def board(transactional_db: None) -> dict[str, Any]:
    workspace = WorkspaceFactory.create(name="Lumen Skincare", slug="lumen")
    maya = MembershipFactory.create(
        workspace=workspace,
        role=Role.MANAGER,
        user=UserFactory.create(name="Maya Moreau", email="maya@lumen.test"),
    )
    campaign = CampaignFactory.create(workspace=workspace, name="Summer glow", owner=maya.user)
    made = {}
    for name in ("Ava Martin", "Noah Kim"):
        creator = CreatorFactory.create(workspace=workspace, name=name, tier="micro")
        SocialAccountFactory.create(creator=creator, platform="instagram")
        made[name] = CollaborationFactory.create(
            campaign=campaign, creator=creator, owner=maya.user
        )
    return {"campaign": campaign, **made}


def card(page: Any, collaboration: Collaboration) -> Any:
    return page.locator(f"#card-{collaboration.pk}")


def drag(page: Any, collaboration: Collaboration, stage: str) -> None:
    """Grab the card by its top edge (its middle holds the "Move to" form) and drop it."""
    card(page, collaboration).drag_to(
        column(page, stage).locator(".board-cards"), source_position={"x": 6, "y": 4}
    )


def column(page: Any, stage: str) -> Any:
    return page.locator(f'.board-column[data-stage="{stage}"]')


def test_drag_to_an_allowed_column_moves_and_persists(page, live_server, board) -> None:
    login(page, live_server, "maya@lumen.test")
    url = f"{live_server.url}/w/lumen/campaigns/{board['campaign'].pk}/board/"
    page.goto(url)
    ava = board["Ava Martin"]
    expect(column(page, "invited").locator("[data-count]")).to_have_text("2")

    drag(page, ava, "negotiating")

    expect(column(page, "negotiating").locator(f"#card-{ava.pk}")).to_be_visible()
    expect(page.locator("#board-message")).to_contain_text("Ava Martin moved to Negotiating.")
    expect(column(page, "negotiating").locator("[data-count]")).to_have_text("1")
    expect(column(page, "invited").locator("[data-count]")).to_have_text("1")
    page.reload()
    expect(column(page, "negotiating").locator(f"#card-{ava.pk}")).to_be_visible()
    ava.refresh_from_db()
    assert ava.stage == "negotiating"


def test_drag_to_a_forbidden_column_snaps_back_with_the_reason(page, live_server, board) -> None:
    login(page, live_server, "maya@lumen.test")
    page.goto(f"{live_server.url}/w/lumen/campaigns/{board['campaign'].pk}/board/")
    noah = board["Noah Kim"]

    drag(page, noah, "contracted")  # skipping the negotiation is not allowed

    message = page.locator("#board-message")
    expect(message).to_contain_text("cannot go from Invited to Contracted")
    expect(column(page, "invited").locator(f"#card-{noah.pk}")).to_be_visible()
    expect(column(page, "contracted").locator(".board-card")).to_have_count(0)
    expect(column(page, "contracted").locator("[data-count]")).to_have_text("0")
    expect(column(page, "invited").locator("[data-count]")).to_have_text("2")
    noah.refresh_from_db()
    assert noah.stage == "invited"


def test_declining_asks_for_a_reason(page, live_server, board) -> None:
    login(page, live_server, "maya@lumen.test")
    page.set_viewport_size({"width": 3800, "height": 900})  # every column on screen
    page.goto(f"{live_server.url}/w/lumen/campaigns/{board['campaign'].pk}/board/")
    ava = board["Ava Martin"]

    drag(page, ava, "declined")
    dialog = page.locator("#reason-dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Reason").fill("Fully booked this summer")
    dialog.get_by_role("button", name="Move").click()

    expect(page.locator("#board-message")).to_contain_text("Ava Martin moved to Declined.")
    expect(column(page, "declined").locator(f"#card-{ava.pk}")).to_be_visible()
    event = AuditEvent.objects.get(kind="collaboration.stage")
    assert event.reason == "Fully booked this summer"


def test_the_move_to_menu_works_from_the_keyboard(page, live_server, board) -> None:
    login(page, live_server, "maya@lumen.test")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/w/lumen/campaigns/{board['campaign'].pk}/board/")
    noah = board["Noah Kim"]
    menu = card(page, noah).get_by_label("Move to")
    menu.focus()
    menu.select_option("negotiating")
    card(page, noah).get_by_role("button", name="Move", exact=True).press("Enter")
    expect(page.locator("#board-message")).to_contain_text("Noah Kim moved to Negotiating.")
    expect(column(page, "negotiating").locator(f"#card-{noah.pk}")).to_be_visible()
    noah.refresh_from_db()
    assert noah.stage == "negotiating"


def test_a_capped_column_keeps_its_true_count_when_a_card_leaves(page, live_server, board) -> None:
    campaign = board["campaign"]
    for n in range(20):
        creator = CreatorFactory.create(workspace=campaign.workspace, name=f"Zed {n:02}")
        CollaborationFactory.create(campaign=campaign, creator=creator)
    login(page, live_server, "maya@lumen.test")
    page.goto(f"{live_server.url}/w/lumen/campaigns/{campaign.pk}/board/")
    invited = column(page, "invited")
    expect(invited.locator(".board-card")).to_have_count(20)
    expect(invited.locator("[data-count]")).to_have_text("22")
    expect(invited.get_by_role("link", name="+2 more: see them in the table")).to_be_visible()

    drag(page, board["Ava Martin"], "negotiating")

    expect(page.locator("#board-message")).to_contain_text("Ava Martin moved to Negotiating.")
    expect(invited.locator("[data-count]")).to_have_text("21")
    expect(column(page, "negotiating").locator("[data-count]")).to_have_text("1")
    invited.get_by_role("link", name="+2 more: see them in the table").click()
    expect(page.locator("#table-area")).to_contain_text("21 creators")
