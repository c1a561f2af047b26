"""On a phone, in a real Chromium: the creator sends an invoice and sees it received with the
date it will be paid."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rapport.finance.models import Invoice
from rapport.finance.tests.invoice_fixtures import PDF_BYTES
from rapport.hub.services.links import issue_link, token_of
from rapport.testing.factories import (
    CollaborationFactory,
    CreatorFactory,
    UserFactory,
    WorkspaceFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_creator_uploads_an_invoice_and_sees_its_payment_date(page, live_server) -> None:
    workspace = WorkspaceFactory.create(name="Lumen Skincare")
    collaboration = CollaborationFactory.create(
        campaign__workspace=workspace,
        campaign__name="Spring Glow",
        creator=CreatorFactory.create(workspace=workspace, name="Ava Martin", time_zone="UTC"),
        owner=UserFactory.create(name="Maya Moreau"),
        committed_cost=Decimal("1500.00"),
        currency="EUR",
    )
    link = issue_link(collaboration=collaboration, actor=None)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/h/{token_of(link)}/#invoices")

    section = page.locator("#invoices")
    expect(section.get_by_text("We pay within 15 days of receiving your invoice.")).to_be_visible()
    expect(section.get_by_label("Currency")).to_have_value("EUR")
    section.get_by_label("Invoice number").fill("INV-2026-01")
    section.get_by_label("Amount").fill("1500.00")
    section.get_by_label("Invoice file").set_input_files(
        {"name": "invoice.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    section.get_by_role("button", name="Send the invoice").click()

    today = timezone.localdate()
    due = today + dt.timedelta(days=15)
    expected = (
        f"Received on {today:%a} {today.day} {today:%b %Y}, "
        f"payment scheduled for {due:%a} {due.day} {due:%b %Y}"
    )
    expect(page.locator("#invoices")).to_contain_text(expected)
    expect(page.locator("#invoices")).to_contain_text("Invoice INV-2026-01")
    expect(page.get_by_role("status")).to_contain_text("Invoice INV-2026-01 received.")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert Invoice.objects.get().due_on == due
