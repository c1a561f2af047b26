"""Reads for the hub's messages: the conversation with the team and who answers it."""

from __future__ import annotations

from django.db.models import QuerySet

from rapport.campaigns.models import Collaboration, Question
from rapport.campaigns.services.sla import policy_value
from rapport.workspaces.models import User, Workspace


def conversation(collaboration: Collaboration) -> QuerySet[Question]:
    """The creator's messages on this collaboration with the team's answers, oldest first (the
    newest last, as in any chat)."""
    return (
        Question.objects.filter(collaboration=collaboration)
        .select_related("answered_by")
        .order_by("received_at", "id")
    )


def first_name(user: User | None) -> str:
    """What the hub calls the contact ("Message Maya"); '' when there is no one named yet."""
    return user.display_name.split()[0] if user is not None else ""


def answer_days(workspace: Workspace) -> int:
    """The first-response promise, in business days, from the workspace's service levels."""
    return policy_value(workspace, "first_response_business_days")
