"""Forms of the brief pages: the brief's fields, a template's, publishing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from rapport.campaigns.forms.campaigns import KpiFieldsMixin
from rapport.campaigns.models import (
    BRIEF_FIELDS,
    ApprovalStage,
    BriefTemplate,
    KpiMetric,
    Objective,
)
from rapport.campaigns.queries.briefs import LIST_FIELDS, brief_label

ONE_PER_LINE = gettext_lazy("One per line.")


def _lines(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class BriefContentForm(KpiFieldsMixin):
    """The brief's fields; lists are written one item per line, KPIs as a target per metric."""

    objective = forms.ChoiceField(
        label=gettext_lazy("Objective"),
        required=False,
        choices=[("", gettext_lazy("Not set")), *Objective.choices],
    )
    audience_insight = forms.CharField(required=False, widget=_lines(3))
    brand_voice = forms.CharField(required=False, widget=_lines(3))
    non_negotiables = forms.CharField(
        required=False,
        widget=_lines(5),
        help_text=gettext_lazy("One per line; 3 to 5 to publish."),
    )
    creative_freedoms = forms.CharField(required=False, widget=_lines(3))
    talking_points = forms.CharField(required=False, widget=_lines(4), help_text=ONE_PER_LINE)
    do_examples = forms.CharField(required=False, widget=_lines(3), help_text=ONE_PER_LINE)
    dont_examples = forms.CharField(required=False, widget=_lines(3), help_text=ONE_PER_LINE)
    disclosure = forms.CharField(
        required=False,
        max_length=300,
        help_text=gettext_lazy("Such as #ad, or the platform's paid-partnership label."),
    )
    deliverables_timeline = forms.CharField(required=False, widget=_lines(4))
    approval_stages = forms.MultipleChoiceField(
        required=False,
        choices=ApprovalStage.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("The stages a creator's content needs approval at."),
    )
    tracking_instructions = forms.CharField(required=False, widget=_lines(3))
    inspiration_links = forms.CharField(
        required=False,
        widget=_lines(3),
        help_text=gettext_lazy("One web address (http or https) per line."),
    )

    def __init__(self, *args: Any, content: dict[str, Any] | None = None, **kwargs: Any) -> None:
        if content is not None:
            kwargs.setdefault("initial", self.initial_for(content))
        super().__init__(*args, **kwargs)
        for name in BRIEF_FIELDS:
            if name in self.fields and name != "objective":
                self.fields[name].label = brief_label(name)

    @staticmethod
    def initial_for(content: dict[str, Any]) -> dict[str, Any]:
        initial = {
            name: "\n".join(content.get(name) or []) if name in LIST_FIELDS else content.get(name)
            for name in BRIEF_FIELDS
            if name != "kpis"
        }
        for row in content.get("kpis") or []:
            initial[f"kpi_{row['metric']}"] = row["target"]
        return initial

    def content(self) -> dict[str, Any]:
        """The brief's fields as the service takes them."""
        data = self.cleaned_data
        content: dict[str, Any] = {
            name: data[name].splitlines() if name in LIST_FIELDS else data[name]
            for name in BRIEF_FIELDS
            if name != "kpis"
        }
        content["kpis"] = [
            {"metric": metric, "target": str(data[f"kpi_{metric}"])}
            for metric in KpiMetric.values
            if data.get(f"kpi_{metric}") is not None
        ]
        return content


class TemplateForm(BriefContentForm):
    name = forms.CharField(label=gettext_lazy("Template name"), max_length=120)

    field_order = ["name"]


class PublishForm(forms.Form):
    summary = forms.CharField(
        label=gettext_lazy("What changed, in a sentence (optional)"),
        required=False,
        max_length=300,
    )


class SaveAsTemplateForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Template name"), max_length=120)


class StartBriefForm(forms.Form):
    template = forms.ModelChoiceField(
        label=gettext_lazy("Start from"),
        queryset=BriefTemplate.objects.none(),
        required=False,
        empty_label=gettext_lazy("A blank brief (with the campaign's objective and KPIs)"),
    )

    def __init__(self, *args: Any, templates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates  # type: ignore[attr-defined]
