"""Forms of offers: a package editor (base fee, add-ons, seeding, bonus) used for a new offer, a
counter-offer and an amendment of agreed terms."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rapport.campaigns.models import AddOnKind, BonusKind, BonusMetric, BonusMode, Product
from rapport.campaigns.services.offers import AddOnData, BonusData, PackageData, SeedingData
from rapport.workspaces.models import Workspace

SEEDING_ROWS = 3
RUNG_ROWS = 4
MAX_PACKAGES = 3


def _split(value: str) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


class PackageForm(forms.Form):
    label = forms.CharField(label=_("Package name"), required=False, max_length=120)
    base_fee = forms.DecimalField(label=_("Base fee"), min_value=0, decimal_places=2, max_digits=12)
    currency = forms.CharField(label=_("Currency"), min_length=3, max_length=3)
    deliverables = forms.CharField(
        label=_("Deliverables covered"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: one video and two story frames."),
    )


class AddOnForm(forms.Form):
    include = forms.BooleanField(label=_("Include"), required=False)
    fee = forms.DecimalField(
        label=_("Fee"), min_value=0, decimal_places=2, max_digits=12, required=False
    )
    channels = forms.CharField(
        label=_("Channels or platforms"), required=False, help_text=_("Separated by commas.")
    )
    window_days = forms.IntegerField(label=_("Window (days)"), min_value=1, required=False)
    category = forms.CharField(label=_("Category"), required=False, max_length=120)
    competitors = forms.CharField(
        label=_("Competitors"), required=False, help_text=_("Separated by commas.")
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("include") and data.get("fee") is None:
            self.add_error("fee", _("Give the add-on's fee (0 if it is free)."))
        return data


class SeedingForm(forms.Form):
    product = forms.ModelChoiceField(
        label=_("Product"),
        queryset=Product.objects.none(),
        required=False,
        empty_label=_("(not from the list)"),
    )
    description = forms.CharField(label=_("Item"), required=False, max_length=200)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, required=False)
    unit_value = forms.DecimalField(
        label=_("Value each"), min_value=0, decimal_places=2, max_digits=12, required=False
    )

    def item(self) -> SeedingData | None:
        d = self.cleaned_data
        product = d.get("product")
        if not product and not d.get("description"):
            return None
        return SeedingData(
            description=d.get("description") or (product.name if product else ""),
            quantity=d.get("quantity") or 1,
            unit_value=d["unit_value"]
            if d.get("unit_value") is not None
            else (product.value if product else Decimal(0)),
            product=product,
        )


class BonusForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Performance bonus"),
        choices=[("", _("None")), *BonusKind.choices],
        required=False,
    )
    metric = forms.ChoiceField(label=_("Metric"), choices=BonusMetric.choices, required=False)
    mode = forms.ChoiceField(label=_("Mode"), choices=BonusMode.choices, required=False)
    commission_percent = forms.DecimalField(
        label=_("Commission (%)"), min_value=0, max_value=100, decimal_places=2, required=False
    )
    window_days = forms.IntegerField(label=_("Measured over (days)"), min_value=1, required=False)


class RungForm(forms.Form):
    threshold = forms.DecimalField(
        label=_("Threshold"), min_value=0, decimal_places=2, required=False
    )
    amount = forms.DecimalField(label=_("Bonus"), min_value=0, decimal_places=2, required=False)


def all_valid(items: list[Any]) -> bool:
    """Validate every form (so each shows its errors), then say whether all were valid."""
    results = [item.is_valid() for item in items]
    return all(results)


class PackageEditor:
    """One package's forms, prefixed so that several can share a page."""

    def __init__(
        self,
        data: Any = None,
        *,
        prefix: str,
        workspace: Workspace,
        currency: str,
        initial: PackageData | None = None,
    ) -> None:
        self.prefix = prefix
        i = initial
        self.main = PackageForm(
            data,
            prefix=prefix,
            initial={
                "currency": currency,
                **(
                    {
                        "label": i.label,
                        "base_fee": i.base_fee,
                        "currency": i.currency,
                        "deliverables": i.deliverables,
                    }
                    if i
                    else {}
                ),
            },
        )
        existing = {a.kind: a for a in (i.add_ons if i else [])}
        self.add_ons: list[tuple[str, Any, AddOnForm]] = []
        for kind, label in AddOnKind.choices:
            a = existing.get(kind)
            initial_add_on = (
                {
                    "include": True,
                    "fee": a.fee,
                    "channels": ", ".join(a.channels),
                    "window_days": a.window_days,
                    "category": a.category,
                    "competitors": ", ".join(a.competitors),
                }
                if a
                else {}
            )
            self.add_ons.append(
                (kind, label, AddOnForm(data, prefix=f"{prefix}-{kind}", initial=initial_add_on))
            )
        products = Product.objects.filter(workspace=workspace, is_active=True)
        seeds = list(i.seeding if i else [])
        self.seeding = []
        for n in range(max(SEEDING_ROWS, len(seeds))):
            s = seeds[n] if n < len(seeds) else None
            form = SeedingForm(
                data,
                prefix=f"{prefix}-seed{n}",
                initial={
                    "product": s.product,
                    "description": s.description,
                    "quantity": s.quantity,
                    "unit_value": s.unit_value,
                }
                if s
                else {},
            )
            form.fields["product"].queryset = products  # type: ignore[attr-defined]
            self.seeding.append(form)
        b = i.bonus if i else None
        self.bonus = BonusForm(
            data,
            prefix=f"{prefix}-bonus",
            initial={
                "kind": b.kind,
                "metric": b.metric,
                "mode": b.mode,
                "commission_percent": b.commission_percent,
                "window_days": b.window_days,
            }
            if b
            else {"metric": BonusMetric.CPA, "mode": BonusMode.HIGHEST},
        )
        rungs = list(b.rungs if b else [])
        self.rungs = [
            RungForm(
                data,
                prefix=f"{prefix}-rung{n}",
                initial={"threshold": rungs[n][0], "amount": rungs[n][1]} if n < len(rungs) else {},
            )
            for n in range(max(RUNG_ROWS, len(rungs)))
        ]

    def forms(self) -> list[forms.Form]:
        return [
            self.main,
            *(f for _k, _l, f in self.add_ons),
            *self.seeding,
            self.bonus,
            *self.rungs,
        ]

    def is_valid(self) -> bool:
        return all_valid(self.forms())

    @property
    def errors(self) -> list[str]:
        """Every error of the package, as readable lines (for a summary above the form)."""
        lines = []
        for form in self.forms():
            for name, errs in form.errors.items():
                label = form.fields[name].label if name in form.fields else ""
                lines += [f"{label}: {e}" if label else str(e) for e in errs]
        return lines

    def package_data(self) -> PackageData:
        main = self.main.cleaned_data
        add_ons = [
            AddOnData(
                kind=kind,
                fee=f.cleaned_data["fee"],
                channels=_split(f.cleaned_data["channels"]),
                window_days=f.cleaned_data["window_days"],
                category=f.cleaned_data["category"],
                competitors=_split(f.cleaned_data["competitors"]),
            )
            for kind, _label, f in self.add_ons
            if f.cleaned_data.get("include")
        ]
        seeding = [item for f in self.seeding if (item := f.item()) is not None]
        bonus = None
        b = self.bonus.cleaned_data
        if b.get("kind"):
            bonus = BonusData(
                kind=b["kind"],
                metric=b.get("metric") or BonusMetric.CPA,
                mode=b.get("mode") or BonusMode.HIGHEST,
                rungs=[
                    (r.cleaned_data["threshold"], r.cleaned_data["amount"])
                    for r in self.rungs
                    if r.cleaned_data.get("threshold") is not None
                    and r.cleaned_data.get("amount") is not None
                ],
                commission_percent=b.get("commission_percent"),
                window_days=b.get("window_days"),
            )
        return PackageData(
            base_fee=main["base_fee"],
            currency=main["currency"].upper(),
            label=main["label"],
            deliverables=main["deliverables"],
            add_ons=add_ons,
            seeding=seeding,
            bonus=bonus,
        )


class OfferNoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note with the offer"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)
