"""The creator's time zone, confirmed on the hub: every date there is shown in it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from rapport.creators.models import Creator
from rapport.creators.services import update_creator
from rapport.hub.services.team import for_the_team


@for_the_team
def confirm_time_zone(*, creator: Creator, time_zone: str) -> Creator:
    """Store the time zone the creator confirmed (checked, and audited, by
    :func:`rapport.creators.services.update_creator`)."""
    if not (time_zone or "").strip():
        raise ValidationError({"time_zone": _("Choose your time zone.")})
    return update_creator(creator=creator, actor=None, time_zone=time_zone)
