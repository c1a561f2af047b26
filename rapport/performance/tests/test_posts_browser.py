"""The team's collection form in a real browser: figures and a screenshot go in, the latest
figures and the collection appear with their definitions."""

from __future__ import annotations

from typing import Any

import pytest

from rapport.conftest import login
from rapport.performance.models import MetricSnapshot
from rapport.performance.tests.posts_helpers import live_post, png_bytes
from rapport.workspaces.models import Membership, Workspace


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_member_records_a_posts_figures_with_a_screenshot(
    page: Any, live_server: Any, workspace: Workspace, manager: Membership
) -> None:
    post = live_post(workspace)
    login(page, live_server, manager.user.email)
    page.goto(f"{live_server.url}/w/{workspace.slug}/performance/posts/{post.pk}/")
    page.get_by_role("heading", name="Record the figures").wait_for()
    page.get_by_label("Reach").fill("48200")
    page.get_by_label("Likes").fill("1500")
    page.get_by_label("Comments").fill("100")
    page.get_by_label("Views").fill("lots")
    page.get_by_role("button", name="Save the figures").click()
    page.get_by_text("“lots” is not a whole number.").wait_for()
    assert not MetricSnapshot.objects.exists()
    page.get_by_label("Views").fill("52000")
    page.get_by_label("Screenshots (optional)").set_input_files(
        {"name": "insights.png", "mimeType": "image/png", "buffer": png_bytes()}
    )
    page.get_by_role("button", name="Save the figures").click()
    page.get_by_text("The figures are recorded.").wait_for()
    latest = page.locator("#latest")
    assert "48,200" in latest.inner_text()
    assert "3.32%" in latest.inner_text()
    assert page.locator("abbr[title='Engagement rate: engagements ÷ reach.']").count() == 1
    assert page.get_by_role("link", name="insights.png").is_visible()
    snapshot = MetricSnapshot.objects.get()
    assert (snapshot.reach, snapshot.views, snapshot.evidence.count()) == (48200, 52000, 1)
