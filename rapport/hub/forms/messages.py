"""The hub's message form; ``services/messages.py`` decides and writes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext, gettext_lazy

from rapport.hub.services.messages import MAX_LENGTH


class MessageForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Your message"),
        max_length=MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": gettext_lazy("Write your message."),
            "max_length": gettext_lazy(
                "Keep your message to %(limit_value)d characters (it has %(show_value)d)."
            ),
        },
    )
    is_clarification = forms.BooleanField(
        label=gettext_lazy("This is about something in the brief I need clarified"),
        required=False,
    )

    def __init__(self, *args: Any, contact: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if contact:
            self.fields["body"].label = gettext("Message %(name)s") % {"name": contact}
