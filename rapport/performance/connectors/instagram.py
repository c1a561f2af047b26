"""Instagram Graph API with an access token: media insights and business account followers.

- ``GET /{ig-media-id}/insights?metric=...`` answers ``{"data": [{"name", "values": [{"value"}]}
  ...]}`` (newer versions may give ``total_value``). ``impressions`` is only asked for media
  posted before 2 July 2024 (the API refuses it for later media); a metric the media type does
  not support (a story has no likes) makes the whole call fail with code 100, so a smaller set
  is tried next.
- ``GET /{ig-user-id}?fields=followers_count`` for the connected account;
  ``business_discovery.username(...)`` for another public business or creator account.
- A post's address carries a shortcode (``/p/<code>/``, ``/reel/<code>/``), not the numeric
  media id insights need: it is found by listing the connected account's media.

Errors come as ``{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}``: codes
4, 17, 32, 613 and 80001-80009 are rate limits (``X-Business-Use-Case-Usage`` tells how many
minutes until access is back), 190 is an expired or revoked token. The token goes in the
``Authorization`` header; the ``next`` page addresses the API hands back carry it as
``access_token``, which is removed before following them.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

import httpx
from django.utils.translation import gettext as _

from rapport.performance.connectors.http import (
    ItemProblem,
    Outcome,
    PlatformClient,
    Verdict,
    Wire,
    error_json,
    server_trouble,
)

VERSION = "v23.0"
API = f"https://graph.facebook.com/{VERSION}/"
NAME = "Instagram"
SHORTCODE = re.compile(r"^[A-Za-z0-9_-]{5,40}$")
MEDIA_ID = re.compile(r"^\d{5,30}$")
RATE_CODES = {4, 17, 32, 613} | set(range(80001, 80010))
TOKEN_CODES = {102, 190}
PERMISSION_CODES = {10} | set(range(200, 300))
# Media from this day on no longer report impressions.
NO_IMPRESSIONS_FROM = dt.datetime(2024, 7, 2, tzinfo=dt.UTC)
# Insights metric → our metric.
INSIGHTS = {
    "impressions": "impressions",
    "reach": "reach",
    "views": "views",
    "likes": "likes",
    "comments": "comments",
    "shares": "shares",
    "saved": "saves",
}
FEED = ("reach", "views", "likes", "comments", "shares", "saved")
STORY = ("reach", "views", "shares")
UNSUPPORTED_METRIC = "unsupported_metric"
MAX_MEDIA_PAGES = 10  # 100 media a page: the account's last thousand posts


def client(token: str, *, wire: Wire | None = None) -> PlatformClient:
    """A client that sends ``token`` in the Authorization header."""
    return PlatformClient(
        base_url=API,
        headers={"Authorization": f"Bearer {token}"},
        secrets=[token],
        classify=classify,
        platform=NAME,
        wire=wire,
    )


def shortcode(url: str) -> str:
    """The shortcode in an Instagram post address (``/p/``, ``/reel/``, ``/tv/``); "" if none."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.")
    if host not in {"instagram.com", "instagr.am"}:
        return ""
    segments = [s for s in parts.path.split("/") if s]
    for index, segment in enumerate(segments[:-1]):
        if segment in {"p", "reel", "reels", "tv"} and SHORTCODE.match(segments[index + 1]):
            return segments[index + 1]
    return ""


def is_media_id(value: str) -> bool:
    return bool(MEDIA_ID.match(value))


def _regain_wait(response: httpx.Response) -> dt.timedelta | None:
    """The longest ``estimated_time_to_regain_access`` (minutes) in the usage header."""
    raw = response.headers.get("X-Business-Use-Case-Usage", "")
    try:
        usage = json.loads(raw) if raw else {}
    except ValueError:
        return None
    minutes = [
        int(entry.get("estimated_time_to_regain_access") or 0)
        for entries in (usage.values() if isinstance(usage, dict) else [])
        for entry in (entries if isinstance(entries, list) else [])
        if isinstance(entry, dict)
    ]
    longest = max(minutes, default=0)
    return dt.timedelta(minutes=longest) if longest else None


