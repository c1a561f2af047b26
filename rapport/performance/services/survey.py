"""The creator's short survey after a collaboration (PRODUCT.md "Relationship health").

It opens on the hub once the collaboration is reported, paid or closed, and is answered once:
the answer lands on the creator's and the campaign's timelines and the creator's contact is told.
Answering again changes nothing.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.campaigns.models import Collaboration
from rapport.campaigns.services.collaborations import record_on_timelines
from rapport.finance.queries import WRAPPED
from rapport.hub.services.team import for_the_team, tell_owner
from rapport.performance.models import SurveyResponse

COMMENT_LENGTH = 2_000
SATISFACTION = range(1, 6)


def survey_open(collaboration: Collaboration) -> bool:
    """Whether the survey can be answered: the collaboration reached its wrap (reported, paid
    or closed). Whether it was answered already is :func:`answer_of`'s business."""
    return collaboration.stage in WRAPPED


def answer_of(collaboration: Collaboration) -> SurveyResponse | None:
    """The creator's answer to this collaboration's survey, once given."""
    return SurveyResponse.objects.filter(collaboration=collaboration).first()


def _check(satisfaction: object, comment: str) -> tuple[int, str]:
    try:
        score = int(str(satisfaction))
    except ValueError:
        score = 0
    if score not in SATISFACTION:
        raise ValidationError(
            {"satisfaction": _("Choose how working with us went, from 1 (poor) to 5 (great).")}
        )
    comment = comment.strip()
    if len(comment) > COMMENT_LENGTH:
        raise ValidationError(
            {
                "comment": _(
                    "Your comment is %(length)s characters long; keep it to %(max)s or fewer."
                )
                % {"length": len(comment), "max": COMMENT_LENGTH}
            }
        )
    return score, comment


@for_the_team
@transaction.atomic
def answer_survey(
    *,
    collaboration: Collaboration,
    satisfaction: int | str,
    would_work_again: bool | None = None,
    open_to_new_formats: bool | None = None,
    comment: str = "",
) -> tuple[SurveyResponse, bool]:
    """Keep the creator's answer to the survey of ``collaboration``; returns it and whether it
    is new. Refused before the wrap (``survey``) or with a satisfaction outside 1 to 5. A second
    answer changes nothing: the first is returned with ``False``."""
    if not survey_open(collaboration):
        raise ValidationError(
            {
                "survey": _(
                    "The survey opens once the collaboration's results are reported; it is "
                    "%(stage)s for now."
                )
                % {"stage": collaboration.get_stage_display()}
            }
        )
    score, comment = _check(satisfaction, comment)
    # Lock the collaboration so two answers arriving together cannot both be kept.
    Collaboration.objects.select_for_update().filter(pk=collaboration.pk).first()
    existing = answer_of(collaboration)
    if existing is not None:
        return existing, False
    response = SurveyResponse.objects.create(
        workspace=collaboration.workspace,
        collaboration=collaboration,
        satisfaction=score,
        would_work_again=would_work_again,
        open_to_new_formats=open_to_new_formats,
        comment=comment,
        answered_at=timezone.now(),
    )

    def said() -> str:
        return _("%(creator)s answered the survey: satisfaction %(score)s out of 5") % {
            "creator": collaboration.creator.name,
            "score": score,
        }

    record_on_timelines(
        collaboration, actor=None, kind="survey.answered", summary=said(), obj=response
    )
    tell_owner(collaboration, said)
    return response, True
