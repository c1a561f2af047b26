"""Forms of reviews: a submission (a file or a link) and a decision."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rapport.campaigns.models import ApprovalStage, Verdict
from rapport.campaigns.services.reviews import ACCEPTED_EXTENSIONS, MAX_UPLOAD_BYTES

RATINGS = [
    ("", _("No rating")),
    ("5", _("5: excellent")),
    ("4", _("4: good")),
    ("3", _("3: fair")),
    ("2", _("2: weak")),
    ("1", _("1: poor")),
]


class SubmissionForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"))
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_(
            "An image (JPEG, PNG, GIF, WebP, HEIC), a video (MP4, MOV, WebM, MKV), a PDF, a "
            "Word, Excel or PowerPoint document (.docx, .xlsx, .pptx) or a text file, up to "
            "%(mb)s MB."
        )
        % {"mb": MAX_UPLOAD_BYTES // 2**20},
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ACCEPTED_EXTENSIONS)}),
    )
    link = forms.CharField(
        label=_("Or a link"),
        required=False,
        max_length=500,
        help_text=_("A shared drive, a private video, a draft post."),
        widget=forms.URLInput,
    )
    note = forms.CharField(
        label=_("Note for the reviewer"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, stages: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["stage"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(s, ApprovalStage(s).label) for s in stages if s in ApprovalStage.values]


class DecisionForm(forms.Form):
    verdict = forms.ChoiceField(
        label=_("Decision"), choices=Verdict.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Notes for the creator"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when you request changes."),
    )
    rating = forms.TypedChoiceField(
        label=_("Content quality"),
        choices=RATINGS,
        required=False,
        coerce=int,
        empty_value=None,
    )
