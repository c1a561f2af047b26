"""On a phone, a creator writes to their contact from the hub and sees the message listed."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from rapport.campaigns.models import Question
from rapport.testing.factories import CollaborationFactory, CreatorFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_creator_sends_a_message_from_a_phone(page: Any, live_server: Any, hub_path: Any) -> None:
    maya = UserFactory.create(name="Maya Moreau")
    collaboration = CollaborationFactory.create(
        owner=maya, creator=CreatorFactory.create(name="Ava Martin", time_zone="Europe/Paris")
    )
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + hub_path(collaboration))

    page.get_by_label("Message Maya").fill("Can I film the reel outdoors?")
    page.get_by_label("This is about something in the brief I need clarified").check()
    page.get_by_role("button", name="Send").click()

    expect(page.get_by_role("status")).to_contain_text(
        "Message sent. Maya usually answers within 1 business day."
    )
    conversation = page.get_by_role("list", name="Your conversation")
    expect(conversation).to_contain_text("Can I film the reel outdoors?")
    expect(conversation).to_contain_text("(Europe/Paris)")
    expect(conversation).to_contain_text("Not answered yet.")
    assert page.url.endswith("#messages")
    # Nothing spills sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert Question.objects.get().is_clarification
