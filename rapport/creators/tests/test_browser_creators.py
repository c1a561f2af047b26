"""The creator list and page in a real Chromium, as a person uses them."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect

from rapport.conftest import login
from rapport.creators import services
from rapport.creators.models import Creator, Stage
from rapport.testing.factories import MembershipFactory, UserFactory, WorkspaceFactory
from rapport.workspaces.models import Notification
from rapport.workspaces.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def team(transactional_db: None) -> dict[str, Any]:
    workspace = WorkspaceFactory(name="Lumen Skincare", slug="lumen")
    return {
        "maya": MembershipFactory(
            workspace=workspace,
            role=Role.MANAGER,
            user=UserFactory(name="Maya Moreau", email="maya@lumen.test", time_zone="Europe/Paris"),
        ),
        "sam": MembershipFactory(
            workspace=workspace,
            role=Role.MANAGER,
            user=UserFactory(name="Sam Okafor", email="sam@lumen.test"),
        ),
    }


@pytest.fixture
def roster(team: dict[str, Any]) -> dict[str, Creator]:
    workspace = team["maya"].workspace
    made = {}
    for index, (name, platform, followers) in enumerate(
        [
            ("Ava Martin", "instagram", 8_000),
            ("Noah Kim", "tiktok", 150_000),
            ("Nora Klein", "youtube", 40_000),
            ("Zoe Rossi", "instagram", 1_500_000),
        ]
    ):
        made[name] = services.create_creator(
            workspace=workspace,
            actor=None,
            name=name,
            owner=team["maya"].user,
            accounts=[
                services.AccountData(
                    platform, name.lower().replace(" ", "."), "", followers, 5_000, Decimal("3.1")
                )
            ],
            emails=[f"creator{index}@example.com"],
            tags=["ugc"],
        )
    services.change_stage(creator=made["Noah Kim"], actor=None, stage=Stage.ACTIVE)
    services.change_stage(creator=made["Nora Klein"], actor=None, stage=Stage.ACTIVE)
    return made


def rows(page: Any) -> list[str]:
    return page.locator("table.creators tbody th[scope=row]").all_inner_texts()


def test_filter_by_stage_and_search_then_open_a_creator(page, live_server, team, roster):
    login(page, live_server, "maya@lumen.test")
    page.goto(live_server.url + "/w/lumen/creators/")
    expect(page.locator("#result-count")).to_have_text(re.compile("4 creators"))
    # A marker on the window survives only if the page is not reloaded.
    page.evaluate("window.notReloaded = true")

    page.get_by_role("group", name="Stage").get_by_label("Active").check()
    expect(page.locator("#result-count")).to_have_text(re.compile("2 creators match"))
    assert rows(page) == ["Noah Kim", "Nora Klein"]
    expect(page).to_have_url(re.compile(r"/w/lumen/creators/\?stage=active$"))

    page.get_by_label("Search").fill("nora")
    expect(page.locator("#result-count")).to_have_text(re.compile("1 creator match"))
    assert rows(page) == ["Nora Klein"]
    expect(page).to_have_url(re.compile(r"\?q=nora&stage=active$"))
    assert page.evaluate("window.notReloaded") is True

    # Sorting by a column header keeps the filters and says how the column is sorted.
    page.get_by_label("Search").fill("")
    expect(page.locator("#result-count")).to_have_text(re.compile("2 creators match"))
    page.get_by_role("link", name="Followers").click()
    expect(page.locator("th.col-followers")).to_have_attribute("aria-sort", "ascending")
    assert rows(page) == ["Nora Klein", "Noah Kim"]
    expect(page).to_have_url(re.compile(r"stage=active&sort=followers"))
    assert page.evaluate("window.notReloaded") is True

    # The same address opened directly shows the same list.
    page.goto(page.url)
    assert rows(page) == ["Nora Klein", "Noah Kim"]
    expect(page.get_by_role("group", name="Stage").get_by_label("Active")).to_be_checked()

    page.get_by_role("link", name="Nora Klein").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nora Klein")
    expect(page.get_by_role("link", name=re.compile("@nora.klein"))).to_have_attribute(
        "rel", "noopener noreferrer"
    )


def test_note_with_a_mention_and_a_stage_change_show_on_the_timeline(
    page, live_server, team, roster
):
    ava = roster["Ava Martin"]
    login(page, live_server, "maya@lumen.test")
    page.goto(f"{live_server.url}/w/lumen/creators/{ava.pk}/")

    page.get_by_label("Note", exact=True).fill("Loved the draft, @sam can you send the contract?")
    page.get_by_role("button", name="Add note").click()
    expect(page.get_by_role("status")).to_have_text(re.compile("Note added"))

    page.get_by_label("New stage").select_option("negotiating")
    page.get_by_label("Reason").fill("Asked for our rates")
    page.get_by_role("button", name="Change stage").click()
    expect(page.get_by_role("status")).to_have_text(re.compile("Stage changed to Negotiating"))

    timeline = page.locator("#timeline-list")
    expect(timeline).to_contain_text("Loved the draft, @sam can you send the contract?")
    expect(timeline).to_contain_text("Stage: Discovered → Negotiating")
    expect(timeline).to_contain_text("Reason: Asked for our rates")
    # The note is signed and dated in Maya's time zone (Paris).
    expect(page.locator(".note").first).to_contain_text("Maya Moreau")
    expect(page.locator(".note").first).to_contain_text(re.compile(r"CES?T"))

    # The timeline narrows to stage changes without reloading the page.
    page.evaluate("window.notReloaded = true")
    page.get_by_label("Show").select_option("stage")
    expect(timeline).not_to_contain_text("Loved the draft")
    expect(timeline).to_contain_text("Stage: Discovered → Negotiating")
    assert page.evaluate("window.notReloaded") is True

    sam = team["sam"].user
    assert Notification.objects.filter(recipient=sam, text__contains="Ava Martin").count() == 1


def test_the_list_is_usable_on_a_phone(page, live_server, team, roster):
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_server, "maya@lumen.test")
    page.goto(live_server.url + "/w/lumen/creators/")

    # Nothing makes the page itself scroll sideways; the table scrolls inside its frame.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width}px wide on a 390px phone"
    frame = page.get_by_role("region", name="Creators table")
    assert frame.evaluate("el => el.scrollWidth > el.clientWidth")
    assert frame.evaluate("el => getComputedStyle(el).overflowX") == "auto"

    # Search is at hand; the filter panel starts folded and opens with a tap.
    page.get_by_label("Search").fill("zoe")
    expect(page.locator("#result-count")).to_have_text(re.compile("1 creator match"))
    filters = page.locator(".filter-panel").first
    expect(filters).not_to_have_attribute("open", "")
    filters.locator("summary").click()
    page.get_by_role("group", name="Platform").get_by_label("Instagram").check()
    expect(page).to_have_url(re.compile(r"\?q=zoe&platform=instagram$"))
    expect(page.locator("#result-count")).to_have_text(re.compile("1 creator match"))

    link = page.get_by_role("link", name="Zoe Rossi")
    link.scroll_into_view_if_needed()
    box = link.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Zoe Rossi")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
