"""Where the creator's product is: status in plain words, contents, the carrier's tracking link,
the expected date, the address; "It arrived" moves the shipment to received and tells the owner."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from rapport.campaigns.models import ShipmentStatus
from rapport.campaigns.services import seeding
from rapport.hub.tests.work_fixtures import Setting, collaboration_setting, visible_text
from rapport.testing.factories import ProductFactory
from rapport.workspaces.models import AuditEvent, Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(workspace) -> Setting:
    return collaboration_setting(workspace)


def shipment(setting: Setting, *, shipped: bool = True):
    serum = ProductFactory.create(
        workspace=setting.collaboration.workspace, name="Glow Serum", variants=["30 ml", "50 ml"]
    )
    made = seeding.create_shipment(
        collaboration=setting.collaboration,
        actor=setting.owner,
        items=[seeding.ItemData(serum.pk, "30 ml", 2)],
        expected_on=dt.date(2030, 3, 14),
    )
    if shipped:
        made = seeding.create_label(
            shipment=made, actor=setting.owner, carrier="ups", tracking_number="1Z999AA10123456784"
        )
        made = seeding.mark_shipped(shipment=made, actor=setting.owner)
    return made


def test_without_a_shipment_the_creator_knows_whether_product_is_coming(setting) -> None:
    text = visible_text(Client().get(setting.path).content.decode())
    assert "Nothing to ship for this collaboration." in text
    setting.collaboration.terms = {
        "label": "",
        "base_fee": "800.00",
        "currency": "EUR",
        "deliverables": "One reel",
        "add_ons": [],
        "seeding": [
            {"product_id": None, "description": "Glow Serum", "quantity": 1, "unit_value": "39.00"}
        ],
        "bonus": None,
        "committed_cost": "839.00",
        "max_bonus": None,
    }
    setting.collaboration.save(update_fields=["terms"])
    text = visible_text(Client().get(setting.path).content.decode())
    assert "Your product will ship soon." in text


def test_a_shipped_parcel_shows_its_contents_tracking_link_date_and_address(setting) -> None:
    made = shipment(setting)
    html = Client().get(setting.path).content.decode()
    text = visible_text(html)
    assert "Parcel 1 On its way" in text
    assert "2 \u00d7 Glow Serum (30 ml)" in text
    assert (
        '<a href="https://www.ups.com/track?tracknum=1Z999AA10123456784" '
        'rel="noopener noreferrer" target="_blank">'
    ) in html
    assert "Expected Thu 14 Mar" in text
    assert "Going to Mia Laurent 12 rue des Lilas 75011 Paris France" in text
    assert "It arrived" in text
    assert f"#{made.pk}" not in text


def test_it_arrived_moves_the_shipment_to_received_and_tells_the_owner(setting) -> None:
    made = shipment(setting)
    client = Client()
    response = client.post(setting.url("shipping/1/arrived/"))
    assert response.status_code == 302 and response["Location"].endswith("#shipment-1")
    made.refresh_from_db()
    assert made.status == ShipmentStatus.RECEIVED and made.received_at is not None
    text = visible_text(client.get(response["Location"]).content.decode())
    assert "Thank you for letting us know your parcel arrived." in text
    assert "Parcel 1 Arrived: you confirmed it" in text
    assert "It arrived" not in text.replace("Arrived:", "")
    assert Notification.objects.get(recipient=setting.owner).text == (
        "Mia Laurent received shipment 1"
    )
    event = AuditEvent.objects.filter(kind="shipment.status").latest("pk")
    assert event.actor_label == "Mia Laurent" and event.changes["status"][1] == "received"
    assert event.campaign == setting.collaboration.campaign


def test_a_parcel_not_yet_sent_cannot_be_confirmed(setting) -> None:
    made = shipment(setting, shipped=False)
    client = Client()
    html = client.get(setting.path).content.decode()
    assert "Being prepared" in html and "It arrived" not in html
    response = client.post(setting.url("shipping/1/arrived/"), follow=True)
    assert "This parcel has not left yet" in visible_text(response.content.decode())
    made.refresh_from_db()
    assert made.status == ShipmentStatus.DRAFT
    assert not Notification.objects.filter(recipient=setting.owner).exists()
    assert client.post(setting.url("shipping/2/arrived/")).status_code == 404
