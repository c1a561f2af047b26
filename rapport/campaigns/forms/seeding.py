"""Forms of the seeding pages: products, shipments, tracking details and the tracking file.

They read and show input; the services in ``services/seeding.py`` decide and write.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from rapport.campaigns.models import Carrier, Product, ShipmentStatus
from rapport.campaigns.services.seeding import ItemData, parse_variants

ITEM_ROWS = 4  # product lines offered on the new-shipment form


class ProductForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    sku = forms.CharField(
        label=gettext_lazy("SKU"),
        max_length=64,
        help_text=gettext_lazy("The code your stock and fulfilment centre use; unique here."),
    )
    value = forms.DecimalField(
        label=gettext_lazy("Value"), min_value=0, max_digits=12, decimal_places=2
    )
    currency = forms.CharField(label=gettext_lazy("Currency"), min_length=3, max_length=3)
    variants = forms.CharField(
        label=gettext_lazy("Sizes or variants"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("One per line, such as S, M, L. Leave empty if there are none."),
    )
    is_active = forms.BooleanField(label=gettext_lazy("Offered"), required=False, initial=True)

    @classmethod
    def for_product(cls, product: Product) -> ProductForm:
        return cls(
            initial={
                "name": product.name,
                "sku": product.sku,
                "value": product.value,
                "currency": product.currency,
                "variants": "\n".join(product.variants),
                "is_active": product.is_active,
            }
        )

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["variants"] = parse_variants(data["variants"])
        return data


def item_choices(products: Iterable[Product]) -> list[tuple[str, str]]:
    """One choice per product and variant (``"12:M"``), so the variant always is the product's."""
    choices: list[tuple[str, str]] = [("", "—")]
    for product in products:
        if product.variants:
            choices += [
                (f"{product.pk}:{v}", f"{product.name} ({product.sku}) — {v}")
                for v in product.variants
            ]
        else:
            choices.append((f"{product.pk}:", f"{product.name} ({product.sku})"))
    return choices


class ShipmentForm(forms.Form):
    """A new shipment: up to ``ITEM_ROWS`` product lines (empty lines are left out)."""

    def __init__(self, *args: Any, products: Iterable[Product], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = item_choices(products)
        for n in range(1, ITEM_ROWS + 1):
            self.fields[f"item_{n}"] = forms.ChoiceField(
                label=gettext_lazy("Product"), choices=choices, required=False
            )
            self.fields[f"quantity_{n}"] = forms.IntegerField(
                label=gettext_lazy("Quantity"), min_value=1, max_value=9999, initial=1,
                required=False,
            )  # fmt: skip

    def rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"item_{n}"], self[f"quantity_{n}"]) for n in range(1, ITEM_ROWS + 1)]

    def items(self) -> list[ItemData]:
        found = []
        for n in range(1, ITEM_ROWS + 1):
            choice = self.cleaned_data.get(f"item_{n}") or ""
            if not choice:
                continue
            product_id, _sep, variant = choice.partition(":")
            found.append(
                ItemData(
                    product_id=int(product_id),
                    variant=variant,
                    quantity=self.cleaned_data.get(f"quantity_{n}") or 1,
                )
            )
        return found


class TrackingForm(forms.Form):
    """Carrier, tracking number and expected delivery date, as the label step and edits take."""

    carrier = forms.ChoiceField(
        label=gettext_lazy("Carrier"),
        choices=[("", gettext_lazy("Not known yet")), *Carrier.choices],
        required=False,
    )
    tracking_number = forms.CharField(
        label=gettext_lazy("Tracking number"), max_length=64, required=False
    )
    expected_on = forms.DateField(
        label=gettext_lazy("Expected delivery"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class TrackingFileForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tracking file (CSV)"),
        help_text=gettext_lazy(
            "Columns: reference, carrier, tracking number and, if known, shipped date "
            "(2025-03-14). The fulfilment file you exported works as is once filled in."
        ),
    )


STATUS_CHOICES = [("", gettext_lazy("Any status")), *ShipmentStatus.choices]
