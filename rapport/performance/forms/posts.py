"""Forms for posts: adding or changing a post, and the standard collection form (the same for
the team and for the creator on the hub). They only read what was typed; every rule is in
``rapport.performance.services``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rapport.creators.models import Platform
from rapport.performance.models import METRICS, MetricSnapshot
from rapport.performance.services.posts import EVIDENCE_EXTENSIONS, MAX_EVIDENCE_BYTES
from rapport.workspaces.forms import ServiceErrorsMixin


class PostForm(ServiceErrorsMixin, forms.Form):
    """A post's address, platform, when it went live and when to collect its figures."""

    deliverable = forms.TypedChoiceField(label=_("Deliverable"), coerce=int, choices=())
    url = forms.CharField(
        label=_("Post address"),
        max_length=500,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    platform = forms.ChoiceField(
        label=_("Platform"),
        required=False,
        choices=[("", _("The deliverable's")), *Platform.choices],
    )
    posted_at = forms.DateTimeField(
        label=_("Went live (optional)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    collect_on = forms.DateField(
        label=_("Collect the figures on"),
        required=False,
        help_text=_("Seven days after it went live when left empty."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, deliverables: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["deliverable"]
        if deliverables is None:
            del self.fields["deliverable"]
        else:
            assert isinstance(field, forms.TypedChoiceField)
            field.choices = [
                (d.pk, f"{d.quantity} \N{MULTIPLICATION SIGN} {d}") for d in deliverables
            ]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (the list may be empty)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ",".join(EVIDENCE_EXTENSIONS)})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class CollectionForm(ServiceErrorsMixin, forms.Form):
    """The standard collection form: the collection date, every metric (blank = unknown), a note
    and screenshots of the platform's insights."""

    collected_on = forms.DateField(
        label=_("Figures read on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    evidence = MultipleFileField(
        label=_("Screenshots (optional)"),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evidence"].help_text = gettext(
            "Images or PDFs of the insights screen, up to %(mb)s MB each."
        ) % {"mb": MAX_EVIDENCE_BYTES // 2**20}
        for name in METRICS:
            self.fields[name] = forms.CharField(
                label=MetricSnapshot._meta.get_field(name).verbose_name.capitalize(),  # type: ignore[union-attr]
                required=False,
                max_length=30,
                widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            )
        self.order_fields(["collected_on", *METRICS, "note", "evidence"])

    def metric_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in METRICS]

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name, "") for name in METRICS}
