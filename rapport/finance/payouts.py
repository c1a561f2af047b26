"""Finance's services for payouts: the files that pay approved invoices in one go.

Two layouts. PayPal's Payouts web upload (one row per payment, no header: the recipient's PayPal
e-mail, the amount, the currency, a reference of at most 30 characters without spaces, a note to
the recipient and the wallet, ``PAYPAL``; one currency per file, at most 5,000 rows), for
creators paid by PayPal; and a plain bank-transfer layout with a header (beneficiary, account
number or IBAN, bank code, amount, currency, reference = the invoice number, creator), for
creators paid by bank transfer. Amounts are in the invoice's currency, written "1234.50".

An invoice that cannot go in the chosen layout (not approved or scheduled, no payout details,
another payout method, another currency than the PayPal file's) is never dropped in silence: the
preview lists it with the reason, and the file never holds it. The file carries bank details,
so exporting needs both ``MANAGE_INVOICES`` and ``VIEW_PRIVATE`` (the finance role); each export
is audited with who, which invoices and which layout, never the details themselves.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rapport.creators.exporting import safe_cell
from rapport.creators.models import PayoutMethod
from rapport.finance import queries, services
from rapport.finance.models import Invoice, InvoiceStatus
from rapport.workspaces.models import Membership, User, Workspace
from rapport.workspaces.roles import Perm, role_allows
from rapport.workspaces.services import record

# What exporting needs: paying invoices, and reading the creators' payout details.
PERMS = (Perm.MANAGE_INVOICES, Perm.VIEW_PRIVATE)
PAYABLE = (InvoiceStatus.APPROVED, InvoiceStatus.SCHEDULED)
MAX_ROWS = 5000  # PayPal's limit per file; a bank batch this size is already unusual
REFERENCE_LENGTH = 30  # PayPal's "customer ID": at most 30 characters, no spaces
NOTE_LENGTH = 400
BANK_HEADER = (
    "Beneficiary name",
    "Account number or IBAN",
    "Bank code (BIC/SWIFT)",
    "Amount",
    "Currency",
    "Reference",
    "Creator",
)


class Layout(models.TextChoices):
    PAYPAL = "paypal", gettext_lazy("PayPal Payouts")
    BANK = "bank", gettext_lazy("Bank transfer")


@dataclass(frozen=True)
class Excluded:
    """An invoice that cannot go in the file, and why."""

    invoice: Invoice
    reason: str
    warning: str = ""


@dataclass
class Payout:
    """A payout file before it is written: the invoices it pays and those it cannot, with the
    reason. ``currency`` is the one currency of a PayPal file (empty for the bank layout);
    ``warnings`` holds, by invoice id, the "payment details changed" warning of those whose
    creator changed their payout details lately (see ``services.details_warnings``);
    ``not_found`` the chosen ids that are not this workspace's invoices."""

    layout: str
    currency: str = ""
    included: list[Invoice] = field(default_factory=list)
    excluded: list[Excluded] = field(default_factory=list)
    warnings: dict[int, str] = field(default_factory=dict)
    not_found: list[int] = field(default_factory=list)

    def rows(self) -> list[tuple[Invoice, str]]:
        """The invoices the file pays, each with its warning (empty when none)."""
        return [(i, self.warnings.get(i.pk, "")) for i in self.included]

    def flagged(self) -> list[tuple[Invoice, str]]:
        """The invoices the file pays whose creator's payout details changed lately: check
        them before sending the file."""
        return [(i, warning) for i, warning in self.rows() if warning]

    def totals(self) -> list[tuple[str, Decimal]]:
        """What the file pays, per currency, in currency order."""
        sums: dict[str, Decimal] = {}
        for invoice in self.included:
            sums[invoice.currency] = sums.get(invoice.currency, Decimal(0)) + invoice.amount
        return sorted(sums.items())


def may_export(membership_or_role: Membership | str) -> bool:
    """Whether a member (or a token's role) may export payouts: both permissions of ``PERMS``."""
    role = (
        membership_or_role.role
        if isinstance(membership_or_role, Membership)
        else membership_or_role
    )
    return all(role_allows(role, perm) for perm in PERMS)


def amount_text(amount: Decimal) -> str:
    """An amount as payout files want it: digits and a point, two decimals ("1234.50")."""
    return f"{amount.quantize(Decimal('0.01')):f}"


def selected_invoices(
    workspace: Workspace, *, invoice_ids: Iterable[int] = (), due_by: dt.date | None = None
) -> list[Invoice]:
    """The invoices a payout is prepared from, by payment date: those of ``invoice_ids`` (of
    any status: the preview says which cannot be paid), or, with ``due_by``, every approved or
    scheduled invoice whose payment date is on or before it. Ids of another workspace are
    ignored (they are not this workspace's invoices)."""
    qs = queries.workspace_invoices(workspace).select_related("collaboration__creator")
    if due_by is not None:
        qs = qs.filter(status__in=PAYABLE, due_on__lte=due_by)
    else:
        qs = qs.filter(pk__in=list(invoice_ids))
    return list(qs[: MAX_ROWS + 1])


