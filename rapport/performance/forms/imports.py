"""The figures file upload form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class MetricFileForm(forms.Form):
    """A CSV or XLSX file of posts' figures."""

    file = forms.FileField(
        label=_("Figures file (CSV or XLSX)"),
        help_text=_(
            "post_url, collection_date, then any of reach, impressions, views, likes, comments, "
            "shares, saves, clicks, watch_time_seconds, and note; at most 5 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx"}),
    )
