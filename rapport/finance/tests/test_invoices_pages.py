"""Invoices in the CRM: the collaboration page's section, entering one, changing its status,
its file (finance only), and the workspace's list by payment date."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from rapport.campaigns.models import Moment, SlaClock
from rapport.finance.models import Invoice, InvoiceStatus
from rapport.finance.tests.invoice_fixtures import html_as_pdf, invoice_of, pdf_file, utc
from rapport.testing.factories import CollaborationFactory
from rapport.workspaces.roles import Role


def collaboration_page(client, collaboration) -> str:
    url = reverse(
        "campaigns:collaboration",
        kwargs={"ws": collaboration.workspace.slug, "pk": collaboration.pk},
    )
    answer = client.get(url)
    assert answer.status_code == 200
    html = answer.content.decode()
    start = html.index('id="invoices"')
    return html[start : html.index("</section>", start)]


def url(name: str, **kwargs) -> str:
    return reverse(f"finance:{name}", kwargs={"ws": "lumen", **kwargs})


def test_finance_sees_each_invoice_with_its_due_date_file_and_status_form(
    collaboration, finance, client_for
):
    invoice = invoice_of(collaboration, received_at=utc(2026, 1, 20, 10))
    section = collaboration_page(client_for(finance), collaboration)
    assert "INV-001" in section
    assert "1500.00 EUR" in section
    assert "4 Feb 2026" in section
    assert "Overdue" in section  # 4 Feb 2026 has passed and it is not paid
    assert url("invoice_file", pk=invoice.pk) in section
    assert url("invoice_status", pk=invoice.pk) in section
    assert "Enter an invoice" in section


@pytest.mark.parametrize("role", [Role.MANAGER, Role.VIEWER, Role.REVIEWER])
def test_other_roles_see_invoices_but_not_their_files_nor_the_forms(
    collaboration, member, client_for, role
):
    invoice = invoice_of(collaboration)
    client = client_for(member(role))
    section = collaboration_page(client, collaboration)
    assert "INV-001" in section
    assert url("invoice_file", pk=invoice.pk) not in section
    assert "Enter an invoice" not in section
    assert client.get(url("invoice_file", pk=invoice.pk)).status_code == 403
    answer = client.post(
        url("invoice_add", pk=collaboration.pk),
        {"invoice-number": "X-1", "invoice-amount": "10", "invoice-currency": "EUR"},
    )
    assert answer.status_code == 403
    answer = client.post(url("invoice_status", pk=invoice.pk), {f"i{invoice.pk}-status": "paid"})
    assert answer.status_code == 403
    assert Invoice.objects.count() == 1
    assert Invoice.objects.get().status == InvoiceStatus.RECEIVED


def test_finance_enters_an_invoice_without_a_file(collaboration, finance, client_for):
    client = client_for(finance)
    answer = client.post(
        url("invoice_add", pk=collaboration.pk),
        {
            "invoice-number": "FA-12",
            "invoice-amount": "750.50",
            "invoice-currency": "EUR",
            "invoice-received_on": "2026-01-20",
        },
    )
    assert answer.status_code == 302
    assert answer["Location"].endswith(f"/collaborations/{collaboration.pk}/#invoices")
    invoice = Invoice.objects.get()
    assert (invoice.number, str(invoice.amount), invoice.due_on) == (
        "FA-12",
        "750.50",
        dt.date(2026, 2, 4),
    )
    assert invoice.entered_by == finance.user
    assert not invoice.file


def test_the_owner_may_enter_one_with_a_file_and_download_it(collaboration, owner, client_for):
    client = client_for(owner)
    client.post(
        url("invoice_add", pk=collaboration.pk),
        {
            "invoice-number": "FA-13",
            "invoice-amount": "10",
            "invoice-currency": "",
            "invoice-file": pdf_file("facture.pdf"),
        },
    )
    invoice = Invoice.objects.get()
    assert invoice.currency == "EUR"
    answer = client.get(url("invoice_file", pk=invoice.pk))
    assert answer.status_code == 200
    assert answer["Content-Disposition"] == 'attachment; filename="facture.pdf"'
    assert b"".join(answer.streaming_content).startswith(b"%PDF-")


def test_a_refused_entry_shows_the_reasons_and_keeps_the_values(collaboration, finance, client_for):
    answer = client_for(finance).post(
        url("invoice_add", pk=collaboration.pk),
        {
            "invoice-number": "FA-14",
            "invoice-amount": "12.345",
            "invoice-currency": "EUR",
            "invoice-file": html_as_pdf(),
        },
    )
    assert answer.status_code == 422
    html = answer.content.decode()
    assert "at most 2 decimal places" in html
    assert "is an HTML or XML page" in html
    assert 'value="FA-14"' in html
    assert not Invoice.objects.exists()


def test_finance_moves_an_invoice_to_paid_and_the_clock_stops(collaboration, finance, client_for):
    invoice = invoice_of(collaboration, received_at=utc(2026, 1, 20, 10))
    client = client_for(finance)
    prefix = f"i{invoice.pk}"
    answer = client.post(url("invoice_status", pk=invoice.pk), {f"{prefix}-status": "paid"})
    assert answer.status_code == 422
    assert "Give the date it was paid." in answer.content.decode()
    answer = client.post(
        url("invoice_status", pk=invoice.pk),
        {
            f"{prefix}-status": "paid",
            f"{prefix}-paid_on": "2026-02-03",
            f"{prefix}-payment_method": "Bank transfer",
        },
    )
    assert answer.status_code == 302
    invoice.refresh_from_db()
    assert (invoice.status, invoice.paid_on) == ("paid", dt.date(2026, 2, 3))
    clock = SlaClock.objects.get(moment=Moment.PAYMENT, subject_id=invoice.pk)
    assert clock.stopped_at is not None
    section = collaboration_page(client, collaboration)
    assert "Overdue" not in section
    assert "on 3 Feb 2026" in section


def test_the_finance_list_is_by_payment_date_with_overdue_marked_and_filtered(
    collaboration, workspace, finance, client_for, django_assert_max_num_queries
):
    late = invoice_of(collaboration, "LATE-1", received_at=utc(2026, 1, 20, 10))
    recent = invoice_of(collaboration, "NEW-1")
    for n in range(6):
        other = CollaborationFactory.create(campaign=collaboration.campaign, committed_cost=1)
        invoice_of(other, f"MORE-{n}")
    client = client_for(finance)
    # Sign-in, membership, notifications and session: 7; the count and the page: 2.
    with django_assert_max_num_queries(10):
        answer = client.get(url("invoices"))
    html = answer.content.decode()
    assert html.index("LATE-1") < html.index("NEW-1")
    row = html[html.index("LATE-1") - 600 : html.index("LATE-1")]
    assert 'class="overdue"' in row
    assert "Spring Glow" in html
    invoice_of(collaboration, "PAID-1", received_at=utc(2026, 1, 21, 10))
    Invoice.objects.filter(number="PAID-1").update(status="paid")
    html = client.get(url("invoices") + "?status=paid").content.decode()
    assert "PAID-1" in html
    assert "LATE-1" not in html
    assert recent.number not in html
    assert late.pk


def test_the_list_pages_by_fifty(collaboration, finance, client_for):
    for n in range(51):
        invoice_of(collaboration, f"N-{n:02d}", file=None, actor=finance.user)
    client = client_for(finance)
    first = client.get(url("invoices")).content.decode()
    assert "N-49" in first and "N-50" not in first
    assert "page=2" in first
    assert "N-50" in client.get(url("invoices") + "?page=2").content.decode()


def test_another_workspaces_invoice_is_not_found(
    collaboration, other_workspace, finance, client_for
):
    from rapport.testing.factories import CreatorFactory

    theirs = CollaborationFactory.create(
        campaign__workspace=other_workspace,
        creator=CreatorFactory.create(workspace=other_workspace),
        committed_cost=1,
    )
    invoice = invoice_of(theirs, "THEIRS")
    client = client_for(finance)
    for name in ("invoice", "invoice_file"):
        assert client.get(url(name, pk=invoice.pk)).status_code == 404
    assert client.post(url("invoice_status", pk=invoice.pk), {}).status_code == 404
    assert client.post(url("invoice_add", pk=theirs.pk), {}).status_code == 404
    assert "THEIRS" not in client.get(url("invoices")).content.decode()


def test_the_invoice_page_shows_the_dates_and_who_entered_it(collaboration, finance, client_for):
    invoice = invoice_of(collaboration, actor=finance.user, received_at=utc(2026, 1, 20, 10))
    html = client_for(finance).get(url("invoice", pk=invoice.pk)).content.decode()
    assert "Invoice INV-001" in html
    assert "Entered by the team" in html
    assert "4 Feb 2026" in html
    assert "Change the status" in html


def test_the_creator_page_lists_their_invoices_across_campaigns(
    collaboration, workspace, member, client_for, django_assert_max_num_queries
):
    invoice_of(collaboration, "INV-1", received_at=utc(2026, 1, 20, 10))
    other = CollaborationFactory.create(
        campaign__workspace=workspace,
        campaign__name="Autumn Edit",
        creator=collaboration.creator,
        committed_cost=900,
        currency="USD",
    )
    invoice_of(other, "AUT-7", amount="900", currency="USD", received_at=utc(2026, 2, 1, 10))
    client = client_for(member(Role.VIEWER))
    creator_url = reverse("creators:detail", kwargs={"ws": "lumen", "pk": collaboration.creator_id})
    with django_assert_max_num_queries(30):
        html = client.get(creator_url).content.decode()
    start = html.index('id="money"')
    money = " ".join(re.sub(r"<[^>]+>", " ", html[start : html.index("</section>", start)]).split())
    assert "once payments are part of Rapport" not in money
    assert "AUT-7 Autumn Edit 900.00 USD Received 16 Feb 2026" in money
    assert "INV-1 Spring Glow 1500.00 EUR Received 4 Feb 2026" in money
    assert money.index("AUT-7") < money.index("INV-1")  # the latest first
    assert url("invoice", pk=Invoice.objects.get(number="AUT-7").pk) in html


def test_a_creator_without_invoices_says_where_they_come_from(collaboration, finance, client_for):
    html = (
        client_for(finance)
        .get(reverse("creators:detail", kwargs={"ws": "lumen", "pk": collaboration.creator_id}))
        .content.decode()
    )
    assert "No invoice yet. Invoices arrive from the creator's hub" in html
