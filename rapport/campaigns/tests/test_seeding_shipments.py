"""Shipments: the address as it was, the steps, the shipping clock and the e-mail to the creator."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rapport.campaigns.models import Moment, ShipmentStatus, SlaClock
from rapport.campaigns.services import seeding
from rapport.campaigns.services.sla import ClockState, state_of
from rapport.campaigns.tests.seeding_fixtures import (
    ADDRESS,
    collaboration_with_address,
    draft_shipment,
    serum,
)
from rapport.testing.factories import CollaborationFactory, CreatorFactory
from rapport.workspaces.models import AuditEvent, Membership, Workspace
from rapport.workspaces.roles import Role

pytestmark = pytest.mark.django_db


def _clock(shipment: object) -> SlaClock:
    return SlaClock.objects.get(moment=Moment.SHIPPING, subject_id=shipment.pk)  # type: ignore[attr-defined]


def test_a_shipment_keeps_the_address_as_it_was(workspace: Workspace, manager: Membership) -> None:
    collaboration = collaboration_with_address(workspace)
    shipment = draft_shipment(collaboration, manager.user)
    collaboration.creator.shipping_address = "Somewhere else entirely"
    collaboration.creator.save()
    shipment.refresh_from_db()
    assert shipment.address == ADDRESS
    assert shipment.status == ShipmentStatus.DRAFT


def test_no_shipment_without_a_shipping_address(workspace: Workspace, manager: Membership) -> None:
    creator = CreatorFactory.create(workspace=workspace, name="Noa", shipping_address="  ")
    collaboration = CollaborationFactory.create(
        workspace=workspace, creator=creator, campaign__workspace=workspace
    )
    product = serum(workspace)
    with pytest.raises(ValidationError) as caught:
        seeding.create_shipment(
            collaboration=collaboration,
            actor=manager.user,
            items=[seeding.ItemData(product.pk, "30 ml")],
        )
    assert "Noa has no shipping address on file" in caught.value.message_dict["address"][0]


def test_items_take_a_variant_of_their_product_and_an_offered_product(
    workspace: Workspace, manager: Membership
) -> None:
    collaboration = collaboration_with_address(workspace)
    product = serum(workspace)
    with pytest.raises(ValidationError, match="choose one of the variants of Glow Serum"):
        seeding.create_shipment(
            collaboration=collaboration, actor=manager.user,
            items=[seeding.ItemData(product.pk, "XXL")],
        )  # fmt: skip
    seeding.update_product(product=product, actor=manager.user, is_active=False)
    with pytest.raises(ValidationError, match="no longer offered"):
        seeding.create_shipment(
            collaboration=collaboration, actor=manager.user,
            items=[seeding.ItemData(product.pk, "30 ml")],
        )  # fmt: skip


def test_the_label_starts_the_shipping_clock_due_24_hours_later(
    workspace: Workspace, manager: Membership
) -> None:
    shipment = draft_shipment(collaboration_with_address(workspace), manager.user)
    at = dt.datetime(2025, 3, 14, 9, 30, tzinfo=dt.UTC)
    seeding.create_label(shipment=shipment, actor=manager.user, at=at)
    clock = _clock(shipment)
    assert clock.started_at == at
    assert clock.due_at == at + dt.timedelta(hours=24)
    assert clock.owner == manager.user
    assert clock.collaboration == shipment.collaboration
    assert state_of(clock, now=at + dt.timedelta(hours=1)) == ClockState.RUNNING
    assert state_of(clock, now=at + dt.timedelta(hours=25)) == ClockState.BREACHED


def test_the_workspace_policy_sets_the_shipping_allowance(
    workspace: Workspace, manager: Membership
) -> None:
    workspace.sla_policy = {**workspace.sla_policy, "shipping_confirmation_hours": 48}
    workspace.save()
    shipment = draft_shipment(collaboration_with_address(workspace), manager.user)
    at = dt.datetime(2025, 3, 14, 9, 30, tzinfo=dt.UTC)
    seeding.create_label(shipment=shipment, actor=manager.user, at=at)
    assert _clock(shipment).due_at == at + dt.timedelta(hours=48)


def test_telling_the_creator_sends_the_tracking_link_and_stops_the_clock(
    workspace: Workspace, manager: Membership
) -> None:
    collaboration = collaboration_with_address(workspace)
    shipment = draft_shipment(collaboration, manager.user)
    seeding.create_label(
        shipment=shipment, actor=manager.user, carrier="ups", tracking_number="1Z999AA10123456784"
    )
    seeding.tell_creator(shipment=shipment, actor=manager.user, expected_on=dt.date(2025, 3, 18))

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["mia@example.test"]
    assert "on its way" in message.subject
    assert "Hi Mia Laurent," in message.body
    assert "2 x Glow Serum (30 ml)" in message.body
    assert collaboration.campaign.name in message.body
    assert "It travels with UPS, under tracking number 1Z999AA10123456784." in message.body
    assert "https://www.ups.com/track?tracknum=1Z999AA10123456784" in message.body
    assert "It should reach you on Tuesday 18 March 2025." in message.body
    assert "rue des Lilas" not in message.body

    shipment.refresh_from_db()
    assert shipment.creator_told_at is not None
    clock = _clock(shipment)
    assert clock.stopped_at == shipment.creator_told_at
    assert state_of(clock) == ClockState.MET


def test_a_creator_who_speaks_french_is_told_in_french(
    workspace: Workspace, manager: Membership
) -> None:
    collaboration = collaboration_with_address(workspace)
    collaboration.creator.languages = ["fr", "en"]
    collaboration.creator.save(update_fields=["languages"])
    shipment = draft_shipment(collaboration, manager.user)
    seeding.create_label(
        shipment=shipment, actor=manager.user, carrier="ups", tracking_number="1Z999AA10123456784"
    )
    seeding.tell_creator(shipment=shipment, actor=manager.user, expected_on=dt.date(2025, 3, 18))

    (message,) = mail.outbox
    assert message.subject == f"Votre colis de {workspace.name} est en route"
    assert "mardi 18 mars 2025" in message.body
    # The member's own record stays in their language.
    event = AuditEvent.objects.filter(kind__startswith="shipment").latest("created_at")
    assert "Votre" not in event.summary


def test_telling_the_creator_needs_carrier_number_and_date(
    workspace: Workspace, manager: Membership
) -> None:
    shipment = draft_shipment(collaboration_with_address(workspace), manager.user)
    seeding.create_label(shipment=shipment, actor=manager.user)
    with pytest.raises(ValidationError) as caught:
        seeding.tell_creator(shipment=shipment, actor=manager.user)
    assert set(caught.value.message_dict) == {"carrier", "tracking_number", "expected_on"}
    assert mail.outbox == []
    assert _clock(shipment).stopped_at is None


def test_the_steps_follow_each_other_and_shipping_moves_the_collaboration(
    workspace: Workspace, manager: Membership
) -> None:
    collaboration = collaboration_with_address(workspace)
    shipment = draft_shipment(collaboration, manager.user)
    with pytest.raises(ValidationError, match="Create the label before"):
        seeding.mark_shipped(shipment=shipment, actor=manager.user)
    seeding.create_label(shipment=shipment, actor=manager.user)
    seeding.mark_shipped(shipment=shipment, actor=manager.user)
    collaboration.refresh_from_db()
    assert collaboration.stage == "product_shipped"
    seeding.mark_delivered(shipment=shipment, actor=manager.user)
    seeding.confirm_receipt(shipment=shipment, actor=None)  # from the creator's hub
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.RECEIVED
    steps = [shipment.label_created_at, shipment.shipped_at, shipment.delivered_at]
    assert None not in steps and steps == sorted(steps)  # type: ignore[type-var]
    assert shipment.received_at is not None


def test_every_step_is_on_the_creators_and_the_campaigns_timelines_without_the_address(
    workspace: Workspace, manager: Membership
) -> None:
    collaboration = collaboration_with_address(workspace)
    shipment = draft_shipment(collaboration, manager.user)
    seeding.create_label(shipment=shipment, actor=manager.user)
    seeding.mark_shipped(shipment=shipment, actor=manager.user)
    seeding.confirm_receipt(shipment=shipment, actor=None)
    events = AuditEvent.objects.filter(object_type="shipment", object_id=shipment.pk)
    assert [e.kind for e in events.order_by("id")] == [
        "shipment.created", "shipment.status", "shipment.status", "shipment.status",
    ]  # fmt: skip
    for event in events:
        assert event.creator_id == collaboration.creator_id
        assert event.campaign_id == collaboration.campaign_id
        assert "Lilas" not in event.summary and "Lilas" not in str(event.changes)
    receipt = events.order_by("id").last()
    assert receipt is not None and receipt.actor is None
    assert receipt.summary == f"Mia Laurent confirmed receiving shipment #{shipment.pk}"


@pytest.mark.parametrize(
    ("role", "sees_address"),
    [
        (Role.OPS, True),
        (Role.FINANCE, True),
        (Role.OWNER, False),
        (Role.MANAGER, False),
        (Role.REVIEWER, False),
        (Role.VIEWER, False),
    ],
)
def test_only_roles_that_see_private_details_see_the_address(
    workspace: Workspace,
    member: Callable[[str], Membership],
    client_for: Callable[[Membership], Client],
    role: str,
    sees_address: bool,
) -> None:
    shipment = draft_shipment(collaboration_with_address(workspace), None)
    client = client_for(member(role))
    page = client.get(reverse("campaigns:shipment", kwargs={"ws": "lumen", "pk": shipment.pk}))
    assert page.status_code == 200
    html = page.content.decode()
    assert ("12 rue des Lilas" in html) is sees_address
    assert ("Address on file" in html) is not sees_address


def test_the_shipment_page_walks_through_the_steps(
    workspace: Workspace, member: Callable[[str], Membership],
    client_for: Callable[[Membership], Client],
) -> None:  # fmt: skip
    ops = member(Role.OPS)
    client = client_for(ops)
    collaboration = collaboration_with_address(workspace)
    product = serum(workspace)
    new = reverse("campaigns:shipment_create", kwargs={"ws": "lumen", "pk": collaboration.pk})
    response = client.post(new, {"item_1": f"{product.pk}:50 ml", "quantity_1": "3"}, follow=True)
    assert "Shipment #" in response.content.decode()
    shipment = collaboration.shipments.get()
    assert [(i.variant, i.quantity) for i in shipment.items.all()] == [("50 ml", 3)]
    url = reverse("campaigns:shipment", kwargs={"ws": "lumen", "pk": shipment.pk})

    bad = client.post(url, {"carrier": "dhl", "tracking_number": "12"})
    assert bad.status_code == 422
    assert "does not look like a DHL Express tracking number" in bad.content.decode()

    client.post(
        url, {"carrier": "dhl", "tracking_number": "1234567890", "expected_on": "2030-01-02"}
    )
    client.post(reverse("campaigns:shipment_label", kwargs={"ws": "lumen", "pk": shipment.pk}))
    page = client.get(url).content.decode()
    assert "Label created" in page and "tell the creator by" in page
    assert "tracking-id=1234567890" in page

    told = client.post(
        reverse("campaigns:shipment_tell", kwargs={"ws": "lumen", "pk": shipment.pk}), follow=True
    )
    assert "the clock has stopped" in told.content.decode()
    assert len(mail.outbox) == 1
    assert _clock(shipment).stopped_at is not None


def test_a_refused_step_says_why_on_the_page(
    workspace: Workspace, member: Callable[[str], Membership],
    client_for: Callable[[Membership], Client],
) -> None:  # fmt: skip
    shipment = draft_shipment(collaboration_with_address(workspace), None)
    client = client_for(member(Role.OPS))
    response = client.post(
        reverse("campaigns:shipment_tell", kwargs={"ws": "lumen", "pk": shipment.pk}), follow=True
    )
    assert "Create the label first" in response.content.decode()
    assert mail.outbox == []


def test_roles_without_seeding_rights_cannot_change_shipments(
    workspace: Workspace, member: Callable[[str], Membership],
    client_for: Callable[[Membership], Client],
) -> None:  # fmt: skip
    shipment = draft_shipment(collaboration_with_address(workspace), None)
    for role in (Role.FINANCE, Role.REVIEWER, Role.VIEWER):
        client = client_for(member(role))
        label = reverse("campaigns:shipment_label", kwargs={"ws": "lumen", "pk": shipment.pk})
        assert client.post(label).status_code == 403
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.DRAFT


def test_the_shipments_list_filters_and_shows_the_clock(
    workspace: Workspace, manager: Membership, manager_client: Client,
    django_assert_max_num_queries: Callable[[int], Any],
) -> None:  # fmt: skip
    first = collaboration_with_address(workspace)
    product = serum(workspace)
    labelled = draft_shipment(first, manager.user, product)
    seeding.create_label(shipment=labelled, actor=manager.user, at=timezone.now())
    for n in range(6):
        other = collaboration_with_address(
            workspace, name=f"Creator {n}", email=f"c{n}@example.test"
        )
        draft_shipment(other, manager.user, product)
    url = reverse("campaigns:shipments", kwargs={"ws": "lumen"})
    with django_assert_max_num_queries(14):
        page = manager_client.get(url, {"status": "label_created"})
    html = page.content.decode()
    assert f"#{labelled.pk}" in html
    assert "On track" in html
    assert "Creator 3" not in html
    with django_assert_max_num_queries(14):
        everything = manager_client.get(url, {"campaign": first.campaign_id}).content.decode()
    assert "Mia Laurent" in everything and "Creator 3" not in everything
    assert manager_client.get(url).content.decode().count("Glow Serum") == 7


def test_the_collaboration_section_lists_shipments_with_their_clock(
    workspace: Workspace, member: Callable[[str], Membership]
) -> None:
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    from rapport.campaigns.views.seeding import collaboration_section

    ops = member(Role.OPS)
    collaboration = collaboration_with_address(workspace)
    shipment = draft_shipment(collaboration, ops.user)
    seeding.create_label(shipment=shipment, actor=ops.user)
    request = RequestFactory().get("/")
    request.user = ops.user
    request.membership = ops  # type: ignore[attr-defined]
    context = collaboration_section(request, collaboration)
    html = render_to_string(
        "campaigns/_seeding_section.html", {**context, "workspace": workspace}, request=request
    )
    assert f"#{shipment.pk}" in html
    assert "2 x Glow Serum (30 ml)" in html
    assert "On track" in html and "tell the creator by" in html
    assert "New shipment" in html


def test_the_new_shipment_page_warns_when_there_is_no_address(
    workspace: Workspace, manager_client: Client
) -> None:
    collaboration = collaboration_with_address(workspace, shipping_address="")
    serum(workspace)
    url = reverse("campaigns:shipment_create", kwargs={"ws": "lumen", "pk": collaboration.pk})
    page = manager_client.get(url).content.decode()
    assert "Mia Laurent has no shipping address on file." in page
    assert "Glow Serum (SER-30) — 50 ml" in page
