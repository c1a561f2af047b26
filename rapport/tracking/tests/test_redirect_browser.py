"""A real browser follows a short link to the shop, and sees the small page for a dead one."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from rapport.testing.factories import TrackingLinkFactory
from rapport.tracking.models import Click


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_browser_follows_the_link_and_lands_with_the_click_reference(
    page: Any, live_server: Any, workspace: Any
):
    # The "shop" is this server's sign-in page, so the browser's landing can be checked.
    TrackingLinkFactory.create(
        collaboration__campaign__workspace=workspace,
        slug="maya-ig",
        target_url=f"{live_server.url}/accounts/login/?utm_source=instagram#top",
    )

    page.goto(f"{live_server.url}/r/maya-ig")

    landed = urlsplit(page.url)
    assert landed.path == "/accounts/login/"
    assert landed.fragment == "top"
    click = Click.objects.get()
    assert parse_qs(landed.query) == {"utm_source": ["instagram"], "rclid": [click.ref]}
    # Chromium runs headless here, and says so in its User-Agent: counted as a robot.
    assert click.is_bot is True
    assert click.device == "desktop"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_dead_link_shows_a_small_page(page: Any, live_server: Any):
    response = page.goto(f"{live_server.url}/r/nothing-here")

    assert response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "This link is not available"
    assert page.title() == "This link is not available"
    assert not Click.objects.exists()
