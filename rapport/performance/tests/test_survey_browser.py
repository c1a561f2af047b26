"""On a phone, in a real Chromium: once the collaboration is reported, the creator answers the
survey on the hub and reads the thank-you in place of the form."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from rapport.campaigns.models import CollabStage
from rapport.hub.services.links import issue_link, token_of
from rapport.performance.models import SurveyResponse
from rapport.testing.factories import (
    CollaborationFactory,
    CreatorFactory,
    UserFactory,
    WorkspaceFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_creator_answers_the_survey_once(page, live_server) -> None:
    workspace = WorkspaceFactory.create(name="Lumen Skincare")
    collaboration = CollaborationFactory.create(
        campaign__workspace=workspace,
        campaign__name="Spring Glow",
        creator=CreatorFactory.create(workspace=workspace, name="Ava Martin", time_zone="UTC"),
        owner=UserFactory.create(name="Maya Moreau"),
        stage=CollabStage.REPORTED,
    )
    link = issue_link(collaboration=collaboration, actor=None)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/h/{token_of(link)}/#survey")

    section = page.locator("#survey")
    expect(section.get_by_role("heading", name="How did it go?")).to_be_visible()
    section.get_by_role("group", name="How was working with us?").get_by_label("5").check()
    section.get_by_role("group", name="Would you work with us again?").get_by_label("Yes").check()
    section.get_by_role(
        "group", name="Would you be open to trying new formats with us?"
    ).get_by_label("Yes").check()
    section.get_by_label("Anything we should do better?").fill("Send the product earlier.")
    section.get_by_role("button", name="Send my answers").click()

    expect(page.get_by_role("status")).to_contain_text("Thank you: your answers reached the team.")
    expect(page.locator("#survey")).to_contain_text("Working with us: 5 out of 5")
    expect(page.locator("#survey")).to_contain_text("You are open to trying new formats.")
    expect(page.locator("#survey").get_by_role("button", name="Send my answers")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    answer = SurveyResponse.objects.get()
    assert (answer.satisfaction, answer.open_to_new_formats) == (5, True)
    assert answer.comment == "Send the product earlier."
