"""Forms for invoices (sending or entering one, moving it along), payout files and bonuses. The
rules are the services'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rapport.finance.models import InvoiceStatus
from rapport.finance.payouts import Layout
from rapport.finance.services import amount_example

ACCEPT = "application/pdf,image/*"


class InvoiceForm(forms.Form):
    """An invoice: number, amount, currency and the file. Finance may also give the day it was
    received (``with_received_on``) and leave the file out (``require_file=False``).

    Nothing is required at the form's level: ``services.receive_invoice`` says what is missing
    and why, in the same words everywhere (the browser still asks through ``required``). The
    amount stays text: the service reads it as its sender writes numbers
    (``services.parse_amount``), so both forms and the API accept "1 850,00" from a French
    speaker and "1,850.00" from an English one."""

    number = forms.CharField(
        label=_("Invoice number"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": 60, "autocomplete": "off"}),
    )
    amount = forms.CharField(
        label=_("Amount"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    currency = forms.CharField(
        label=_("Currency"),
        required=False,
        help_text=_("Three letters, such as EUR or USD"),
        widget=forms.TextInput(
            attrs={"maxlength": 3, "autocapitalize": "characters", "autocomplete": "off"}
        ),
    )
    received_on = forms.DateField(
        label=_("Received on"),
        required=False,
        help_text=_("Leave empty for today."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    file = forms.FileField(
        label=_("Invoice file"),
        required=False,
        help_text=_("A PDF, or a photo or scan of the invoice, up to 10 MB."),
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
    )

    def __init__(
        self, *args: Any, require_file: bool = True, with_received_on: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        for name in ("number", "amount", "currency", *(("file",) if require_file else ())):
            self.fields[name].widget.attrs["required"] = True
        if not require_file:
            self.fields["file"].help_text = _(
                "Optional: a PDF, or a photo or scan of the invoice, up to 10 MB."
            )
        if not with_received_on:
            del self.fields["received_on"]
        self.fields["amount"].help_text = gettext("As on the invoice, such as %(example)s") % {
            "example": amount_example()
        }


class InvoiceStatusForm(forms.Form):
    """Finance moves an invoice along: approved, payment scheduled, paid (with the date), or
    disputed (with the reason)."""

    status = forms.ChoiceField(label=_("Status"), choices=InvoiceStatus.choices)
    paid_on = forms.DateField(
        label=_("Paid on"),
        required=False,
        help_text=_("Needed when it is paid."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    payment_method = forms.CharField(
        label=_("Payment method"),
        required=False,
        max_length=60,
        help_text=_("Such as PayPal or bank transfer."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=1000,
        help_text=_("Needed for a dispute: what is wrong with the invoice."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, allowed: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if allowed:
            status = self.fields["status"]
            assert isinstance(status, forms.ChoiceField)
            status.choices = [
                (value, label) for value, label in InvoiceStatus.choices if value in allowed
            ]


class PayoutForm(forms.Form):
    """What a payout file pays: the layout, and either the invoices chosen on the list (passed
    as ``ids``) or every approved or scheduled invoice due up to a date; a PayPal file's one
    currency."""

    layout = forms.ChoiceField(
        label=_("Layout"), choices=Layout.choices, initial=Layout.PAYPAL, widget=forms.RadioSelect
    )
    due_by = forms.DateField(
        label=_("Everything due up to"),
        required=False,
        help_text=_("Every approved or scheduled invoice with a payment date on or before it."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    currency = forms.CharField(
        label=_("Currency of a PayPal file"),
        required=False,
        max_length=3,
        help_text=_("PayPal takes one currency per file; leave empty for the most common one."),
        widget=forms.TextInput(attrs={"maxlength": 3, "autocapitalize": "characters"}),
    )


class BonusPaidForm(forms.Form):
    """Finance records the day a bonus was paid."""

    paid_on = forms.DateField(
        label=_("Paid on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
