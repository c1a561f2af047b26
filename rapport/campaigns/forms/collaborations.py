"""Forms of the collaboration pages: stage, owner, note, questions, invitations."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rapport.campaigns.models import CollabStage
from rapport.campaigns.services.collaborations import allowed_next
from rapport.workspaces.models import User


class StageForm(forms.Form):
    """Move a collaboration to one of the stages its lifecycle allows next."""

    stage = forms.ChoiceField(label=_("Move to"))
    reason = forms.CharField(
        label=_("Why"),
        required=False,
        max_length=500,
        help_text=_("Needed to decline or cancel."),
    )

    def __init__(self, *args: Any, current: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        stage = self.fields["stage"]
        assert isinstance(stage, forms.ChoiceField)
        stage.choices = [(s, CollabStage(s).label) for s in allowed_next(current)]


class OwnerForm(forms.Form):
    owner = forms.ModelChoiceField(
        label=_("Owner"), queryset=User.objects.none(), required=False, empty_label=_("Nobody")
    )

    def __init__(self, *args: Any, owners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note for this creator"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown to this creator with the brief; the brief itself stays shared."),
    )


class QuestionForm(forms.Form):
    body = forms.CharField(
        label=_("The creator's question"), widget=forms.Textarea(attrs={"rows": 3})
    )
    received_at = forms.DateTimeField(
        label=_("Received at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("In your time zone; leave empty for now."),
    )
    is_clarification = forms.BooleanField(label=_("Asks to clarify the brief"), required=False)


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 2}))


class InviteForm(forms.Form):
    """The creators ticked for the campaign, and the reason to go ahead despite warnings."""

    ids = forms.CharField(required=False)
    reason = forms.CharField(
        label=_("Reason to invite despite the warnings"), required=False, max_length=300
    )

    def creator_ids(self) -> list[int]:
        raw = self.data.getlist("ids") if hasattr(self.data, "getlist") else []
        return [int(p) for v in raw for p in str(v).split(",") if p.strip().isdigit()]
