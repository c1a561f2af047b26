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
from rapport.performance.queries.snapshots import LATEST_ORDER
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
    """A collection date between the day the post went live and today (in the workspace's time
    zone)."""
    if collected_on is None:
        raise ValidationError({"collected_on": _("Say on which date the figures were read.")})
    zone = _zone(post)
    today = timezone.localdate(timezone=zone)
    if collected_on > today:
        raise ValidationError(
            {"collected_on": _("The collection date cannot be later than today.")}
        )
    if post.posted_at is not None:
        posted_on = timezone.localtime(post.posted_at, zone).date()
        if collected_on < posted_on:
            raise ValidationError(
                {
                    "collected_on": _(
                        "The post went live on %(date)s: figures cannot be read before that."
                    )
                    % {"date": posted_on.isoformat()}
                }
            )
    return collected_on


def _check_reach(figures: dict[str, int | None], given: set[str]) -> None:
    """Impressions count every showing and reach every person, so reach cannot be larger."""
    reach, impressions = figures["reach"], figures["impressions"]
    if reach is None or impressions is None or reach <= impressions:
        return
    field = "impressions" if "impressions" in given else "reach"
    raise ValidationError(
        {
            field: _(
                "Reach (%(reach)s people) cannot be larger than impressions (%(impressions)s "
                "showings): each person seen counts at least one impression."
            )
            % {"reach": reach, "impressions": impressions}
        }
    )


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
    new. Recording the same post, date and source again replaces that snapshot's figures. A
    figure left blank takes the value of the post's reading before this one (collected on or
    before the same date), named in ``carried``: a reading of views alone does not make the
    reach unknown again.

    Raises ``ValidationError`` naming the field and why; nothing is stored then."""
    if source not in MetricSource.values:
        raise ValidationError({"source": _("Unknown source.")})
    figures = clean_metrics(values)
    given = {name for name, value in figures.items() if value is not None}
    day = clean_collected_on(post, collected_on)
    before = (
        post.snapshots.filter(collected_on__lte=day)
        .exclude(collected_on=day, source=source)
        .order_by(*LATEST_ORDER)
        .first()
    )
    carried = [
        name
        for name in METRICS
        if name not in given and before is not None and getattr(before, name) is not None
    ]
    for name in carried:
        figures[name] = getattr(before, name)
    _check_reach(figures, given)
    snapshot, created = MetricSnapshot.objects.select_for_update().get_or_create(
        post=post,
        collected_on=day,
        source=source,
        defaults={"workspace_id": post.workspace_id, "recorded_at": timezone.now()},
    )
    for name, value in figures.items():
        setattr(snapshot, name, value)
    snapshot.carried = carried
    snapshot.note = note.strip()
    snapshot.recorded_at = timezone.now()
    snapshot.recorded_by = actor
    snapshot.save()
    return snapshot, created
