"""In a real Chromium: finance ticks invoices on the list, previews the PayPal payout file (one
invoice cannot go in it, and the page says why; the other's creator changed their PayPal
e-mail lately, and the page warns before the download), downloads it and marks the paid ones
scheduled."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from rapport.conftest import login
from rapport.creators.services import update_creator
from rapport.finance import services
from rapport.finance.models import Invoice, InvoiceStatus
from rapport.testing.factories import (
    CollaborationFactory,
    CreatorFactory,
    MembershipFactory,
    UserFactory,
    WorkspaceFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_finance_previews_downloads_and_schedules_a_paypal_payout(page, live_server) -> None:
    workspace = WorkspaceFactory.create(name="Lumen Skincare", slug="lumen")
    farah = UserFactory.create(name="Farah Nasser", email="farah@lumen.test")
    MembershipFactory.create(workspace=workspace, user=farah, role="finance")
    ava = CreatorFactory.create(
        workspace=workspace, name="Ava Martin", payout_method="paypal", payout_email="ava@pp.test"
    )
    noor = CreatorFactory.create(workspace=workspace, name="Noor Haddad")
    for creator, number in ((ava, "AVA-1"), (noor, "NOOR-1")):
        collaboration = CollaborationFactory.create(
            campaign__workspace=workspace,
            campaign__name="Spring Glow",
            creator=creator,
            committed_cost=Decimal("1500.00"),
            currency="EUR",
        )
        invoice = services.receive_invoice(
            collaboration=collaboration,
            number=number,
            amount="1500.00",
            currency="EUR",
            file=None,
            actor=farah,
        )
        services.set_invoice_status(invoice=invoice, status="approved", actor=farah)

    update_creator(creator=ava, actor=None, payout_email="ava.new@pp.test")

    login(page, live_server, "farah@lumen.test")
    page.goto(f"{live_server.url}/w/lumen/finance/invoices/")
    page.get_by_label("Pay invoice AVA-1").check()
    page.get_by_label("Pay invoice NOOR-1").check()
    page.get_by_label("Layout").select_option("paypal")
    page.get_by_role("button", name="Prepare the payout file").click()

    expect(page.get_by_role("heading", name="In the file: 1 invoice", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Not in the file: 1 invoice")).to_be_visible()
    expect(page.locator("table.excluded")).to_contain_text(
        "Noor Haddad has no payout method: add their payout details first."
    )
    warning = page.get_by_role("alert").filter(has_text="before sending the file")
    expect(warning).to_contain_text("Invoice AVA-1 (Ava Martin): Payment details changed on ")
    expect(page.locator("table.striped").first).to_contain_text("check them before paying.")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the file (1 invoice)").click()
    download = download_info.value
    assert download.suggested_filename.startswith("lumen-payouts-paypal-eur-")
    with open(download.path(), encoding="utf-8") as handle:
        rows = list(csv.reader(io.StringIO(handle.read())))
    assert [row[:3] for row in rows] == [["ava.new@pp.test", "1500.00", "EUR"]]
    assert rows[0][5] == "PAYPAL"

    page.get_by_role("button", name="Mark this invoice as payment scheduled").click()
    expect(page.get_by_role("status")).to_contain_text("1 invoice marked as payment scheduled.")
    statuses = dict(Invoice.objects.values_list("number", "status"))
    assert statuses == {"AVA-1": InvoiceStatus.SCHEDULED, "NOOR-1": InvoiceStatus.APPROVED}
