"""In a real Chromium: the owner pastes a YouTube API key, tests it, then refreshes a live post
from YouTube and reads its new figures; the key shows nowhere."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from rapport.conftest import login
from rapport.performance.tests.connectors_fixtures import (
    YOUTUBE_KEY,
    FakePlatform,
    answer,
    live_post,
    platform,
)
from rapport.testing.factories import MembershipFactory, UserFactory, WorkspaceFactory
from rapport.workspaces.roles import Role

__all__ = ["platform"]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_owner_connects_youtube_and_refreshes_a_post(
    page: Any, live_server: Any, platform: FakePlatform
) -> None:
    workspace = WorkspaceFactory.create(name="Lumen Skincare", slug="lumen")
    MembershipFactory.create(
        workspace=workspace, role=Role.OWNER, user=UserFactory.create(email="ola@lumen.test")
    )
    post = live_post(
        workspace, platform="youtube", url="https://www.youtube.com/watch?v=Lm4RtPq9x2A"
    )
    platform.on("/i18nRegions", answer("youtube_i18n_regions"))
    platform.on("/videos", answer("youtube_videos_list"))
    login(page, live_server, "ola@lumen.test")

    page.goto(live_server.url + "/w/lumen/performance/connections/")
    expect(page.get_by_role("heading", level=1, name="Platform connections")).to_be_visible()
    page.get_by_label("Platform").select_option("youtube")
    page.get_by_label("Name").fill("Brand key")
    page.get_by_label("API key or access token").fill(YOUTUBE_KEY)
    page.get_by_role("button", name="Connect", exact=True).click()

    expect(page.get_by_text("YouTube Data API v3 connected")).to_be_visible()
    expect(
        page.get_by_role("heading", level=2, name="YouTube Data API v3 · Brand key")
    ).to_be_visible()
    page.get_by_role("button", name="Test connection").click()
    expect(page.get_by_text("The key works: YouTube answered (3 regions listed).")).to_be_visible()
    assert YOUTUBE_KEY not in page.content()

    page.goto(live_server.url + f"/w/lumen/performance/posts/{post.pk}/")
    page.get_by_role("button", name="Refresh from YouTube").click()

    expect(page.get_by_text("The figures are refreshed from YouTube.")).to_be_visible()
    expect(page.locator("#latest")).to_contain_text("48,210")
    assert YOUTUBE_KEY not in page.content()