def _status_problem(invoice: Invoice) -> str:
    if invoice.status in PAYABLE:
        return ""
    if invoice.status == InvoiceStatus.PAID:
        return _("Already paid on %(date)s.") % {
            "date": formats.date_format(invoice.paid_on, "j M Y") if invoice.paid_on else "?"
        }
    if invoice.status == InvoiceStatus.DISPUTED:
        return _("Disputed: settle the dispute and approve it first.")
    return _("Not approved yet: approve it first.")


def _details_problem(invoice: Invoice, layout: str) -> str:
    creator = invoice.collaboration.creator
    if not creator.payout_method:
        return _("%(creator)s has no payout method: add their payout details first.") % {
            "creator": creator.name
        }
    if creator.payout_method != layout:
        return _("%(creator)s is paid by %(method)s, not in this file.") % {
            "creator": creator.name,
            "method": PayoutMethod(creator.payout_method).label,
        }
    if layout == Layout.PAYPAL and not creator.payout_email:
        return _("%(creator)s has no PayPal e-mail: add it to their payout details.") % {
            "creator": creator.name
        }
    if layout == Layout.BANK:
        missing = [
            str(label)
            for name, label in (
                ("bank_account_name", _("the account holder")),
                ("bank_account_number", _("the account number or IBAN")),
                ("bank_code", _("the bank code")),
            )
            if not getattr(creator, name).strip()
        ]
        if missing:
            return _("%(creator)s's bank details lack %(what)s.") % {
                "creator": creator.name,
                "what": ", ".join(missing),
            }
    return ""


def _file_currency(candidates: list[Invoice], wanted: str) -> str:
    """The one currency of a PayPal file: the one asked for, else the most frequent among the
    invoices that can be paid (the first in alphabetical order on a tie)."""
    if wanted:
        return wanted.strip().upper()
    counts = Counter(i.currency for i in candidates)
    if not counts:
        return ""
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[0][0]


def prepare_payout(
    *,
    workspace: Workspace,
    layout: str,
    invoice_ids: Iterable[int] = (),
    due_by: dt.date | None = None,
    currency: str = "",
) -> Payout:
    """Sort the chosen invoices (see :func:`selected_invoices`) into those the ``layout``'s file
    pays and those it cannot, each with its reason. A PayPal file holds one currency:
    ``currency``, else the most frequent one; invoices in another are listed as excluded.
    Each invoice whose creator's payout details changed lately carries the same warning as its
    note (:func:`services.details_warnings`); ids not found in the workspace are listed in
    ``not_found``, never counted."""
    if layout not in Layout.values:
        raise ValidationError(
            {"layout": _("“%(l)s” is not a payout layout; use paypal or bank.") % {"l": layout}}
        )
    invoices = selected_invoices(workspace, invoice_ids=invoice_ids, due_by=due_by)
    if len(invoices) > MAX_ROWS:
        raise ValidationError(
            {"invoice_ids": _("A payout file holds at most %(n)s invoices.") % {"n": MAX_ROWS}}
        )
    found = {i.pk for i in invoices}
    payout = Payout(
        layout=layout,
        warnings=services.details_warnings(workspace, invoices),
        not_found=[]
        if due_by is not None
        else [pk for pk in dict.fromkeys(invoice_ids) if pk not in found],
    )
    candidates: list[Invoice] = []
    for invoice in invoices:
        problem = _status_problem(invoice) or _details_problem(invoice, layout)
        if problem:
            payout.excluded.append(Excluded(invoice, problem, payout.warnings.get(invoice.pk, "")))
        else:
            candidates.append(invoice)
    if layout == Layout.PAYPAL:
        payout.currency = _file_currency(candidates, currency)
        for invoice in candidates:
            if invoice.currency == payout.currency:
                payout.included.append(invoice)
            else:
                payout.excluded.append(
                    Excluded(
                        invoice,
                        _(
                            "In %(theirs)s: a PayPal file holds one currency (this one is in "
                            "%(ours)s). Export the %(theirs)s invoices in a file of their own."
                        )
                        % {"theirs": invoice.currency, "ours": payout.currency},
                        payout.warnings.get(invoice.pk, ""),
                    )
                )
    else:
        payout.included = candidates
    return payout


def _reference(invoice: Invoice) -> str:
    """PayPal's customer ID for the row: the invoice number without spaces or commas, with the
    invoice's id in front so two creators' "INV-001" stay apart; 30 characters at most."""
    number = re.sub(r"[^0-9A-Za-z._/-]", "", invoice.number)
    return f"{invoice.pk}-{number}"[:REFERENCE_LENGTH]


def _note(invoice: Invoice) -> str:
    return (
        _("Invoice %(number)s, %(campaign)s")
        % {"number": invoice.number, "campaign": invoice.collaboration.campaign.name}
    )[:NOTE_LENGTH]


