"""Invoices through the API: list (keyset pages, by status), one, enter with a file, change the
status, download the file; the same roles and rules as the pages."""

from __future__ import annotations

from rapport.campaigns.models import Moment, SlaClock
from rapport.finance.models import Invoice
from rapport.finance.tests.invoice_fixtures import html_as_pdf, invoice_of, pdf_file, utc
from rapport.testing.factories import CollaborationFactory, CreatorFactory
from rapport.workspaces.roles import Role

API = "/api/v1"


def test_finance_enters_an_invoice_with_its_file(collaboration, finance, api_client_for):
    client = api_client_for(finance)
    answer = client.post(
        f"{API}/collaborations/{collaboration.pk}/invoices",
        {
            "number": "API-1",
            "amount": "1200.00",
            "received_at": "2026-01-20T10:00:00Z",
            "file": pdf_file(),
        },
    )
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["number"] == "API-1"
    assert body["amount"] == "1200.00"
    assert body["currency"] == "EUR"
    assert body["due_on"] == "2026-02-04"
    assert body["status"] == "received"
    assert body["source"] == "team"
    assert body["entered_by"] == "farah@lumen.test"
    assert body["creator"] == "Ava Martin"
    assert body["campaign"] == "Spring Glow"
    assert body["overdue"] is True
    assert body["file_url"] == f"{API}/invoices/{body['id']}/file"
    download = client.get(body["file_url"])
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_refusals_answer_422_with_the_field(collaboration, finance, api_client_for):
    answer = api_client_for(finance).post(
        f"{API}/collaborations/{collaboration.pk}/invoices",
        {"number": "API-2", "amount": "10", "currency": "XYZ", "file": html_as_pdf()},
    )
    assert answer.status_code == 422
    fields = {e["field"]: e["message"] for e in answer.json()["detail"]}
    assert "“XYZ” is not a currency code" in fields["currency"]
    assert "HTML or XML page" in fields["file"]
    assert not Invoice.objects.exists()


def test_status_changes_and_paid_stops_the_clock(collaboration, finance, api_client_for):
    invoice = invoice_of(collaboration, received_at=utc(2026, 1, 20, 10))
    client = api_client_for(finance)
    path = f"{API}/invoices/{invoice.pk}/status"
    answer = client.post(path, {"status": "paid"}, content_type="application/json")
    assert answer.status_code == 422
    answer = client.post(
        path,
        {"status": "paid", "paid_on": "2026-02-01", "payment_method": "PayPal"},
        content_type="application/json",
    )
    assert answer.status_code == 200
    assert (answer.json()["status"], answer.json()["paid_on"]) == ("paid", "2026-02-01")
    assert answer.json()["overdue"] is False
    assert SlaClock.objects.get(moment=Moment.PAYMENT).stopped_at is not None


def test_the_list_is_by_payment_date_keyset_paged_and_filtered(
    collaboration, finance, api_client_for, django_assert_max_num_queries
):
    for n in range(5):
        invoice_of(collaboration, f"N-{n}", received_at=utc(2026, 1, 10 + n, 10))
    invoice_of(collaboration, "EARLY", received_at=utc(2026, 1, 2, 10))
    client = api_client_for(finance)
    with django_assert_max_num_queries(4):
        first = client.get(f"{API}/invoices?limit=4").json()
    assert [i["number"] for i in first["items"]] == ["EARLY", "N-0", "N-1", "N-2"]
    second = client.get(f"{API}/invoices?limit=4&cursor={first['next']}").json()
    assert [i["number"] for i in second["items"]] == ["N-3", "N-4"]
    assert second["next"] is None
    Invoice.objects.filter(number="N-2").update(status="approved")
    approved = client.get(f"{API}/invoices?status=approved").json()["items"]
    assert [i["number"] for i in approved] == ["N-2"]
    assert client.get(f"{API}/invoices?status=lost").status_code == 422


def test_roles_a_manager_reads_but_neither_enters_nor_downloads(
    collaboration, member, api_client_for
):
    invoice = invoice_of(collaboration)
    for role in (Role.MANAGER, Role.VIEWER):
        client = api_client_for(member(role))
        assert client.get(f"{API}/invoices/{invoice.pk}").status_code == 200
        assert client.get(f"{API}/invoices/{invoice.pk}/file").status_code == 403
        answer = client.post(
            f"{API}/collaborations/{collaboration.pk}/invoices",
            {"number": "NO", "amount": "1", "file": pdf_file()},
        )
        assert answer.status_code == 403
        answer = client.post(
            f"{API}/invoices/{invoice.pk}/status",
            {"status": "approved"},
            content_type="application/json",
        )
        assert answer.status_code == 403
    assert Invoice.objects.get().status == "received"


def test_an_invoice_without_a_file_answers_410(collaboration, finance, api_client_for):
    invoice = invoice_of(collaboration, file=None, actor=finance.user)
    answer = api_client_for(finance).get(f"{API}/invoices/{invoice.pk}/file")
    assert answer.status_code == 410
    assert "without a file" in answer.json()["detail"]


def test_another_workspaces_invoice_is_not_found(
    collaboration, other_workspace, finance, api_client_for
):
    theirs = CollaborationFactory.create(
        campaign__workspace=other_workspace,
        creator=CreatorFactory.create(workspace=other_workspace),
        committed_cost=1,
    )
    invoice = invoice_of(theirs, "THEIRS")
    client = api_client_for(finance)
    assert client.get(f"{API}/invoices/{invoice.pk}").status_code == 404
    assert client.get(f"{API}/invoices/{invoice.pk}/file").status_code == 404
    answer = client.post(
        f"{API}/invoices/{invoice.pk}/status",
        {"status": "approved"},
        content_type="application/json",
    )
    assert answer.status_code == 404
    answer = client.post(
        f"{API}/collaborations/{theirs.pk}/invoices", {"number": "X", "amount": "1"}
    )
    assert answer.status_code == 404
    assert client.get(f"{API}/invoices").json()["items"] == []
