"""The workspace's business calendar: working days on its country's public holidays.

Service-level deadlines are counted here and nowhere else. A deadline of *n* business days keeps
the local clock time of its start and moves forward *n* working days; a start on a weekend or a
holiday counts from the beginning of the next working day. Local means the workspace's time zone
(or a creator's, for the final-approval buffer); every result is an aware UTC datetime, so a
daylight-saving change in between moves nothing on the wall clock.
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo

import holidays
from django.utils import formats

UTC = dt.UTC


@functools.cache
def _holidays(country: str, year: int) -> frozenset[dt.date]:
    try:
        calendar = holidays.country_holidays(country, years=year)
    except NotImplementedError:
        return frozenset()
    return frozenset(calendar.keys())


def is_business_day(day: dt.date, country: str) -> bool:
    """Monday to Friday, and not a public holiday in ``country``."""
    return day.weekday() < 5 and day not in _holidays(country, day.year)


def holiday_name(day: dt.date, country: str) -> str:
    """The holiday's name on ``day`` in ``country``, or ''."""
    try:
        return holidays.country_holidays(country, years=day.year).get(day) or ""
    except NotImplementedError:
        return ""


def zone(name: str) -> zoneinfo.ZoneInfo:
    """The time zone called ``name``; UTC when it is empty or unknown."""
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def local_text(value: dt.datetime, time_zone: str) -> str:
    """``value`` on the clock of ``time_zone``, with the zone's name, as e-mails and the audit log
    write it: "Mon 23 Nov 2026, 06:00 EST"."""
    return formats.date_format(value.astimezone(zone(time_zone)), "D j M Y, H:i T")


def _at(day: dt.date, clock: dt.time, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    """``clock`` on ``day`` in ``tz``, in UTC. A wall time skipped by a daylight-saving jump
    (02:30 on the spring-forward night) is read with the offset before the jump, i.e. one hour
    later on the new clock; a repeated one (autumn) is its first occurrence unless ``clock``
    says otherwise (its ``fold``)."""
    return dt.datetime.combine(day, clock, tzinfo=tz).astimezone(UTC)


def _step(day: dt.date, days: int, country: str) -> dt.date:
    """``days`` business days after (or, when negative, before) ``day``."""
    direction = 1 if days >= 0 else -1
    remaining = abs(days)
    while remaining:
        day += dt.timedelta(days=direction)
        if is_business_day(day, country):
            remaining -= 1
    return day


def add_business_days(start: dt.datetime, days: int, *, country: str, tz: str) -> dt.datetime:
    """The moment ``days`` business days after ``start``, in UTC.

    A start outside working days (a Saturday, a holiday) counts from 00:00 on the next working day.
    """
    local_zone = zone(tz)
    local = start.astimezone(local_zone)
    day, clock = local.date(), local.timetz().replace(tzinfo=None)
    if not is_business_day(day, country):
        while not is_business_day(day, country):
            day += dt.timedelta(days=1)
        clock = dt.time(0, 0)
    return _at(_step(day, days, country), clock, local_zone)


def subtract_business_days(moment: dt.datetime, days: int, *, country: str, tz: str) -> dt.datetime:
    """The moment ``days`` business days before ``moment``, same local clock time, in UTC.

    A moment outside working days steps back from its own date (posting on Sunday with a buffer of
    two means approval by Thursday).
    """
    local_zone = zone(tz)
    local = moment.astimezone(local_zone)
    day = _step(local.date(), -days, country)
    return _at(day, local.timetz().replace(tzinfo=None), local_zone)


def add_hours(start: dt.datetime, hours: int) -> dt.datetime:
    """Clock hours (shipping confirmation counts every hour, weekends included).

    Added in UTC: Python adds to an aware local time on the wall clock, which would make the 24
    hours across a daylight-saving change 23 or 25 real hours."""
    return start.astimezone(UTC) + dt.timedelta(hours=hours)


def add_calendar_days(start: dt.datetime, days: int, *, tz: str = "UTC") -> dt.datetime:
    """Calendar days (payment terms such as Net 15), weekends and holidays included, keeping the
    local clock time in ``tz`` (Net 15 across a daylight-saving change is still due at 17:00)."""
    local_zone = zone(tz)
    local = start.astimezone(local_zone)
    return _at(
        local.date() + dt.timedelta(days=days), local.timetz().replace(tzinfo=None), local_zone
    )