def classify(response: httpx.Response) -> Verdict:
    """Read a Graph API answer (see the module's docstring)."""
    error = error_json(response)
    if response.is_success and not error:
        return Verdict(Outcome.OK)
    code = error.get("code")
    message = str(error.get("message", ""))
    if code in RATE_CODES:
        return Verdict(
            Outcome.RETRY,
            _("Instagram asks to slow down (rate limit reached)."),
            wait=_regain_wait(response),
            rate_limit=True,
        )
    if code in TOKEN_CODES:
        return Verdict(
            Outcome.CREDENTIAL,
            _(
                "Instagram refuses the access token: it expired or was revoked. Create a new "
                "token and paste it on the connections page."
            ),
        )
    if code in PERMISSION_CODES and "Not enough viewers" in message:
        return Verdict(
            Outcome.ITEM, _("Instagram shows no insights for this post yet: too few viewers.")
        )
    if code in PERMISSION_CODES:
        return Verdict(
            Outcome.ITEM,
            _(
                "The connected Instagram account may not read this: the post belongs to another "
                "account, or the token lacks the insights permission."
            ),
        )
    if code == 100 and error.get("error_subcode") == 33:
        return Verdict(
            Outcome.ITEM,
            _("Instagram does not know this post: it was deleted, or is on another account."),
        )
    if code == 100 and "metric" in message.lower():
        return Verdict(
            Outcome.ITEM,
            _("Instagram does not report these figures for this post."),
            reason=UNSUPPORTED_METRIC,
        )
    if code in {1, 2}:
        return Verdict(Outcome.RETRY, _("Instagram is temporarily unavailable."))
    shared = server_trouble(response, NAME)
    if shared is not None:
        return shared
    return Verdict(
        Outcome.FAILED,
        _("Instagram answered with an error (%(code)s).") % {"code": code or response.status_code},
    )


def _value(entry: dict[str, Any]) -> int | None:
    total = entry.get("total_value")
    if isinstance(total, dict) and "value" in total:
        raw = total["value"]
    else:
        values = entry.get("values") or [{}]
        raw = values[-1].get("value") if isinstance(values[-1], dict) else None
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


def metric_sets(posted_at: dt.datetime | None) -> list[Sequence[str]]:
    """The metric lists to try, richest first."""
    sets: list[Sequence[str]] = [FEED, STORY]
    if posted_at is not None and posted_at < NO_IMPRESSIONS_FROM:
        sets.insert(0, ("impressions", *FEED))
    return sets


def media_insights(
    api: PlatformClient, media_id: str, *, posted_at: dt.datetime | None = None
) -> dict[str, int | None]:
    """The media's metrics (unknown ones ``None``), trying smaller metric sets when the media
    type refuses some."""
    sets = metric_sets(posted_at)
    for index, metrics in enumerate(sets):
        try:
            body = api.get(f"{media_id}/insights", {"metric": ",".join(metrics)})
        except ItemProblem as exc:
            if exc.reason == UNSUPPORTED_METRIC and index < len(sets) - 1:
                continue
            raise
        figures: dict[str, int | None] = {}
        for entry in body.get("data") or []:
            metric = INSIGHTS.get(str(entry.get("name")))
            if metric:
                figures[metric] = _value(entry)
        return figures
    raise AssertionError("the last metric set returns or raises")


def find_media_id(api: PlatformClient, account_id: str, code: str) -> str:
    """The numeric id of the account's media with shortcode ``code`` ("" when not among its
    last :data:`MAX_MEDIA_PAGES` pages)."""
    url: str = f"{account_id}/media"
    params: dict[str, Any] | None = {"fields": "id,shortcode,permalink", "limit": 100}
    for _page in range(MAX_MEDIA_PAGES):
        body = api.get(url, params)
        for media in body.get("data") or []:
            permalink = str(media.get("permalink") or "")
            if media.get("shortcode") == code or f"/{code}/" in permalink:
                return str(media.get("id"))
        following = (body.get("paging") or {}).get("next")
        if not following:
            return ""
        # The address carries the cursor, and the token: the header sends the token.
        url, params = str(httpx.URL(following).copy_remove_param("access_token")), None
    return ""


def account_followers(api: PlatformClient, account_id: str) -> tuple[str, int | None]:
    """The connected account's username and followers."""
    body = api.get(account_id, {"fields": "username,followers_count"})
    count = body.get("followers_count")
    return str(body.get("username") or ""), int(count) if count is not None else None


def business_followers(api: PlatformClient, account_id: str, username: str) -> int | None:
    """Followers of another public business or creator account, seen from ``account_id``."""
    name = username.lstrip("@")
    body = api.get(
        account_id, {"fields": f"business_discovery.username({name}){{followers_count}}"}
    )
    count = (body.get("business_discovery") or {}).get("followers_count")
    return int(count) if count is not None else None


def check(api: PlatformClient, account_id: str) -> str:
    """One cheap call that only a working token for ``account_id`` answers; what it showed."""
    username, followers = account_followers(api, account_id)
    return _("The token works: connected to @%(name)s (%(n)s followers).") % {
        "name": username or account_id,
        "n": followers if followers is not None else "?",
    }
