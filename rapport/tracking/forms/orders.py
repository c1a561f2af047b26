"""The orders file upload form, and the form that sets an order's collaboration by hand."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from rapport.campaigns.models import Collaboration
from rapport.tracking.models import Shop


class OrderFileForm(forms.Form):
    """A CSV of orders and the shop they belong to (one of the workspace's shops)."""

    shop = forms.ModelChoiceField(
        queryset=Shop.objects.none(),
        label=gettext_lazy("Shop"),
        empty_label=None,
        help_text=gettext_lazy("Orders are matched to those already received from this shop."),
    )
    file = forms.FileField(
        label=gettext_lazy("Orders file (CSV)"),
        help_text=gettext_lazy(
            "Our template (order_id, placed_at, currency, total, discount_codes, landing_url, "
            "refunded, cancelled_at) or Shopify's orders export as it is; at most 5 MB."
        ),
    )

    def __init__(self, *args: Any, shops: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["shop"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = shops


def _creator_and_campaign(collaboration: Collaboration) -> str:
    return f"{collaboration.creator.name} · {collaboration.campaign.name}"


class HandAttributionForm(forms.Form):
    """The collaboration an order is set to by hand (creator · campaign), and why."""

    collaboration = forms.ModelChoiceField(
        queryset=Collaboration.objects.none(),
        label=gettext_lazy("Counts for"),
        empty_label=gettext_lazy("Choose creator · campaign"),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        required=False,
        max_length=500,
        help_text=gettext_lazy("Shown on the order and on the collaboration's timeline."),
    )

    def __init__(self, *args: Any, collaborations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["collaboration"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = collaborations
        field.label_from_instance = _creator_and_campaign  # type: ignore[method-assign,assignment]
