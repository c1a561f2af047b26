"""The discount code form; the codes service checks the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rapport.tracking.models import DiscountCode, DiscountKind
from rapport.tracking.services.codes import DEFAULT_PATTERN
from rapport.workspaces.forms import ServiceErrorsMixin

LOCAL_TIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class CodeForm(ServiceErrorsMixin, forms.Form):
    """A code and its discount: typed, or made from the pattern when left empty."""

    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        required=False,
        help_text=_("Letters and digits. Leave empty to make it from the pattern."),
    )
    pattern = forms.CharField(
        label=_("Pattern"), max_length=60, required=False, initial=DEFAULT_PATTERN
    )
    kind = forms.ChoiceField(label=_("Discount"), choices=DiscountKind.choices)
    value = forms.DecimalField(
        label=_("Value"),
        required=False,
        decimal_places=2,
        help_text=_("The percentage, or the amount off; nothing for free shipping."),
    )
    currency = forms.CharField(
        label=_("Currency"), max_length=3, required=False, help_text=_("For an amount off.")
    )
    starts_at = forms.DateTimeField(label=_("Valid from"), required=False, widget=LOCAL_TIME)
    ends_at = forms.DateTimeField(label=_("Valid until"), required=False, widget=LOCAL_TIME)
    usage_limit = forms.IntegerField(
        label=_("Usage limit"), min_value=1, required=False, help_text=_("Empty for no limit.")
    )

    def __init__(self, *args: Any, editing: DiscountCode | None = None, **kwargs: Any) -> None:
        if editing is not None:
            kwargs.setdefault(
                "initial",
                {
                    "code": editing.code,
                    "kind": editing.kind,
                    "value": editing.value,
                    "currency": editing.currency,
                    "starts_at": editing.starts_at,
                    "ends_at": editing.ends_at,
                    "usage_limit": editing.usage_limit,
                },
            )
        super().__init__(*args, **kwargs)
        if editing is not None:
            del self.fields["pattern"]
            self.fields["code"].required = True

    def terms(self) -> dict[str, Any]:
        """The cleaned discount terms, as the codes service takes them."""
        data = self.cleaned_data
        names = ("kind", "value", "currency", "starts_at", "ends_at", "usage_limit")
        return {name: data.get(name) for name in names}
