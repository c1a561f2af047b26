"""Messages a creator sends their contact from the hub.

A message is a :class:`~rapport.campaigns.models.Question`: ``receive_question`` logs it, starts
the first-response clock and puts it on the timelines; this adds the length rules, the guard
against a double tap, and the contact's notification (``receive_question`` sends none).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.campaigns.models import Collaboration, Question
from rapport.campaigns.services.collaborations import receive_question
from rapport.hub.services.team import for_the_team, tell_owner

MAX_LENGTH = 5_000
#: The same message again within this time is a double tap, not a second message.
DOUBLE_TAP = dt.timedelta(minutes=1)


def check_body(body: str) -> str:
    """The message as it will be kept (trimmed); refused when empty or too long."""
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Write your message.")})
    if len(body) > MAX_LENGTH:
        raise ValidationError(
            {
                "body": _(
                    "Your message is %(length)s characters long; keep it to %(max)s or fewer."
                )
                % {"length": len(body), "max": MAX_LENGTH}
            }
        )
    return body


@for_the_team
@transaction.atomic
def send_message(
    *, collaboration: Collaboration, body: str, is_clarification: bool = False
) -> Question:
    """The creator's message to their contact, sent from the hub: logged as a question (which
    starts the first-response clock and lands on the timelines) and notified to the contact.
    The same message sent again within a minute returns the first one instead of a copy."""
    body = check_body(body)
    # Lock the collaboration so two taps arriving together cannot both pass the check below.
    Collaboration.objects.select_for_update().filter(pk=collaboration.pk).first()
    repeat = (
        Question.objects.filter(
            collaboration=collaboration,
            body=body,
            received_at__gte=timezone.now() - DOUBLE_TAP,
        )
        .order_by("-received_at")
        .first()
    )
    if repeat is not None:
        return repeat
    question = receive_question(
        collaboration=collaboration, body=body, actor=None, is_clarification=is_clarification
    )
    tell_owner(
        collaboration,
        lambda: (
            _("%(creator)s sent a message: %(body)s")
            % {"creator": collaboration.creator.name, "body": body[:200]}
        ),
    )
    return question
