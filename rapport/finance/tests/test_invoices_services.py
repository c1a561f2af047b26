"""Receiving an invoice: the payment date the terms give (the same as the payment clock's), the
clock, the timeline, the notifications, and what is refused; then moving it to paid."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from rapport.campaigns.models import Moment, SlaClock
from rapport.finance import services
from rapport.finance.models import Invoice, InvoiceSource, InvoiceStatus
from rapport.finance.tests.invoice_fixtures import (
    big_pdf,
    html_as_pdf,
    invoice_of,
    pdf_file,
    png_bytes,
    utc,
)
from rapport.testing.factories import MembershipFactory, UserFactory
from rapport.workspaces.calendar import zone
from rapport.workspaces.models import AuditEvent, Notification
from rapport.workspaces.roles import Role


def payment_clock(invoice: Invoice) -> SlaClock:
    return SlaClock.objects.get(
        moment=Moment.PAYMENT, subject_type="invoice", subject_id=invoice.pk
    )


def test_net_15_by_default_and_across_a_month_end(collaboration):
    invoice = invoice_of(collaboration, received_at=utc(2026, 1, 20, 10))
    assert invoice.due_on == dt.date(2026, 2, 4)
    assert invoice.amount == Decimal("1500.00")
    assert invoice.currency == "EUR"
    assert invoice.source == InvoiceSource.HUB
    assert invoice.status == InvoiceStatus.RECEIVED
    clock = payment_clock(invoice)
    assert clock.started_at == utc(2026, 1, 20, 10)
    assert clock.due_at.date() == invoice.due_on
    assert clock.collaboration == collaboration


def test_the_workspace_terms_and_time_zone_decide_the_date(collaboration, workspace):
    workspace.time_zone = "America/New_York"
    workspace.sla_policy = workspace.sla_policy | {"payment_net_days": 30}
    workspace.save()
    # 03:00 UTC on 21 Jan is still 20 Jan, 22:00 in New York.
    invoice = invoice_of(collaboration, received_at=utc(2026, 1, 21, 3))
    assert invoice.due_on == dt.date(2026, 2, 19)
    clock = payment_clock(invoice)
    assert clock.due_at.astimezone(zone("America/New_York")).date() == invoice.due_on
    assert clock.due_at.date() == dt.date(2026, 2, 20)  # in UTC it is already the next day


def test_the_owner_and_each_finance_member_are_told_once(collaboration, finance, workspace):
    second = MembershipFactory.create(workspace=workspace, role=Role.FINANCE)
    invoice = invoice_of(collaboration, received_at=utc(2026, 1, 20, 10))
    told = Notification.objects.filter(workspace=workspace)
    assert sorted(n.recipient_id for n in told) == sorted(
        [collaboration.owner_id, finance.user_id, second.user_id]
    )
    first = told.get(recipient=collaboration.owner)
    assert "Invoice INV-001 from Ava Martin received: 1500.00 EUR" in first.text
    assert first.url.endswith(f"/collaborations/{collaboration.pk}/#invoices")
    # Two finance members: nobody in particular owns the clock.
    assert payment_clock(invoice).owner is None


def test_a_single_finance_member_owns_the_clock_and_is_not_told_of_their_own_entry(
    collaboration, finance, workspace
):
    invoice = invoice_of(collaboration, actor=finance.user, file=None)
    assert invoice.source == InvoiceSource.TEAM
    assert invoice.entered_by == finance.user
    assert payment_clock(invoice).owner == finance.user
    assert list(Notification.objects.values_list("recipient_id", flat=True)) == [
        collaboration.owner_id
    ]


def test_it_goes_on_the_creator_and_campaign_timelines(collaboration):
    invoice = invoice_of(collaboration, received_at=utc(2026, 1, 20, 10))
    event = AuditEvent.objects.get(kind="invoice.received")
    assert event.creator == collaboration.creator
    assert event.campaign == collaboration.campaign
    assert event.object_id == invoice.pk
    assert "payment scheduled for" in event.summary


def test_the_file_is_kept_under_a_random_name_in_the_workspace_and_named_by_its_content(
    collaboration,
):
    photo = SimpleUploadedFile("invoice.pdf", png_bytes(), content_type="application/pdf")
    invoice = invoice_of(collaboration, file=photo)
    parts = str(invoice.file.name).split("/")
    assert parts[1] == str(collaboration.workspace_id)
    assert len(parts[2]) >= 20
    assert parts[-1] == "invoice.png"
    assert invoice.original_name == "invoice.pdf"


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"number": "  "}, "number", "Give the invoice number"),
        ({"number": "X" * 61}, "number", "at most 60 characters"),
        ({"amount": "0"}, "amount", "more than zero"),
        ({"amount": "-5"}, "amount", "more than zero"),
        ({"amount": "12.345"}, "amount", "at most 2 decimal places"),
        ({"amount": "1e3"}, "amount", "Write the amount as a number, such as 1,850.00."),
        ({"amount": "1.850"}, "amount", "at most 2 decimal places"),
        ({"currency": "EURO"}, "currency", "“EURO” is not a currency code"),
        ({"currency": "XYZ"}, "currency", "“XYZ” is not a currency code"),
        ({"file": None}, "file", "Attach the invoice"),
        ({"file": html_as_pdf()}, "file", "is an HTML or XML page, not an invoice we can open"),
        ({"file": big_pdf()}, "file", "invoices can be up to 10 MB"),
    ],
)
def test_what_is_refused_and_why(collaboration, values, field, message):
    kwargs = {"number": "INV-9", **values}
    with pytest.raises(ValidationError) as refused:
        invoice_of(collaboration, **kwargs)
    assert message in " ".join(refused.value.message_dict[field])
    assert not Invoice.objects.exists()
    assert not SlaClock.objects.exists()


def test_a_number_is_received_once_whatever_its_case(collaboration):
    invoice_of(collaboration, "INV-001", received_at=utc(2026, 1, 20, 10))
    with pytest.raises(ValidationError) as refused:
        invoice_of(collaboration, " inv-001 ")
    assert refused.value.message_dict["number"] == [
        "Invoice INV-001 was already received on Tue 20 Jan 2026."
    ]


def test_the_currency_defaults_to_the_agreed_terms(collaboration, finance):
    invoice = invoice_of(collaboration, currency="")
    assert invoice.currency == "EUR"
    # Finance may enter one in another currency; the creator may not (see the hub's tests).
    assert invoice_of(collaboration, "INV-2", currency="gbp", actor=finance.user).currency == "GBP"


def test_the_hub_needs_agreed_terms_but_finance_does_not(collaboration, finance):
    collaboration.committed_cost = None
    collaboration.save()
    with pytest.raises(ValidationError) as refused:
        invoice_of(collaboration)
    assert "once the terms are agreed" in str(refused.value)
    assert invoice_of(collaboration, actor=finance.user).source == InvoiceSource.TEAM


def test_the_way_to_paid_and_the_clock_stops(collaboration, finance):
    invoice = invoice_of(collaboration, received_at=utc(2026, 1, 20, 10))
    for status in (InvoiceStatus.APPROVED, InvoiceStatus.SCHEDULED):
        invoice = services.set_invoice_status(invoice=invoice, status=status, actor=finance.user)
        assert invoice.status == status
        assert payment_clock(invoice).stopped_at is None
    with pytest.raises(ValidationError) as refused:
        services.set_invoice_status(invoice=invoice, status="paid", actor=finance.user)
    assert refused.value.message_dict["paid_on"] == ["Give the date it was paid."]
    with pytest.raises(ValidationError) as refused:
        services.set_invoice_status(
            invoice=invoice, status="paid", actor=finance.user, paid_on=dt.date(2026, 1, 19)
        )
    assert "before the invoice arrived" in refused.value.message_dict["paid_on"][0]
    invoice = services.set_invoice_status(
        invoice=invoice,
        status="paid",
        actor=finance.user,
        paid_on=dt.date(2026, 2, 2),
        payment_method="PayPal",
    )
    assert (invoice.status, invoice.paid_on, invoice.payment_method) == (
        "paid",
        dt.date(2026, 2, 2),
        "PayPal",
    )
    assert payment_clock(invoice).stopped_at is not None
    event = AuditEvent.objects.filter(kind="invoice.status").latest("pk")
    assert event.summary == "Invoice INV-001: Paid"
    assert event.changes["status"] == ["scheduled", "paid"]
    with pytest.raises(ValidationError) as refused:
        services.set_invoice_status(invoice=invoice, status="disputed", actor=finance.user)
    assert "An invoice that is “Paid” cannot become “Disputed”." in refused.value.messages


def test_a_dispute_needs_a_reason_and_keeps_the_clock_running(collaboration, finance):
    invoice = invoice_of(collaboration)
    with pytest.raises(ValidationError) as refused:
        services.set_invoice_status(invoice=invoice, status="disputed", actor=finance.user)
    assert "Say what is wrong" in refused.value.message_dict["reason"][0]
    invoice = services.set_invoice_status(
        invoice=invoice, status="disputed", actor=finance.user, reason="The VAT number is missing."
    )
    assert invoice.note == "The VAT number is missing."
    assert payment_clock(invoice).stopped_at is None
    assert services.allowed_statuses("disputed") == ("approved", "scheduled", "paid")


def test_a_payment_date_in_the_future_is_refused(collaboration, finance):
    invoice = invoice_of(collaboration)
    with pytest.raises(ValidationError) as refused:
        services.set_invoice_status(
            invoice=invoice,
            status="paid",
            actor=finance.user,
            paid_on=dt.date.today() + dt.timedelta(days=3),
        )
    assert "cannot be in the future" in refused.value.message_dict["paid_on"][0]


def test_an_invoice_cannot_arrive_in_the_future(collaboration):
    with pytest.raises(ValidationError) as refused:
        invoice_of(collaboration, received_at=utc(2099, 1, 1))
    assert "received_at" in refused.value.message_dict


def test_a_workspace_without_finance_notifies_only_the_owner(collaboration):
    UserFactory.create()
    invoice_of(collaboration)
    assert list(Notification.objects.values_list("recipient_id", flat=True)) == [
        collaboration.owner_id
    ]


def test_a_stored_file_downloads_as_an_attachment(collaboration):
    invoice = invoice_of(collaboration, file=pdf_file("Facture 12.pdf"))
    response = services.file_download(invoice)
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.getvalue().startswith(b"%PDF-")
