"""The hub's forms for the creator's work: a draft, a live post, and their own details. They
only read what was typed; the rules are in ``rapport.hub.services.work`` and the campaigns
services it calls."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rapport.campaigns.models import ApprovalStage
from rapport.campaigns.services import reviews
from rapport.creators.models import PayoutMethod


def upload_limit_mb() -> int:
    """The largest draft file, in MB (the one limit ``reviews.check_upload`` enforces)."""
    return reviews.MAX_UPLOAD_BYTES // 2**20


class DraftForm(forms.Form):
    """A draft of one deliverable: the stage it is for, a file or a link, and a note."""

    # Any value reaches the service, which says which stages are still waiting for a draft.
    stage = forms.CharField(label=_("This draft is the"), widget=forms.Select)
    file = forms.FileField(
        label=_("File"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(reviews.ACCEPTED_EXTENSIONS)}),
    )
    link = forms.CharField(
        label=_("Or a link to it"),
        required=False,
        max_length=500,
        help_text=_("A shared folder, an unlisted video, a draft post: starting with https://."),
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    note = forms.CharField(
        label=_("Note for the reviewer (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, position: int, stages: list[str], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_draft{position}_%s")
        if stages and not args and "data" not in kwargs:
            kwargs.setdefault("initial", {"stage": stages[0]})
        super().__init__(*args, **kwargs)
        widget = self.fields["stage"].widget
        assert isinstance(widget, forms.Select)
        widget.choices = [(s, ApprovalStage(s).label) for s in stages]
        self.fields["file"].help_text = _("%(kinds)s. Up to %(mb)s MB.") % {
            "kinds": reviews.accepted_kinds(),
            "mb": upload_limit_mb(),
        }


class PostedForm(forms.Form):
    """Where (and optionally when) a deliverable went live."""

    live_url = forms.CharField(
        label=_("Address of your post"),
        max_length=500,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    went_live_at = forms.DateTimeField(
        label=_("When it went live (optional: now if empty)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, *args: Any, position: int, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_posted{position}_%s")
        super().__init__(*args, **kwargs)


class DetailsForm(forms.Form):
    """The creator's shipping address and how they are paid."""

    shipping_address = forms.CharField(
        label=_("Shipping address"),
        required=False,
        max_length=1000,
        help_text=_("Name, street, postcode and town, country: as the carrier should print it."),
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "shipping street-address"}),
    )
    payout_method = forms.ChoiceField(
        label=_("How you are paid"),
        required=False,
        choices=PayoutMethod.choices,
        help_text=_(
            "Choosing PayPal removes your bank details; choosing a bank transfer removes your "
            "PayPal e-mail."
        ),
        widget=forms.RadioSelect,
    )
    payout_email = forms.CharField(
        label=_("PayPal e-mail"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    bank_account_name = forms.CharField(label=_("Account holder"), required=False, max_length=200)
    bank_account_number = forms.CharField(
        label=_("Account number or IBAN"),
        required=False,
        max_length=64,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    bank_code = forms.CharField(
        label=_("Bank code (BIC/SWIFT, routing or sort code)"), required=False, max_length=40
    )

    def __init__(self, *args: Any, masked_number: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if masked_number:
            self.fields["bank_account_number"].help_text = _(
                "On file: %(masked)s. Leave empty to keep it."
            ) % {"masked": masked_number}
