"""The hub's satisfaction survey: shown once the collaboration is reported, paid or closed, until
the creator answers it; then a thank-you with their answer."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.urls import URLPattern, path
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from rapport.hub.context import Hub, request_hub
from rapport.hub.decorators import hub_action
from rapport.hub.views.rerender import add_errors, bound_form, page_with_errors
from rapport.performance.forms.survey import SurveyForm
from rapport.performance.services.survey import answer_of, answer_survey, survey_open

PREFIX = "survey"


def section(request: HttpRequest, hub: Hub) -> dict[str, Any]:
    """The context of templates/hub/sections/survey.html (keys start with ``survey_``)."""
    if not survey_open(hub.collaboration):
        return {"survey_open": False}
    answer = answer_of(hub.collaboration)
    return {
        "survey_open": True,
        "survey_answer": answer,
        "survey_form": None
        if answer is not None
        else bound_form(request, PREFIX) or SurveyForm(prefix=PREFIX),
        "survey_url": hub.url("survey_answer"),
    }


@hub_action
def answer(request: HttpRequest) -> HttpResponseBase:
    """The creator answers the survey. Answering again keeps the first answer and says so."""
    hub = request_hub(request)
    form = SurveyForm(request.POST, prefix=PREFIX)
    if form.is_valid():
        try:
            response, created = answer_survey(collaboration=hub.collaboration, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if created:
                messages.success(request, _("Thank you: your answers reached the team."))
            else:
                when = timezone.localtime(response.answered_at)
                messages.info(
                    request,
                    _(
                        "You already answered this survey on %(date)s; your first answers are "
                        "kept and nothing changed."
                    )
                    % {"date": formats.date_format(when, "j F Y")},
                )
            return redirect(hub.url("page") + "#survey")
    return page_with_errors(request, hub, {PREFIX: form}, section="survey")


urls: list[URLPattern] = [
    path("<str:token>/survey/", answer, name="survey_answer"),
]
