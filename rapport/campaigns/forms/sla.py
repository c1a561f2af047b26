"""Forms of the service-level pages: acknowledging a missed deadline, filtering the clocks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rapport.campaigns.models import Moment
from rapport.workspaces.forms import ServiceErrorsMixin
from rapport.workspaces.models import Membership


class AcknowledgeForm(ServiceErrorsMixin, forms.Form):
    """A new deadline (in the member's own time zone) and the message the creator receives.

    ``drafted_for`` carries the deadline the offered message was written for: a message sent
    unchanged is rewritten for the deadline chosen (see ``services.sla.acknowledge_breach``)."""

    new_due_at = forms.DateTimeField(
        label=_("New deadline"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("In your time zone; the message shows it in the creator's."),
    )
    message = forms.CharField(
        label=_("Message to the creator"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Sent by e-mail to the creator's primary address. Edit it as you like."),
    )
    drafted_for = forms.DateTimeField(
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "hidden"}, format="%Y-%m-%dT%H:%M"),
    )


class ClockFilterForm(forms.Form):
    """The service-levels page's filters and the period its figures cover."""

    moment = forms.ChoiceField(label=_("Service moment"), required=False)
    owner = forms.TypedChoiceField(label=_("Owner"), required=False, coerce=int, empty_value=None)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, data: Any, *, members: list[Membership]) -> None:
        super().__init__(data)
        moment: Any = self.fields["moment"]
        moment.choices = [("", _("Every moment")), *Moment.choices]
        owner: Any = self.fields["owner"]
        owner.choices = [("", _("Everyone"))] + [(m.user_id, m.user.display_name) for m in members]

    def period(self, today: dt.date) -> tuple[dt.date, dt.date]:
        """The days the figures cover, both included (the last 30 days by default)."""
        data = self.cleaned_data if self.is_valid() else {}
        until = data.get("until") or today
        since = data.get("since") or until - dt.timedelta(days=29)
        return (since, until) if since <= until else (until, since)
