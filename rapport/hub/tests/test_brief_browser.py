"""On a phone: the creator sees what changed in the brief since their last visit, confirms the
brief, and takes the time zone their phone suggests; every date follows."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import expect

from rapport.creators.models import Creator
from rapport.hub.models import BriefAcknowledgement, HubState
from rapport.hub.tests.test_brief_changes import first_brief, publish
from rapport.testing.factories import (
    CampaignFactory,
    CollaborationFactory,
    CreatorFactory,
    DeliverableFactory,
    UserFactory,
    WorkspaceFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_creator_sees_the_change_and_confirms_their_time_zone_on_a_phone(
    page: Any, live_server: Any, hub_path: Any
) -> None:
    workspace = WorkspaceFactory.create(name="Lumen Skincare")
    maya = UserFactory.create(name="Maya Moreau")
    campaign = CampaignFactory.create(workspace=workspace, name="Summer glow", owner=maya)
    collaboration = CollaborationFactory.create(
        campaign=campaign,
        creator=CreatorFactory.create(
            workspace=workspace, name="Ava Martin", time_zone="Europe/Paris"
        ),
    )
    DeliverableFactory.create(
        collaboration=collaboration, post_at=dt.datetime(2027, 1, 15, 17, 0, tzinfo=dt.UTC)
    )
    first_brief(campaign, maya)
    url = live_server.url + hub_path(collaboration)
    page.set_viewport_size({"width": 390, "height": 844})
    # The phone is set to Tokyo time.
    page.context.new_cdp_session(page).send(
        "Emulation.setTimezoneOverride", {"timezoneId": "Asia/Tokyo"}
    )

    page.goto(url)  # the first visit
    expect(page.get_by_role("heading", name="Hi Ava!")).to_be_visible()
    expect(page.locator("mark.hub-changed")).to_have_count(0)

    publish(campaign, maya, brand_voice="Warm, plain and a little funny")
    HubState.objects.update(last_seen_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=2))
    page.goto(url)  # the next visit

    changes = page.locator(".hub-changes")
    expect(changes).to_contain_text("What changed since your last visit")
    expect(changes.get_by_role("link", name="Brand voice")).to_be_visible()
    voice = page.locator("#brief-brand_voice")
    expect(voice.locator("mark.hub-changed")).to_have_text("Changed")
    expect(voice).to_contain_text("a little funny")
    page.get_by_role("button", name="I have read the brief").click()
    expect(page.locator("#brief")).to_contain_text("You confirmed version 2 on")
    assert BriefAcknowledgement.objects.get().version.number == 2
    expect(page.locator("#brief-brand_voice mark.hub-changed")).to_be_visible()  # same visit

    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("Times are in Europe/Paris.")
    expect(timeline).to_contain_text("Fri 15 Jan 2027, 18:00")
    use = page.get_by_role("button", name="Use this time zone (Asia/Tokyo)")
    expect(use).to_be_visible()
    use.click()

    expect(page.get_by_role("status").first).to_contain_text("times are now shown in Asia/Tokyo")
    expect(timeline).to_contain_text("Times are in Asia/Tokyo.")
    expect(timeline).to_contain_text("Sat 16 Jan 2027, 02:00")
    expect(page.get_by_role("button", name="Use this time zone (Asia/Tokyo)")).to_be_hidden()
    assert Creator.objects.get(pk=collaboration.creator_id).time_zone == "Asia/Tokyo"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
