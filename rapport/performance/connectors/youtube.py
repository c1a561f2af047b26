"""YouTube Data API v3 with an API key: video statistics and channel subscriber counts.

``videos.list?part=statistics`` takes up to 50 video ids per call (one quota unit for the lot)
and answers ``viewCount``, ``likeCount`` and ``commentCount`` as strings; a count the channel
hides (likes) or turned off (comments) is absent, so it stays unknown. A video that is removed
or private is simply not in ``items``. ``channels.list?part=statistics`` gives
``subscriberCount`` (absent when the channel hides it).

Errors come as ``{"error": {"code", "message", "errors": [{"reason", ...}]}}``; the key goes in
the ``X-Goog-Api-Key`` header so that no address ever carries it.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.performance.connectors.http import (
    Outcome,
    PlatformClient,
    Verdict,
    Wire,
    error_json,
    server_trouble,
)

API = "https://www.googleapis.com/youtube/v3/"
NAME = "YouTube"
BATCH = 50  # ids per videos.list call, the API's maximum
VIDEO_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
CHANNEL_ID = re.compile(r"^UC[A-Za-z0-9_-]{22}$")
# The daily quota starts again at midnight, Pacific time.
QUOTA_ZONE = zoneinfo.ZoneInfo("America/Los_Angeles")
# Statistics field → our metric.
STATISTICS = {"viewCount": "views", "likeCount": "likes", "commentCount": "comments"}

RATE_REASONS = {"rateLimitExceeded", "userRateLimitExceeded"}
KEY_REASONS = {"keyInvalid", "API_KEY_INVALID", "keyExpired", "API_KEY_EXPIRED"}
FORBIDDEN_REASONS = {
    "accessNotConfigured",
    "SERVICE_DISABLED",
    "forbidden",
    "ipRefererBlocked",
    "API_KEY_HTTP_REFERRER_BLOCKED",
    "API_KEY_IP_ADDRESS_BLOCKED",
    "API_KEY_SERVICE_BLOCKED",
}


def client(key: str, *, wire: Wire | None = None) -> PlatformClient:
    """A client that sends ``key`` in a header."""
    return PlatformClient(
        base_url=API,
        headers={"X-Goog-Api-Key": key},
        secrets=[key],
        classify=classify,
        platform=NAME,
        wire=wire,
    )


def video_id(url: str) -> str:
    """The video id in a YouTube address (watch, youtu.be, shorts, live, embed); "" if none."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.").removeprefix("m.")
    segments = [s for s in parts.path.split("/") if s]
    candidate = ""
    if host == "youtu.be" and segments:
        candidate = segments[0]
    elif host.endswith("youtube.com"):
        if segments[:1] == ["watch"]:
            candidate = (parse_qs(parts.query).get("v") or [""])[0]
        elif len(segments) > 1 and segments[0] in {"shorts", "live", "embed", "v"}:
            candidate = segments[1]
    return candidate if VIDEO_ID.match(candidate) else ""


def _reasons(error: dict[str, Any]) -> set[str]:
    reasons = {e.get("reason", "") for e in error.get("errors") or [] if isinstance(e, dict)}
    reasons |= {d.get("reason", "") for d in error.get("details") or [] if isinstance(d, dict)}
    return reasons - {""}


def next_quota_day() -> dt.datetime:
    """Midnight Pacific time after now: when a spent daily quota is back."""
    now = timezone.now().astimezone(QUOTA_ZONE)
    tomorrow = now.date() + dt.timedelta(days=1)
    return dt.datetime.combine(tomorrow, dt.time(0, 5), tzinfo=QUOTA_ZONE)


def classify(response: httpx.Response) -> Verdict:
    """Read a YouTube answer (see the module's docstring)."""
    if response.is_success:
        return Verdict(Outcome.OK)
    shared = server_trouble(response, NAME)
    if shared is not None:
        return shared
    error = error_json(response)
    reasons = _reasons(error)
    if "quotaExceeded" in reasons:
        return Verdict(
            Outcome.LIMITED,
            _(
                "The YouTube API key has used up today's quota; refreshing starts again after "
                "midnight, Pacific time."
            ),
            wait=next_quota_day() - timezone.now(),
        )
    if reasons & RATE_REASONS:
        return Verdict(
            Outcome.RETRY,
            _("YouTube asks to slow down (too many requests at once)."),
            rate_limit=True,
        )
    if reasons & KEY_REASONS or "API key not valid" in str(error.get("message", "")):
        return Verdict(
            Outcome.CREDENTIAL,
            _("YouTube refuses the API key: it is wrong, expired or deleted. Paste a valid key."),
        )
    if reasons & FORBIDDEN_REASONS or response.status_code == 403:
        return Verdict(
            Outcome.CREDENTIAL,
            _(
                "YouTube refuses this API key for the YouTube Data API v3: enable the API for "
                "the key's project and check the key's restrictions."
            ),
        )
    if response.status_code == 404:
        return Verdict(Outcome.ITEM, _("YouTube does not know this video or channel."))
    return Verdict(
        Outcome.FAILED,
        _("YouTube answered with an error (%(code)s).") % {"code": response.status_code},
    )


def _count(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def video_statistics(api: PlatformClient, ids: Sequence[str]) -> dict[str, dict[str, int | None]]:
    """The metrics of each video of ``ids`` (at most :data:`BATCH`) that YouTube shows; a video
    not in the answer (removed, private, wrong id) is not in the result."""
    if len(ids) > BATCH:
        raise ValueError(f"videos.list takes at most {BATCH} ids per call")
    body = api.get("videos", {"part": "statistics", "id": ",".join(ids), "maxResults": BATCH})
    found: dict[str, dict[str, int | None]] = {}
    for item in body.get("items") or []:
        statistics = item.get("statistics") or {}
        found[str(item.get("id"))] = {
            metric: _count(statistics.get(name)) for name, metric in STATISTICS.items()
        }
    return found


def channel_subscribers(
    api: PlatformClient, *, handle: str = "", channel_id: str = ""
) -> int | None:
    """The channel's subscriber count (by its id, else its handle); ``None`` when YouTube does
    not show it (hidden, or no such channel)."""
    if channel_id:
        params = {"part": "statistics", "id": channel_id}
    else:
        params = {"part": "statistics", "forHandle": "@" + handle.lstrip("@")}
    body = api.get("channels", params)
    for item in body.get("items") or []:
        statistics = item.get("statistics") or {}
        if statistics.get("hiddenSubscriberCount"):
            return None
        return _count(statistics.get("subscriberCount"))
    return None


def channel_id_in(url: str) -> str:
    """The channel id in a ``youtube.com/channel/UC…`` address; "" otherwise."""
    segments = [s for s in urlsplit(url).path.split("/") if s]
    if len(segments) > 1 and segments[0] == "channel" and CHANNEL_ID.match(segments[1]):
        return segments[1]
    return ""


def check(api: PlatformClient) -> str:
    """One cheap call (one quota unit) that only a working key answers; what it showed."""
    body = api.get("i18nRegions", {"part": "snippet", "hl": "en_US"})
    return _("The key works: YouTube answered (%(n)s regions listed).") % {
        "n": len(body.get("items") or [])
    }
