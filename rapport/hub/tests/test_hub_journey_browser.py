"""The issue's journey on a phone, in a real Chromium, through the hub page only: a creator opens
their link and reads the brief; the team publishes a new version and the change is highlighted on
the next visit; the creator sends a draft and reads the reviewer's notes; sends an invoice and sees
when it is paid; writes to their contact and confirms the parcel arrived. Each action lands in the
CRM: on the timelines, on its service-level clock, and as a notification to the owner."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rapport.campaigns.models import Moment, Question, ShipmentStatus, SlaClock, Submission, Verdict
from rapport.campaigns.services import reviews, seeding
from rapport.finance.models import Invoice
from rapport.hub.models import HubState
from rapport.hub.tests.test_brief_changes import first_brief, publish
from rapport.hub.tests.work_fixtures import PDF_BYTES, collaboration_setting, png_bytes
from rapport.testing.factories import DeliverableFactory, ProductFactory, WorkspaceFactory
from rapport.workspaces.calendar import zone
from rapport.workspaces.models import AuditEvent, Notification

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PARIS = zone("Europe/Paris")


def day(value: dt.date) -> str:
    """A date as the hub writes it: "Fri 14 Mar 2031"."""
    return f"{value:%a} {value.day} {value:%b %Y}"


def test_a_creator_goes_through_their_collaboration_on_a_phone(page: Any, live_server: Any) -> None:
    workspace = WorkspaceFactory.create(name="Lumen Skincare", time_zone="Europe/Paris")
    setting = collaboration_setting(workspace)
    collaboration, owner, reviewer = setting.collaboration, setting.owner, setting.reviewer
    campaign, creator = collaboration.campaign, collaboration.creator
    collaboration.committed_cost, collaboration.currency = Decimal("1500.00"), "EUR"
    collaboration.save(update_fields=["committed_cost", "currency"])
    DeliverableFactory.create(
        collaboration=collaboration,
        approval_stages=["concept", "final"],
        post_at=dt.datetime(2031, 3, 14, 17, 0, tzinfo=dt.UTC),
    )
    serum = ProductFactory.create(workspace=workspace, name="Glow Serum")
    parcel = seeding.create_shipment(
        collaboration=collaboration,
        actor=owner,
        items=[seeding.ItemData(serum.pk, "", 1)],
        expected_on=dt.date(2031, 3, 1),
    )
    parcel = seeding.create_label(
        shipment=parcel, actor=owner, carrier="ups", tracking_number="1Z999AA10123456784"
    )
    seeding.mark_shipped(shipment=parcel, actor=owner)
    first_brief(campaign, owner)
    Notification.objects.all().delete()  # from here on, only what the creator does
    url = live_server.url + setting.path
    page.set_viewport_size({"width": 390, "height": 844})

    # The creator opens the link and reads the brief.
    page.goto(url)
    expect(page.get_by_role("heading", name="Hi Mia!")).to_be_visible()
    brief = page.locator("#brief")
    expect(brief).to_contain_text("Version 1, published on")
    expect(page.locator("#brief-brand_voice")).to_contain_text("Warm and plain")
    expect(page.locator("mark.hub-changed")).to_have_count(0)
    expect(page.locator("#deliverable-1")).to_contain_text("Fri 14 Mar, 18:00 (Europe/Paris)")

    # The team publishes version 2; on the creator's next visit the change is highlighted.
    publish(campaign, owner, brand_voice="Warm, plain and a little funny")
    HubState.objects.update(last_seen_at=timezone.now() - dt.timedelta(hours=2))
    page.goto(url)
    expect(brief).to_contain_text("Version 2, published on")
    changes = page.locator(".hub-changes")
    expect(changes).to_contain_text("What changed since your last visit")
    expect(changes.get_by_role("link", name="Brand voice")).to_be_visible()
    expect(page.locator("#brief-brand_voice mark.hub-changed")).to_have_text("Changed")
    expect(page.locator("#brief-brand_voice")).to_contain_text("a little funny")
    expect(page.locator("mark.hub-changed")).to_have_count(1)

    # A draft, as a real PNG file.
    form = page.locator("#deliverable-1 form").first
    expect(form.get_by_label("This draft is the")).to_have_value("concept")
    form.get_by_label("File").set_input_files(
        {"name": "morning-look.png", "mimeType": "image/png", "buffer": png_bytes()}
    )
    form.get_by_label("Note for the reviewer (optional)").fill("First take, golden hour")
    form.get_by_role("button", name="Send for review").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "your concept (version 1) of deliverable 1 is with the reviewer"
    )
    drafts = page.locator("#deliverable-1 .hub-drafts")
    expect(drafts).to_contain_text("Concept, version 1")
    expect(drafts).to_contain_text("morning-look.png")
    expect(drafts).to_contain_text("Waiting for the reviewer.")
    expect(page.locator("#deliverable-1 .hub-status")).to_have_text("Draft in review")
    submission = Submission.objects.get()
    assert submission.submitted_by is None and submission.note == "First take, golden hour"
    clock = SlaClock.objects.get(subject_id=submission.pk, moment=Moment.CONCEPT_APPROVAL)
    assert clock.owner == reviewer and clock.stopped_at is None
    assert AuditEvent.objects.filter(
        kind="submission.created", creator=creator, campaign=campaign, actor_label="Mia Laurent"
    ).exists()
    # What Rapport writes: "Mia Laurent sent Concept v1 of deliverable 1 (…) for review".
    assert Notification.objects.filter(recipient=owner, text__contains="sent Concept v1").exists()

    # The reviewer asks for changes; the creator reloads and reads the notes.
    reviews.decide(
        submission=submission,
        actor=reviewer,
        verdict=Verdict.CHANGES_REQUESTED,
        note="Lovely light. Please show the label in the first three seconds.",
    )
    page.reload()
    expect(page.locator("#deliverable-1 .hub-status")).to_have_text("Changes requested")
    notes = page.locator("#deliverable-1 .hub-notes")
    expect(notes).to_contain_text("The reviewer's notes:")
    expect(notes).to_contain_text("Please show the label in the first three seconds.")
    expect(page.locator("#deliverable-1")).not_to_contain_text("Rex")  # notes, not names

    # An invoice, as a real PDF: received today, paid 15 calendar days later (Net 15).
    invoices = page.locator("#invoices")
    invoices.get_by_label("Invoice number").fill("MIA-2031-07")
    invoices.get_by_label("Amount").fill("1500.00")
    invoices.get_by_label("Invoice file").set_input_files(
        {"name": "invoice.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    invoices.get_by_role("button", name="Send the invoice").click()
    today = timezone.localdate(timezone=PARIS)
    expect(page.locator("#invoices")).to_contain_text(
        f"Received on {day(today)}, payment scheduled for {day(today + dt.timedelta(days=15))}"
    )
    expect(page.locator("#invoices")).to_contain_text("Invoice MIA-2031-07")
    invoice = Invoice.objects.get()
    assert (invoice.amount, invoice.currency) == (Decimal("1500.00"), "EUR")
    assert invoice.due_on == today + dt.timedelta(days=15) and invoice.source == "hub"
    assert SlaClock.objects.get(subject_id=invoice.pk, moment=Moment.PAYMENT).stopped_at is None
    assert AuditEvent.objects.filter(kind="invoice.received", creator=creator).exists()
    assert Notification.objects.filter(recipient=owner, text__contains="MIA-2031-07").exists()

    # A message to the contact, and the parcel confirmed.
    messages = page.locator("#messages")
    messages.get_by_label("Message Olivia").fill("Can I film outdoors if it rains?")
    messages.get_by_role("button", name="Send").click()
    expect(page.get_by_role("status").first).to_contain_text("Message sent.")
    expect(page.locator("#messages .hub-conversation")).to_contain_text(
        "Can I film outdoors if it rains?"
    )
    question = Question.objects.get()
    assert SlaClock.objects.get(moment=Moment.FIRST_RESPONSE).collaboration == collaboration
    assert AuditEvent.objects.filter(kind="question.received", creator=creator).exists()
    assert Notification.objects.filter(recipient=owner, text__contains=question.body).exists()

    page.locator("#shipment-1").get_by_role("button", name="It arrived").click()
    expect(page.locator("#shipment-1 .hub-status")).to_have_text("Arrived: you confirmed it")
    expect(page.get_by_role("status").first).to_contain_text("your parcel arrived")
    parcel.refresh_from_db()
    assert parcel.status == ShipmentStatus.RECEIVED
    assert Notification.objects.filter(recipient=owner, text="Mia Laurent received shipment 1")
    by_the_creator = AuditEvent.objects.filter(creator=creator, actor_label="Mia Laurent")
    assert sorted(by_the_creator.values_list("kind", flat=True)) == [
        "invoice.received",
        "question.received",
        "shipment.status",
        "submission.created",
    ]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_creator_who_reads_french_gets_the_page_in_french(page: Any, live_server: Any) -> None:
    workspace = WorkspaceFactory.create(name="Lumen Skincare")
    setting = collaboration_setting(workspace, languages=["fr"])
    DeliverableFactory.create(
        collaboration=setting.collaboration,
        post_at=dt.datetime(2031, 3, 14, 17, 0, tzinfo=dt.UTC),
    )
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + setting.path)
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    # Dates follow the language too (Friday 14 March, 18:00 in Paris).
    expect(page.locator("#deliverable-1 time").first).to_have_text("ven 14 Mar, 18:00")