def payout_rows(payout: Payout) -> list[list[str]]:
    """The file's rows, every text cell made formula-safe (the bank layout starts with its
    header; PayPal's upload takes none)."""
    rows: list[list[str]] = []
    if payout.layout == Layout.BANK:
        rows.append(list(BANK_HEADER))
    for invoice in payout.included:
        creator = invoice.collaboration.creator
        if payout.layout == Layout.PAYPAL:
            row = [
                creator.payout_email,
                amount_text(invoice.amount),
                invoice.currency,
                _reference(invoice),
                _note(invoice),
                "PAYPAL",
            ]
        else:
            row = [
                creator.bank_account_name.strip(),
                creator.bank_account_number.replace(" ", ""),
                creator.bank_code.strip(),
                amount_text(invoice.amount),
                invoice.currency,
                invoice.number,
                creator.name,
            ]
        rows.append([safe_cell(value) for value in row])
    return rows


def payout_csv(payout: Payout) -> str:
    """The payout file as CSV text."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows(payout_rows(payout))
    return out.getvalue()


def filename(workspace: Workspace, payout: Payout, today: dt.date) -> str:
    """The download's name: workspace, layout, currency (PayPal) and date."""
    parts = [workspace.slug, "payouts", payout.layout, payout.currency.lower(), today.isoformat()]
    return "-".join(p for p in parts if p) + ".csv"


def export_payout(
    *,
    workspace: Workspace,
    actor: User | None,
    layout: str,
    invoice_ids: Iterable[int],
    currency: str = "",
) -> tuple[Payout, str]:
    """Write the payout file of the chosen invoices in ``layout``: the payout and its CSV text.

    Refused (``ValidationError`` naming ``invoice_ids``) when any chosen invoice cannot go in
    the file, with each one's reason, so nothing is left out unnoticed: choose again without
    them. Audited with the layout and the invoices (their numbers, not the payout details),
    naming those whose creator's payout details changed lately. The file itself carries no
    warning. The caller has checked :func:`may_export`.
    """
    ids = list(dict.fromkeys(invoice_ids))
    if not ids:
        raise ValidationError({"invoice_ids": _("Choose the invoices to pay.")})
    payout = prepare_payout(workspace=workspace, layout=layout, invoice_ids=ids, currency=currency)
    problems = [
        _("Invoice %(number)s (%(creator)s): %(reason)s")
        % {
            "number": e.invoice.number,
            "creator": e.invoice.collaboration.creator.name,
            "reason": e.reason,
        }
        for e in payout.excluded
    ]
    problems += [_("Invoice #%(id)s: no such invoice.") % {"id": pk} for pk in payout.not_found]
    if problems:
        raise ValidationError({"invoice_ids": problems})
    summary = _("%(layout)s payout file exported with %(n)s invoices: %(numbers)s") % {
        "layout": Layout(layout).label,
        "n": len(payout.included),
        "numbers": ", ".join(i.number for i in payout.included),
    }
    flagged = payout.flagged()
    if flagged:
        summary += ". " + _("Payment details changed lately for %(numbers)s.") % {
            "numbers": ", ".join(i.number for i, _warning in flagged)
        }
    record(
        workspace=workspace,
        actor=actor,
        kind="payouts.exported",
        summary=summary,
        changes={"invoices": (None, [i.pk for i in payout.included]), "layout": (None, layout)},
    )
    return payout, payout_csv(payout)


def schedule_payout(
    *, workspace: Workspace, actor: User | None, invoice_ids: Iterable[int]
) -> list[Invoice]:
    """Mark the chosen approved invoices as payment scheduled (after their payout file went to
    the bank or PayPal), through ``set_invoice_status``; those already scheduled stay so. Any
    other status is refused with the invoice named, and then none is changed. Returns the
    invoices that moved."""
    ids = list(dict.fromkeys(invoice_ids))
    invoices = list(
        Invoice.objects.filter(workspace=workspace, pk__in=ids).order_by("due_on", "pk")
    )
    wrong = [i for i in invoices if i.status not in PAYABLE]
    missing = set(ids) - {i.pk for i in invoices}
    if not ids or wrong or missing:
        problems = [
            _("Invoice %(number)s is “%(status)s”; only approved invoices can be scheduled.")
            % {"number": i.number, "status": i.get_status_display()}
            for i in wrong
        ]
        problems += [_("Invoice #%(id)s: no such invoice.") % {"id": pk} for pk in sorted(missing)]
        raise ValidationError({"invoice_ids": problems or [_("Choose the invoices to schedule.")]})
    moved: list[Invoice] = []
    with transaction.atomic():
        for invoice in invoices:
            if invoice.status == InvoiceStatus.APPROVED:
                moved.append(
                    services.set_invoice_status(
                        invoice=invoice, status=InvoiceStatus.SCHEDULED, actor=actor
                    )
                )
    return moved
