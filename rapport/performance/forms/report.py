"""Forms of the wrap report page: a new share link, and the campaign's spend setting."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rapport.performance.services.shares import DEFAULT_DAYS, MAX_DAYS
from rapport.workspaces.forms import ServiceErrorsMixin


class ShareForm(ServiceErrorsMixin, forms.Form):
    """How long a new read-only link stays open."""

    days = forms.IntegerField(
        label=_("Open for (days)"),
        min_value=1,
        max_value=MAX_DAYS,
        initial=DEFAULT_DAYS,
        help_text=_("After this, the link stops working; you can also revoke it at any time."),
    )


class SpendForm(forms.Form):
    """Whether seeded product counts as spend in this campaign's figures."""

    include = forms.BooleanField(label=_("Count seeded product in spend"), required=False)


class RecapForm(ServiceErrorsMixin, forms.Form):
    """The team's note in the creator's hub recap."""

    recap_note = forms.CharField(
        label=_("What we learned and what comes next"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("The creator reads this in the recap on their hub page, once they are live."),
    )
