"""The brief on the hub: the published version with its number and date, every field, the note
for this creator, and what changed since the creator's last visit highlighted."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from rapport.campaigns.services.briefs import publish_brief, save_brief
from rapport.hub.models import HubState
from rapport.testing.factories import CampaignFactory, CollaborationFactory, CreatorFactory

RULES = ["Show the serum in the first 3 seconds", "Say #ad out loud", "No competitor in frame"]


@pytest.fixture
def collaboration(workspace):
    campaign = CampaignFactory.create(workspace=workspace, name="Summer glow")
    return CollaborationFactory.create(
        campaign=campaign,
        creator=CreatorFactory.create(workspace=workspace, name="Ava Martin"),
        note="Ava: film at golden hour if you can.",
    )


def publish(campaign, actor, **values) -> None:
    save_brief(campaign=campaign, actor=actor, **values)
    publish_brief(campaign=campaign, actor=actor)


def first_brief(campaign, actor) -> None:
    publish(
        campaign,
        actor,
        objective="conversion",
        audience_insight="Busy people who want one step, not ten",
        brand_voice="Warm and plain",
        non_negotiables=RULES,
        creative_freedoms="Your setting, your words",
        talking_points=["Fragrance-free", "Vitamin C"],
        do_examples=["Show your real morning"],
        dont_examples=["No before/after claims"],
        disclosure="#ad",
        deliverables_timeline="One reel by the end of June",
        approval_stages=["concept", "final"],
        tracking_instructions="Put your link in bio",
        inspiration_links=["https://example.com/reel"],
    )


def brief_html(client: Client, path: str) -> str:
    html = client.get(path).content.decode()
    return html[html.index('id="brief"') : html.index("</section>", html.index('id="brief"'))]


def field(html: str, name: str) -> str:
    start = html.index(f'id="brief-{name}"')
    return html[start : html.index("</div>", start)]


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_brief_shows_every_field_with_its_version_and_the_note(
    collaboration, manager, hub_path
) -> None:
    first_brief(collaboration.campaign, manager.user)
    html = brief_html(Client(), hub_path(collaboration))
    page = text(html)

    today = timezone.localdate().strftime("%-d %b %Y")
    assert "Version 1, published on" in page and today in page
    for shown in (
        "Conversion",
        "Busy people who want one step",
        "Warm and plain",
        "Say #ad out loud",
        "Your setting, your words",
        "Vitamin C",
        "Show your real morning",
        "No before/after claims",
        "#ad",
        "One reel by the end of June",
        "Concept, Final",
        "Put your link in bio",
        "A note for you",
        "Ava: film at golden hour if you can.",
    ):
        assert shown in page, shown
    assert '<a href="https://example.com/reel" target="_blank" rel="noopener noreferrer">' in html
    assert "hub-changed" not in html  # a first visit highlights nothing
    assert "What changed since your last visit" not in page


def test_without_a_published_brief_the_creator_is_told_it_is_coming(
    collaboration, manager, hub_path
) -> None:
    save_brief(campaign=collaboration.campaign, actor=manager.user, brand_voice="Draft only")
    page = text(brief_html(Client(), hub_path(collaboration)))
    assert "The brief is on its way" in page
    assert "Draft only" not in page
    assert "Ava: film at golden hour" in page


def test_a_change_is_highlighted_after_a_new_version_is_published(
    collaboration, manager, hub_path, monkeypatch
) -> None:
    campaign = collaboration.campaign
    first_brief(campaign, manager.user)
    path = hub_path(collaboration)
    client = Client()
    clock = [timezone.now()]
    monkeypatch.setattr("rapport.hub.views.brief.timezone.now", lambda: clock[0])

    brief_html(client, path)  # the first visit: version 1 seen
    publish(campaign, manager.user, brand_voice="Warm, plain and a little funny")

    clock[0] += dt.timedelta(minutes=20)  # still the same visit: nothing new to highlight
    assert "hub-changed" not in brief_html(client, path)

    clock[0] += dt.timedelta(minutes=45)  # a new visit
    html = brief_html(client, path)
    page = text(html)
    assert "What changed since your last visit" in page
    assert '<mark class="hub-changed">Changed</mark>' in html
    assert "hub-changed" in field(html, "brand_voice")
    assert "a little funny" in field(html, "brand_voice")
    assert "hub-changed" not in field(html, "audience_insight")
    assert 'href="#brief-brand_voice">Brand voice</a>' in html

    clock[0] += dt.timedelta(minutes=10)  # a reload within the visit keeps the highlight
    assert "hub-changed" in brief_html(client, path)

    clock[0] += dt.timedelta(hours=2)  # a later visit: already seen
    assert "hub-changed" not in brief_html(client, path)
    state = HubState.objects.get(collaboration=collaboration)
    assert (state.baseline_brief_version, state.seen_brief_version) == (2, 2)
