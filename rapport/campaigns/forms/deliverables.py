"""Forms of deliverables: their fields (times in the creator's time zone) and the live post."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rapport.campaigns.models import ApprovalStage, DeliverableKind
from rapport.creators.models import Platform
from rapport.workspaces.calendar import zone

INPUT_FORMAT = "%Y-%m-%dT%H:%M"


class ZonedDateTimeField(forms.DateTimeField):
    """A date and time typed in a given time zone (the creator's), not the viewer's."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=INPUT_FORMAT)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.zone_name = "UTC"
        super().__init__(*args, **kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, dt.datetime) and timezone.is_aware(value):
            return value.astimezone(zone(self.zone_name)).replace(tzinfo=None)
        return value

    def to_python(self, value: Any) -> dt.datetime | None:
        # Parse without the current time zone, then read the wall time in the field's zone.
        with timezone.override(zone(self.zone_name)):
            return super().to_python(value)


class ZonedForm(forms.Form):
    """A form whose date-time fields are in ``zone_name``."""

    def __init__(self, *args: Any, zone_name: str = "UTC", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, ZonedDateTimeField):
                field.zone_name = zone_name


class DeliverableForm(ZonedForm):
    kind = forms.ChoiceField(label=_("Type"), choices=DeliverableKind.choices)
    platform = forms.ChoiceField(label=_("Platform"), choices=Platform.choices)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=1000, initial=1)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    approval_stages = forms.MultipleChoiceField(
        label=_("Approval stages"),
        choices=ApprovalStage.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The brief's approval rules are ticked to start with."),
    )
    post_at = ZonedDateTimeField(
        label=_("Posting date"),
        required=False,
        help_text=_("In the creator's time zone. For a window, the first moment it may post."),
    )
    post_until = ZonedDateTimeField(
        label=_("Posting window ends"),
        required=False,
        help_text=_("Leave empty for a single posting date."),
    )
    disclosure = forms.CharField(
        label=_("Required disclosure"),
        max_length=300,
        required=False,
        help_text=_("From the brief; change it for this deliverable if needed."),
    )
    reason = forms.CharField(
        label=_("Why it changes"),
        required=False,
        max_length=300,
        help_text=_("Kept on the timeline."),
    )


class LiveForm(ZonedForm):
    live_url = forms.URLField(
        label=_("Live URL"), max_length=500, assume_scheme="https", help_text=_("The post itself.")
    )
    went_live_at = ZonedDateTimeField(
        label=_("Went live at"),
        required=False,
        help_text=_("In the creator's time zone; leave empty for now."),
    )
    disclosure_checked = forms.BooleanField(
        label=_("The required disclosure is on the post"), required=False
    )
