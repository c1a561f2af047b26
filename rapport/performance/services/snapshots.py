"""Recording what a post showed: the one way a :class:`MetricSnapshot` is written.

The collection form (team and hub), the file import and the platform connectors all call
:func:`record_snapshot`. A snapshot is one post, one collection date and one source: recording the
same date and source again updates it (so re-importing a file or refreshing twice a day adds
nothing), while the team's, the creator's and the API's figures for the same day sit side by
side and the most recently recorded one is the post's latest.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.performance.models import METRICS, MetricSnapshot, MetricSource, Post
from rapport.workspaces.models import User

# No platform counts this high for one post; a bigger figure is a typo or a pasted id.
MAX_COUNT = 10**13


def clean_metrics(values: Mapping[str, Any]) -> dict[str, int | None]:
    """The metric figures of ``values`` as whole numbers, zero or more (blank means unknown).

    Raises ``ValidationError({metric: why})`` naming every bad figure, and one on ``__all__``
    when no figure at all is given."""
    cleaned: dict[str, int | None] = {}
    errors: dict[str, str] = {}
    for name in METRICS:
        raw = values.get(name)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            cleaned[name] = None
            continue
        text = str(raw).strip().replace(",", "").replace("\u202f", "").replace("\xa0", "")
        text = text.replace(" ", "")
        try:
            number = int(text) if not isinstance(raw, float) else int(raw)
            if isinstance(raw, float) and raw != number:
                raise ValueError
        except ValueError:
            errors[name] = _("“%(value)s” is not a whole number.") % {"value": raw}
            continue
        if number < 0:
            errors[name] = _("A count cannot be negative.")
        elif number >= MAX_COUNT:
            errors[name] = _("%(value)s is far larger than any post reaches.") % {"value": raw}
        else:
            cleaned[name] = number
    if errors:
        raise ValidationError(errors)
    if all(value is None for value in cleaned.values()):
        raise ValidationError({"__all__": _("Enter at least one figure.")})
    return cleaned


def clean_collected_on(post: Post, collected_on: dt.date | None) -> dt.date:
    """A collection date that is not in the future (in the workspace's time zone)."""
    if collected_on is None:
        raise ValidationError({"collected_on": _("Say on which date the figures were read.")})
    today = timezone.localdate(timezone=_zone(post))
    if collected_on > today:
        raise ValidationError(
            {"collected_on": _("The collection date cannot be later than today.")}
        )
    return collected_on


def _zone(post: Post) -> Any:
    import zoneinfo

    return zoneinfo.ZoneInfo(post.workspace.time_zone or "UTC")


@transaction.atomic
def record_snapshot(
    *,
    post: Post,
    collected_on: dt.date | None,
    source: str,
    values: Mapping[str, Any],
    actor: User | None,
    note: str = "",
) -> tuple[MetricSnapshot, bool]:
    """Store ``values`` (metric name → count; blank or missing means unknown) as what ``post``
    showed on ``collected_on`` according to ``source``; returns the snapshot and whether it was
    new. Recording the same post, date and source again replaces that snapshot's figures.

    Raises ``ValidationError`` naming the field and why; nothing is stored then."""
    if source not in MetricSource.values:
        raise ValidationError({"source": _("Unknown source.")})
    figures = clean_metrics(values)
    day = clean_collected_on(post, collected_on)
    snapshot, created = MetricSnapshot.objects.select_for_update().get_or_create(
        post=post,
        collected_on=day,
        source=source,
        defaults={"workspace_id": post.workspace_id, "recorded_at": timezone.now()},
    )
    for name, value in figures.items():
        setattr(snapshot, name, value)
    snapshot.note = note.strip()
    snapshot.recorded_at = timezone.now()
    snapshot.recorded_by = actor
    snapshot.save()
    return snapshot, created
