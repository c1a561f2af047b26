"""The hub's satisfaction survey form; ``services/survey.py`` decides and writes."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rapport.performance.services.survey import COMMENT_LENGTH

YES_NO = [("yes", _("Yes")), ("no", _("No")), ("", _("Not sure"))]


def yes_no(value: str) -> bool | None:
    """A yes / no / not sure answer as True, False or None."""
    return {"yes": True, "no": False}.get(value)


class SurveyForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label=_("How was working with us?"),
        help_text=_("1 is poor, 5 is great."),
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose how working with us went, from 1 (poor) to 5 (great).")
        },
    )
    would_work_again = forms.TypedChoiceField(
        label=_("Would you work with us again?"),
        choices=YES_NO,
        coerce=yes_no,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    open_to_new_formats = forms.TypedChoiceField(
        label=_("Would you be open to trying new formats with us?"),
        choices=YES_NO,
        coerce=yes_no,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Anything we should do better?"),
        required=False,
        max_length=COMMENT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
