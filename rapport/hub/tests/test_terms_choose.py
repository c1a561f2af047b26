"""Choosing a package on the hub: the packages side by side, the choice becomes the terms (the
collaboration is contracted, on the timelines, the owner notified), and a round decided in the
meantime is refused with a clear message."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from rapport.campaigns.models import CollabStage, OfferStatus
from rapport.campaigns.services import offers
from rapport.campaigns.services.offers import AddOnData
from rapport.hub.tests.test_terms_plain import collaboration, launch_package, sent_round, text_of
from rapport.workspaces.models import AuditEvent, Notification

__all__ = ["collaboration"]  # the fixture, shared


def choose_url(path: str, round_number: int, position: int) -> str:
    token = path.strip("/").split("/")[-1]
    return reverse("hub:terms_choose", args=[token, round_number, position])


@pytest.fixture
def two_packages(collaboration, manager):
    return sent_round(
        collaboration,
        manager.user,
        launch_package(),
        launch_package(
            label="Usage-light",
            add_ons=[AddOnData("usage_rights", Decimal("150"), ["website"], 90)],
            bonus=None,
        ),
    )


def test_the_packages_are_shown_side_by_side_without_ids(
    collaboration, two_packages, hub_path
) -> None:
    path = hub_path(collaboration)
    response = Client().get(path)
    page = text_of(response)
    html = response.content.decode()

    assert "Choose your package" in page
    assert page.count("Choose this package") == 2
    assert "Launch package" in page and "Usage-light" in page
    assert "+$250 if your CPA is under $60" in page
    assert choose_url(path, 1, 2) in html
    for package in two_packages.packages.all():
        assert f"/{package.pk}/" not in html.replace(path, "")


def test_choosing_asks_first_and_says_what_is_agreed(collaboration, two_packages, hub_path) -> None:
    path = hub_path(collaboration)
    html = Client().get(path).content.decode()
    # The form sits inside a closed <details>: its summary is the first tap, the button the second.
    second = html.index('<details class="hub-choose">', html.index("Usage-light"))
    block = html[second : html.index("</details>", second)]
    assert '<summary role="button">Choose this package</summary>' in block
    assert f'action="{choose_url(path, 1, 2)}"' in block
    text = " ".join(re.sub(r"<[^>]+>", " ", block).split())
    assert "You agree to these terms: You make One video and two story frames." in text
    assert "Your fee: $1,500." in text
    assert "Extra: Usage rights:" in text and "$150 more." in text
    assert "In all: $1,650." in text
    assert "This is final: these become your terms, and Maya Moreau will be told." in text
    assert "Yes, I choose this package" in text


def test_choosing_a_package_makes_it_the_terms(collaboration, two_packages, hub_path) -> None:
    path = hub_path(collaboration)
    client = Client()

    response = client.post(choose_url(path, 1, 2))

    assert response.status_code == 302 and response["Location"].endswith("#terms")
    collaboration.refresh_from_db()
    two_packages.refresh_from_db()
    assert collaboration.stage == CollabStage.CONTRACTED
    assert collaboration.terms["label"] == "Usage-light"
    assert two_packages.status == OfferStatus.ACCEPTED
    accepted = AuditEvent.objects.get(kind="offer.accepted", creator=collaboration.creator)
    assert accepted.actor is None and accepted.actor_label == "Ava Martin"
    assert "Usage-light" in accepted.summary
    notice = Notification.objects.get(recipient=collaboration.owner)
    assert notice.text == "Ava Martin chose Usage-light of offer round 1 in Summer glow."
    page = text_of(client.get(path))
    assert "your choice is recorded" in page
    assert "What we agreed" in page and "Choose this package" not in page


def test_a_round_withdrawn_meanwhile_is_refused_clearly(
    collaboration, two_packages, manager, hub_path
) -> None:
    path = hub_path(collaboration)
    offers.withdraw_offer(offer=two_packages, actor=manager.user, reason="Budget changed")
    client = Client()

    response = client.post(choose_url(path, 1, 1), follow=True)

    collaboration.refresh_from_db()
    assert collaboration.terms == {} and collaboration.stage == CollabStage.NEGOTIATING
    page = text_of(response)
    assert "This offer was already decided, withdrawn or replaced in the meantime" in page
    assert "Your offer is being prepared" in page
    assert not Notification.objects.exists()


def test_a_round_replaced_meanwhile_is_not_chosen_from(
    collaboration, two_packages, manager, hub_path
) -> None:
    path = hub_path(collaboration)
    sent_round(collaboration, manager.user, launch_package(base_fee=Decimal("1800")))

    Client().post(choose_url(path, 1, 1))

    collaboration.refresh_from_db()
    assert collaboration.terms == {}


def test_a_package_that_is_not_in_the_round_is_refused(
    collaboration, two_packages, hub_path
) -> None:
    response = Client().post(choose_url(hub_path(collaboration), 1, 3), follow=True)
    assert "Choose one of the packages shown." in text_of(response)
    collaboration.refresh_from_db()
    assert collaboration.terms == {}


def test_choosing_needs_a_post(collaboration, two_packages, hub_path) -> None:
    answer = Client().get(choose_url(hub_path(collaboration), 1, 1))
    assert (answer.status_code, answer["Location"]) == (302, hub_path(collaboration))
    collaboration.refresh_from_db()
    assert collaboration.committed_cost is None


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_on_a_phone_the_choice_takes_two_taps(
    page, live_server, collaboration, manager, hub_path
) -> None:
    sent_round(collaboration, manager.user, launch_package())
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}{hub_path(collaboration)}#terms")

    terms = page.locator("#terms")
    confirm = terms.get_by_role("button", name="Yes, I choose this package")
    expect(confirm).to_be_hidden()
    terms.get_by_text("Choose this package", exact=True).click()
    expect(terms.get_by_text("In all: $1,800.")).to_be_visible()
    expect(terms.get_by_text("This is final: these become your terms")).to_be_visible()
    collaboration.refresh_from_db()
    assert collaboration.terms == {}  # opening the confirmation chose nothing

    confirm.click()

    expect(page.get_by_role("status")).to_contain_text("your choice is recorded")
    expect(terms.get_by_role("heading", name="What we agreed")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    collaboration.refresh_from_db()
    assert collaboration.terms["label"] == "Launch package"
