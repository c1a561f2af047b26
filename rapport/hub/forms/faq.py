"""The FAQ editor's form; ``services/faq.py`` decides and writes."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from rapport.hub.models import FaqEntry, FaqTopic
from rapport.hub.services.faq import QUESTION_MAX


class FaqEntryForm(forms.Form):
    topic = forms.ChoiceField(label=gettext_lazy("Topic"), choices=FaqTopic.choices)
    question = forms.CharField(label=gettext_lazy("Question"), max_length=QUESTION_MAX)
    answer = forms.CharField(
        label=gettext_lazy("Answer"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("Plain text; line breaks are kept."),
    )

    @classmethod
    def for_entry(cls, entry: FaqEntry) -> FaqEntryForm:
        return cls(
            initial={"topic": entry.topic, "question": entry.question, "answer": entry.answer}
        )
