"""On a phone, in a real Chromium: the creator sends a draft file, watches the upload's progress
bar, and sees the draft listed, in review."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from rapport.campaigns.models import Submission
from rapport.hub.tests.work_fixtures import collaboration_setting, png_bytes
from rapport.testing.factories import DeliverableFactory, WorkspaceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_creator_uploads_a_draft_with_a_progress_bar_and_sees_it_listed(
    page, live_server
) -> None:
    setting = collaboration_setting(WorkspaceFactory.create(name="Lumen Skincare"))
    DeliverableFactory.create(
        collaboration=setting.collaboration, approval_stages=["concept", "final"]
    )
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + setting.path + "#deliverables")

    form = page.locator("#deliverable-1 form").first
    bar = form.locator("progress")
    expect(bar).to_have_count(1)
    expect(bar).to_be_hidden()
    expect(form.get_by_label("This draft is the")).to_have_value("concept")
    form.get_by_label("File").set_input_files(
        {"name": "morning-look.png", "mimeType": "image/png", "buffer": png_bytes(600_000)}
    )
    form.get_by_label("Note for the reviewer (optional)").fill("First take")
    # A slow phone connection, so the bar is seen moving.
    cdp = page.context.new_cdp_session(page)
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 20, "downloadThroughput": -1, "uploadThroughput": 300_000},
    )
    form.get_by_role("button", name="Send for review").click()
    expect(bar).to_be_visible()

    drafts = page.locator("#deliverable-1 .hub-drafts")
    expect(drafts).to_contain_text("Concept, version 1")
    expect(drafts).to_contain_text("morning-look.png")
    expect(page.locator("#deliverable-1")).to_contain_text("Draft in review")
    expect(page.get_by_role("status").first).to_contain_text(
        "your concept (version 1) of deliverable 1 is with the reviewer"
    )
    expect(
        page.locator("#deliverable-1 form").first.get_by_label("This draft is the")
    ).to_have_value("concept")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.evaluate("location.pathname + location.hash") == setting.path + "#deliverable-1"
    assert Submission.objects.get().note == "First take"

    # The page written back behaves like the first: a second version uploads the same way, and a
    # refused one comes back with the reason, on the hub's own address.
    form = page.locator("#deliverable-1 form").first
    form.get_by_label("File").set_input_files(
        {"name": "logo.svg", "mimeType": "image/svg+xml", "buffer": b"<svg></svg>"}
    )
    form.get_by_role("button", name="Send for review").click()
    expect(page.locator("#deliverable-1")).to_contain_text("“logo.svg” is an SVG image")
    expect(page.locator("#deliverable-1 form").first.get_by_label("File")).to_be_focused()
    assert page.evaluate("location.pathname") == setting.path
    form = page.locator("#deliverable-1 form").first
    form.get_by_label("File").set_input_files(
        {"name": "take-2.png", "mimeType": "image/png", "buffer": png_bytes(600_000)}
    )
    form.get_by_role("button", name="Send for review").click()
    expect(form.locator("progress")).to_be_visible()
    expect(page.locator("#deliverable-1 .hub-drafts")).to_contain_text("Concept, version 2")
    assert Submission.objects.count() == 2
