"""Forms of the campaign pages. They read and show input; the services decide and write."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from rapport.campaigns.models import Campaign, CampaignStatus, KpiMetric, Objective
from rapport.campaigns.queries.campaigns import reviewers
from rapport.campaigns.services.campaigns import KpiTarget, allowed_statuses
from rapport.creators.queries import possible_owners
from rapport.workspaces.models import ErDenominator, User, Workspace

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def kpi_fields(help_text: Any = "") -> dict[str, forms.DecimalField]:
    """One optional target per metric (``kpi_reach``…): a metric with a target is a KPI."""
    return {
        f"kpi_{metric}": forms.DecimalField(
            label=label,
            required=False,
            min_value=Decimal(0),
            max_digits=16,
            decimal_places=4,
            help_text=help_text,
            widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
        )
        for metric, label in KpiMetric.choices
    }


def kpi_rows(cleaned: dict[str, Any]) -> list[KpiTarget]:
    """The KPIs a form's ``kpi_*`` fields name, in the metrics' order."""
    return [
        KpiTarget(metric=metric, target=cleaned[f"kpi_{metric}"])
        for metric in KpiMetric.values
        if cleaned.get(f"kpi_{metric}") is not None
    ]


class KpiFieldsMixin(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(kpi_fields())

    def kpi_bound_fields(self) -> list[forms.BoundField]:
        return [self[f"kpi_{metric}"] for metric in KpiMetric.values]


class CampaignForm(KpiFieldsMixin):
    """A campaign's plan: what, when, how much, who, and the KPIs it is judged on."""

    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    slug = forms.CharField(
        label=gettext_lazy("Slug"),
        max_length=80,
        required=False,
        help_text=gettext_lazy(
            "Used in tracking links (utm_campaign). Left empty, it is made from the name."
        ),
    )
    objective = forms.ChoiceField(label=gettext_lazy("Objective"), choices=Objective.choices)
    description = forms.CharField(
        label=gettext_lazy("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    starts_on = forms.DateField(label=gettext_lazy("Starts on"), required=False, widget=DATE)
    ends_on = forms.DateField(label=gettext_lazy("Ends on"), required=False, widget=DATE)
    budget = forms.DecimalField(
        label=gettext_lazy("Budget"),
        required=False,
        min_value=Decimal(0),
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    currency = forms.CharField(
        label=gettext_lazy("Currency"),
        max_length=3,
        help_text=gettext_lazy("Three letters, such as USD, EUR or GBP."),
    )
    owner = forms.ModelChoiceField(
        label=gettext_lazy("Owner"),
        queryset=User.objects.none(),
        required=False,
        empty_label=gettext_lazy("Nobody yet"),
    )
    decision_maker = forms.ModelChoiceField(
        label=gettext_lazy("Decision-maker"),
        queryset=User.objects.none(),
        required=False,
        empty_label=gettext_lazy("Nobody yet"),
        help_text=gettext_lazy("The one person who approves or rejects content."),
    )
    delegates = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Review delegates"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("People who may decide in the decision-maker's place."),
    )
    er_denominator = forms.ChoiceField(
        label=gettext_lazy("Engagement rate is measured against"),
        choices=ErDenominator.choices,
    )

    def __init__(
        self, *args: Any, workspace: Workspace, campaign: Campaign | None = None, **kwargs: Any
    ) -> None:
        if campaign is not None:
            kwargs.setdefault("initial", self.initial_for(campaign))
        else:
            kwargs.setdefault(
                "initial",
                {
                    "currency": workspace.default_currency,
                    "er_denominator": workspace.er_denominator,
                },
            )
        super().__init__(*args, **kwargs)
        people = reviewers(workspace)
        self.fields["owner"].queryset = possible_owners(workspace)  # type: ignore[attr-defined]
        self.fields["decision_maker"].queryset = people  # type: ignore[attr-defined]
        self.fields["delegates"].queryset = people  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(campaign: Campaign) -> dict[str, Any]:
        initial: dict[str, Any] = {
            name: getattr(campaign, name)
            for name in (
                "name", "slug", "objective", "description", "starts_on", "ends_on", "budget",
                "currency", "owner", "decision_maker", "er_denominator",
            )
        }  # fmt: skip
        initial["delegates"] = list(campaign.delegates.all())
        initial |= {f"kpi_{k.metric}": k.target.normalize() for k in campaign.kpis.all()}
        return initial

    def values(self) -> dict[str, Any]:
        """The service's keyword arguments."""
        data = {k: v for k, v in self.cleaned_data.items() if not k.startswith("kpi_")}
        data["delegates"] = list(data["delegates"])
        data["kpis"] = kpi_rows(self.cleaned_data)
        return data


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Move to"), choices=CampaignStatus.choices)
    reason = forms.CharField(
        label=gettext_lazy("Why"),
        required=False,
        max_length=500,
        help_text=gettext_lazy("Needed to reopen a closed campaign."),
    )

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = allowed_statuses(campaign.status)
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            (value, label) for value, label in CampaignStatus.choices if value in allowed
        ]


class ExperimentForm(forms.Form):
    """One entry of the experiment log."""

    hypothesis = forms.CharField(
        label=gettext_lazy("Hypothesis"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("What you expect to happen, and why."),
    )
    varied = forms.CharField(
        label=gettext_lazy("What was varied"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    result = forms.CharField(
        label=gettext_lazy("Result"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    decision = forms.CharField(
        label=gettext_lazy("Decision"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
