"""How the hub speaks to the team: in the team's language, to the creator's one contact.

A hub request runs in the creator's language, so that the page and its error messages are theirs.
What a hub action writes for the team (timeline entries, notifications) must be in the team's
language instead: :func:`for_the_team` runs a hub service that way.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from rapport.campaigns.models import Collaboration
from rapport.hub.queries.terms import contact_of
from rapport.workspaces.models import User
from rapport.workspaces.services import notify

P = ParamSpec("P")
R = TypeVar("R")


def team_language(collaboration: Collaboration | None) -> str:
    """The language the team reads about this collaboration in: its contact's, else the site's."""
    contact = contact_of(collaboration) if collaboration is not None else None
    return (contact.language if contact else "") or str(settings.LANGUAGE_CODE)


def for_the_team(service: Callable[P, R]) -> Callable[P, R]:
    """Run a hub service (its ``collaboration`` keyword names the collaboration) in the team's
    language. A refusal changes nothing (services are atomic), so a refused call is made once
    more in the creator's language: the creator reads the reasons in their own words."""

    @functools.wraps(service)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        collaboration: Any = kwargs.get("collaboration")
        language = team_language(collaboration)
        if language == translation.get_language():
            return service(*args, **kwargs)
        try:
            with translation.override(language):
                return service(*args, **kwargs)
        except ValidationError:
            return service(*args, **kwargs)

    return wrapped


def tell_members(
    collaboration: Collaboration,
    members: Iterable[User],
    compose: Callable[[], str],
    *,
    url: str = "",
) -> None:
    """Notify each active member of a hub action, in their own language (``compose`` writes the
    text). The link defaults to the collaboration page."""
    url = url or reverse(
        "campaigns:collaboration",
        kwargs={"ws": collaboration.workspace.slug, "pk": collaboration.pk},
    )
    for member in members:
        if not member.is_active:
            continue
        with translation.override(member.language or None):
            text = compose()
        notify(workspace=collaboration.workspace, recipients=[member], text=text, url=url)


def tell_owner(
    collaboration: Collaboration,
    compose: Callable[[], str],
    *,
    url: str = "",
    unless: User | None = None,
) -> None:
    """Notify the creator's one contact (the collaboration's owner, else the campaign's) of a hub
    action, unless they are ``unless`` (someone the action already notified)."""
    owner = contact_of(collaboration)
    if owner is not None and owner != unless:
        tell_members(collaboration, [owner], compose, url=url)
