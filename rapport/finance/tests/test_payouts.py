"""Payout files: PayPal's Payouts upload and a plain bank layout, read back column by column;
invoices that cannot go in a file are listed with the reason and never in it; only finance may
export; each export is audited without the payout details."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from rapport.creators.services import update_creator
from rapport.finance import payouts, services
from rapport.finance.models import Invoice, InvoiceStatus
from rapport.finance.tests.invoice_fixtures import invoice_of, utc
from rapport.testing.factories import CollaborationFactory, CreatorFactory
from rapport.workspaces.models import AuditEvent
from rapport.workspaces.roles import Role

IBAN = "FR76 3000 6000 0112 3456 7890 189"


@pytest.fixture
def invoices(collaboration, finance):
    """Ava (PayPal) owes two approved EUR invoices; Noor (bank) one approved; Leo (bank) one
    still received; Zoe has no payout details; Ava also one in USD."""
    ws = collaboration.workspace
    ava = collaboration.creator
    ava.payout_method, ava.payout_email = "paypal", "ava@paypal.test"
    ava.save()

    def collab(name: str, **creator):
        return CollaborationFactory.create(
            campaign=collaboration.campaign,
            creator=CreatorFactory.create(workspace=ws, name=name, **creator),
            committed_cost=1000,
            currency="EUR",
        )

    noor = collab(
        "Noor Haddad",
        payout_method="bank",
        bank_account_name="Noor Haddad",
        bank_account_number=IBAN,
        bank_code="AGRIFRPP",
    )
    leo = collab(
        "Leo Park",
        payout_method="bank",
        bank_account_name="Leo Park",
        bank_account_number="12345678",
        bank_code="",
    )
    zoe = collab("=Zoe Hack")
    made = {
        "A1": invoice_of(collaboration, "A-1", amount="1234.5", received_at=utc(2026, 1, 5, 9)),
        "A2": invoice_of(collaboration, "A 2,b", amount="250", received_at=utc(2026, 1, 6, 9)),
        "AU": invoice_of(
            collaboration,
            "A-USD",
            amount="99.99",
            currency="USD",
            received_at=utc(2026, 1, 7),
            actor=finance.user,
        ),
        "N1": invoice_of(noor, "N-1", amount="800", received_at=utc(2026, 1, 8, 9)),
        "L1": invoice_of(leo, "L-1", amount="500", received_at=utc(2026, 1, 9, 9)),
        "Z1": invoice_of(zoe, "=SUM(A1)", amount="300", received_at=utc(2026, 1, 10, 9)),
    }
    for key in ("A1", "A2", "AU", "N1", "L1", "Z1"):
        services.set_invoice_status(invoice=made[key], status="approved", actor=finance.user)
    return {k: Invoice.objects.get(pk=v.pk) for k, v in made.items()}


def rows_of(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def export(ws, finance, layout, invoices, currency=""):
    return payouts.export_payout(
        workspace=ws,
        actor=finance.user,
        layout=layout,
        invoice_ids=[i.pk for i in invoices],
        currency=currency,
    )


def test_the_paypal_file_has_paypals_columns_one_currency_and_no_header(
    invoices, workspace, finance
):
    payout, text = export(workspace, finance, "paypal", [invoices["A1"], invoices["A2"]])
    assert [i.number for i in payout.included] == ["A-1", "A 2,b"]
    first, second = rows_of(text)
    email, amount, currency, reference, note, wallet = first
    assert email == "ava@paypal.test"
    assert amount == "1234.50"
    assert currency == "EUR"
    assert reference == f"{invoices['A1'].pk}-A-1" and " " not in reference
    assert note == "Invoice A-1, Spring Glow"
    assert wallet == "PAYPAL"
    assert second[1] == "250.00"
    # No spaces or commas in the reference; the number itself stays in the note.
    assert second[3] == f"{invoices['A2'].pk}-A2b" and second[4] == "Invoice A 2,b, Spring Glow"
    assert len(second[3]) <= 30


def test_the_bank_file_has_a_header_and_the_bank_details(invoices, workspace, finance):
    payout, text = export(workspace, finance, "bank", [invoices["N1"]])
    header, row = rows_of(text.lstrip("\ufeff"))
    assert header == [
        "Beneficiary name",
        "Account number or IBAN",
        "Bank code (BIC/SWIFT)",
        "Amount",
        "Currency",
        "Reference",
        "Creator",
    ]
    assert row == [
        "Noor Haddad",
        "FR7630006000011234567890189",
        "AGRIFRPP",
        "800.00",
        "EUR",
        "N-1",
        "Noor Haddad",
    ]
    assert payout.totals() == [("EUR", invoices["N1"].amount)]


def test_what_cannot_go_in_a_file_is_listed_with_the_reason_and_never_in_it(
    invoices, workspace, finance
):
    services.set_invoice_status(
        invoice=invoices["A2"], status="paid", actor=finance.user, paid_on=dt.date(2026, 1, 20)
    )
    everything = [i.pk for i in invoices.values()]
    payout = payouts.prepare_payout(workspace=workspace, layout="paypal", invoice_ids=everything)
    assert [i.number for i in payout.included] == ["A-1"]
    reasons = {e.invoice.number: e.reason for e in payout.excluded}
    assert reasons == {
        "A 2,b": "Already paid on 20 Jan 2026.",
        "A-USD": "In USD: a PayPal file holds one currency (this one is in EUR). Export the USD "
        "invoices in a file of their own.",
        "N-1": "Noor Haddad is paid by Bank transfer, not in this file.",
        "L-1": "Leo Park is paid by Bank transfer, not in this file.",
        "=SUM(A1)": "=Zoe Hack has no payout method: add their payout details first.",
    }
    bank = payouts.prepare_payout(workspace=workspace, layout="bank", invoice_ids=everything)
    assert [i.number for i in bank.included] == ["N-1"]
    assert {e.invoice.number: e.reason for e in bank.excluded}["L-1"] == (
        "Leo Park's bank details lack the bank code."
    )
    # Asked for in USD, the PayPal file holds the USD invoice only.
    usd = payouts.prepare_payout(
        workspace=workspace, layout="paypal", invoice_ids=everything, currency="usd"
    )
    assert [i.number for i in usd.included] == ["A-USD"]
    # Exporting any of them is refused, naming each; nothing is audited.
    with pytest.raises(Exception) as refused:
        export(workspace, finance, "paypal", [invoices["A1"], invoices["N1"]])
    assert "Invoice N-1 (Noor Haddad): Noor Haddad is paid by Bank transfer" in str(refused.value)
    assert not AuditEvent.objects.filter(kind="payouts.exported").exists()


def test_all_due_up_to_a_date_takes_approved_and_scheduled_invoices(invoices, workspace, finance):
    services.set_invoice_status(invoice=invoices["A2"], status="scheduled", actor=finance.user)
    received = Invoice.objects.get(pk=invoice_of(invoices["A1"].collaboration, "NEW").pk)
    assert received.status == InvoiceStatus.RECEIVED
    payout = payouts.prepare_payout(
        workspace=workspace, layout="paypal", due_by=invoices["A2"].due_on
    )
    assert [i.number for i in payout.included] == ["A-1", "A 2,b"]
    assert "NEW" not in {e.invoice.number for e in payout.excluded}


def test_formulas_are_neutralised_and_the_export_is_audited_without_details(
    invoices, workspace, finance
):
    zoe = invoices["Z1"].collaboration.creator
    zoe.payout_method, zoe.bank_account_name = "bank", "=HYPERLINK(1)"
    zoe.bank_account_number, zoe.bank_code = "12345678", "-BIC"
    zoe.save()
    _payout, text = export(workspace, finance, "bank", [invoices["Z1"], invoices["N1"]])
    rows = rows_of(text.lstrip("\ufeff"))
    assert rows[2][0] == "'=HYPERLINK(1)" and rows[2][2] == "'-BIC"
    assert rows[2][5] == "'=SUM(A1)" and rows[2][6] == "'=Zoe Hack"
    event = AuditEvent.objects.get(kind="payouts.exported")
    assert event.actor == finance.user
    assert event.summary == "Bank transfer payout file exported with 2 invoices: N-1, =SUM(A1)"
    assert event.changes["layout"] == [None, "bank"]
    assert sorted(event.changes["invoices"][1]) == sorted([invoices["Z1"].pk, invoices["N1"].pk])
    assert "FR76" not in str(event.changes) + event.summary
    assert "12345678" not in str(event.changes) + event.summary


def test_scheduling_after_the_export_moves_approved_invoices(invoices, workspace, finance):
    moved = payouts.schedule_payout(
        workspace=workspace, actor=finance.user, invoice_ids=[invoices["A1"].pk, invoices["N1"].pk]
    )
    assert [i.number for i in moved] == ["A-1", "N-1"]
    assert Invoice.objects.get(pk=invoices["A1"].pk).status == InvoiceStatus.SCHEDULED
    services.set_invoice_status(
        invoice=invoices["A2"], status="paid", actor=finance.user, paid_on=dt.date(2026, 1, 20)
    )
    with pytest.raises(Exception, match="A 2,b is “Paid”"):
        payouts.schedule_payout(
            workspace=workspace,
            actor=finance.user,
            invoice_ids=[invoices["L1"].pk, invoices["A2"].pk],
        )
    assert Invoice.objects.get(pk=invoices["L1"].pk).status == InvoiceStatus.APPROVED


# ---------------------------------------------------------------------------------------------
# Pages and API


def url(workspace, name: str) -> str:
    return reverse(f"finance:{name}", kwargs={"ws": workspace.slug})


def test_the_page_lists_exclusions_before_download_and_downloads_the_csv(
    invoices, workspace, finance, client_for, django_assert_max_num_queries
):
    client = client_for(finance)
    ids = [invoices["A1"].pk, invoices["N1"].pk]
    # Sign-in, membership, notifications and session: up to 8; the invoices with their creators: 1;
    # the recent changes of their payout details: 1.
    with django_assert_max_num_queries(10):
        answer = client.get(url(workspace, "payouts"), {"layout": "paypal", "ids": ids})
    html = answer.content.decode()
    everything = client.get(url(workspace, "payouts"), {"layout": "bank", "due_by": "2026-12-31"})
    assert "In the file: 1 invoice" in everything.content.decode()
    assert "In the file: 1 invoice" in html and "Not in the file: 1 invoice" in html
    assert "Noor Haddad is paid by Bank transfer, not in this file." in html
    assert "Mark this invoice as payment scheduled" in html
    answer = client.post(
        url(workspace, "payout_export"),
        {"layout": "paypal", "currency": "EUR", "ids": [invoices["A1"].pk]},
    )
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/csv")
    assert 'filename="lumen-payouts-paypal-eur-' in answer["Content-Disposition"]
    assert rows_of(answer.content.decode())[0][:3] == ["ava@paypal.test", "1234.50", "EUR"]
    refused = client.post(
        url(workspace, "payout_export"), {"layout": "paypal", "ids": ids}
    ).content.decode()
    assert "Invoice N-1 (Noor Haddad)" in refused
    scheduled = client.post(url(workspace, "payout_schedule"), {"ids": [invoices["A1"].pk]})
    assert scheduled.status_code == 302
    assert Invoice.objects.get(pk=invoices["A1"].pk).status == InvoiceStatus.SCHEDULED


def test_the_finance_list_offers_the_payout_selection_to_finance_only(
    invoices, workspace, finance, owner, client_for
):
    html = client_for(finance).get(url(workspace, "invoices")).content.decode()
    assert f'name="ids" value="{invoices["A1"].pk}" form="payout-form"' in html
    assert "Prepare the payout file" in html
    assert (
        "Prepare the payout file"
        not in client_for(owner).get(url(workspace, "invoices")).content.decode()
    )


@pytest.mark.parametrize("role", [Role.MANAGER, Role.OWNER, Role.OPS])
def test_only_finance_may_export(invoices, workspace, member, role, client_for, api_client_for):
    someone = member(role)
    client = client_for(someone)
    ids = [invoices["A1"].pk]
    assert client.get(url(workspace, "payouts"), {"ids": ids}).status_code == 403
    assert (
        client.post(url(workspace, "payout_export"), {"layout": "paypal", "ids": ids}).status_code
        == 403
    )
    api = api_client_for(someone)
    answer = api.post(
        "/api/v1/payouts/export",
        {"layout": "paypal", "invoice_ids": ids},
        content_type="application/json",
    )
    assert answer.status_code == 403
    assert not AuditEvent.objects.filter(kind="payouts.exported").exists()


def test_the_api_exports_or_lists_what_cannot_be_exported(
    invoices, workspace, finance, api_client_for, other_workspace
):
    api = api_client_for(finance)
    good = api.post(
        "/api/v1/payouts/export",
        {"layout": "bank", "invoice_ids": [invoices["N1"].pk]},
        content_type="application/json",
    )
    assert good.status_code == 200 and good["Content-Type"].startswith("text/csv")
    assert rows_of(good.content.decode().lstrip("\ufeff"))[1][5] == "N-1"
    bad = api.post(
        "/api/v1/payouts/export",
        {"layout": "bank", "invoice_ids": [invoices["N1"].pk, invoices["L1"].pk]},
        content_type="application/json",
    )
    assert bad.status_code == 400
    body = bad.json()
    assert [(e["number"], e["reason"]) for e in body["excluded"]] == [
        ("L-1", "Leo Park's bank details lack the bank code.")
    ]
    preview = api.get(
        "/api/v1/payouts/preview",
        {"layout": "paypal", "due_by": "2026-12-31"},
    ).json()
    assert [r["number"] for r in preview["included"]] == ["A-1", "A 2,b"]
    assert preview["totals"] == [{"currency": "EUR", "amount": "1484.50"}]
    assert {r["number"] for r in preview["excluded"]} == {"A-USD", "N-1", "L-1", "=SUM(A1)"}
    scheduled = api.post(
        "/api/v1/payouts/schedule",
        {"invoice_ids": [invoices["A1"].pk]},
        content_type="application/json",
    )
    assert [i["status"] for i in scheduled.json()] == ["scheduled"]


def test_changed_payment_details_are_flagged_in_the_preview_and_at_the_export(
    invoices, workspace, finance, client_for, api_client_for
):
    ava = invoices["A1"].collaboration.creator
    update_creator(creator=ava, actor=None, payout_email="new-ava@paypal.test")
    warning = services.details_warning(ava, invoices["A1"].received_at)
    assert warning.startswith("Payment details changed on ")
    ids = [invoices["A1"].pk, invoices["A2"].pk, invoices["N1"].pk]

    html = client_for(finance).get(url(workspace, "payouts"), {"layout": "paypal", "ids": ids})
    html = html.content.decode()
    included = html[html.index('id="included-title"') : html.index('id="excluded-title"')]
    assert included.count(warning) == 2  # A-1 and A 2,b: both Ava's
    download = html[html.index('id="download-title"') :]
    assert "Check these 2 invoices' payment details before sending the file:" in download
    assert f"Invoice A-1 (Ava Martin): {warning}" in download
    assert "Invoice N-1" not in download  # Noor's details did not change

    preview = (
        api_client_for(finance)
        .get("/api/v1/payouts/preview", {"layout": "paypal", "invoice_ids": ids})
        .json()
    )
    assert [(r["number"], r["warning"]) for r in preview["included"]] == [
        ("A-1", warning),
        ("A 2,b", warning),
    ]
    assert [(r["number"], r["warning"]) for r in preview["excluded"]] == [("N-1", "")]

    _payout, text = export(workspace, finance, "paypal", [invoices["A1"]])
    assert "Payment details" not in text
    assert rows_of(text)[0][0] == "new-ava@paypal.test"
    summary = AuditEvent.objects.get(kind="payouts.exported").summary
    assert summary.endswith("Payment details changed lately for A-1.")


def test_ids_not_in_the_workspace_are_named_and_not_counted(
    invoices, workspace, finance, client_for, api_client_for, other_workspace
):
    theirs = invoice_of(
        CollaborationFactory.create(
            campaign__workspace=other_workspace, committed_cost=1000, currency="EUR"
        ),
        "THEIRS-1",
    )
    client = client_for(finance)
    ids = [invoices["A1"].pk, 999999, theirs.pk, invoices["A1"].pk]
    html = client.get(url(workspace, "payouts"), {"layout": "paypal", "ids": ids}).content.decode()
    assert "1 invoice chosen on the list." in html
    assert f"Not invoices of this workspace, left out: #999999, {theirs.pk}." in html
    assert "In the file: 1 invoice" in html and "THEIRS-1" not in html
    assert 'name="ids" value="999999"' not in html
    # The same when the form is refused before any preview.
    refused = client.get(
        url(workspace, "payouts"), {"layout": "paypal", "ids": ids, "currency": "EURO"}
    ).content.decode()
    assert "1 invoice chosen on the list." in refused
    assert f"Not invoices of this workspace, left out: #999999, {theirs.pk}." in refused

    api = api_client_for(finance)
    preview = api.get("/api/v1/payouts/preview", {"layout": "paypal", "invoice_ids": ids}).json()
    assert preview["not_found"] == [999999, theirs.pk]
    assert [r["number"] for r in preview["included"]] == ["A-1"]
    answer = api.post(
        "/api/v1/payouts/export",
        {"layout": "paypal", "invoice_ids": ids},
        content_type="application/json",
    )
    assert answer.status_code == 404
    assert answer.json()["detail"] == f"No such invoices: 999999, {theirs.pk}."
    assert not AuditEvent.objects.filter(kind="payouts.exported").exists()
