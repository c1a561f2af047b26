"""Parsing and normalising social profile URLs and handles; tiers from followings."""

from __future__ import annotations

import math
import re
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from rapport.creators.models import Platform, Tier

# Host (without "www." / "m.") to platform.
_HOSTS: dict[str, str] = {
    "instagram.com": Platform.INSTAGRAM,
    "instagr.am": Platform.INSTAGRAM,
    "tiktok.com": Platform.TIKTOK,
    "youtube.com": Platform.YOUTUBE,
    "youtu.be": Platform.YOUTUBE,
    "twitch.tv": Platform.TWITCH,
    "x.com": Platform.X,
    "twitter.com": Platform.X,
    "pinterest.com": Platform.PINTEREST,
    "linkedin.com": Platform.LINKEDIN,
    "facebook.com": Platform.FACEBOOK,
    "fb.com": Platform.FACEBOOK,
    "snapchat.com": Platform.SNAPCHAT,
}

# Canonical profile URL per platform, from a handle.
_PROFILE_URL: dict[str, str] = {
    Platform.INSTAGRAM: "https://instagram.com/{}",
    Platform.TIKTOK: "https://tiktok.com/@{}",
    Platform.YOUTUBE: "https://youtube.com/@{}",
    Platform.TWITCH: "https://twitch.tv/{}",
    Platform.X: "https://x.com/{}",
    Platform.PINTEREST: "https://pinterest.com/{}",
    Platform.LINKEDIN: "https://linkedin.com/in/{}",
    Platform.FACEBOOK: "https://facebook.com/{}",
    Platform.SNAPCHAT: "https://snapchat.com/add/{}",
}

# A path's first segment that comes before the handle ("youtube.com/c/<handle>").
_BEFORE_HANDLE: dict[str, frozenset[str]] = {
    Platform.INSTAGRAM: frozenset({"stories"}),
    Platform.YOUTUBE: frozenset({"c", "user"}),
    Platform.LINKEDIN: frozenset({"in"}),
    Platform.SNAPCHAT: frozenset({"add"}),
}
# A path's first segment (or the segment after the one above) that is a page of the platform,
# a post or a video, never a handle.
_NOT_HANDLES: dict[str, frozenset[str]] = {
    Platform.INSTAGRAM: frozenset(
        {"p", "reel", "reels", "tv", "explore", "highlights", "direct", "accounts"}
    ),
    Platform.TIKTOK: frozenset(
        {"t", "v", "video", "embed", "tag", "discover", "music", "search", "explore", "live"}
    ),
    Platform.YOUTUBE: frozenset(
        {"watch", "shorts", "embed", "live", "playlist", "results", "feed", "v", "channel", "post"}
    ),
    Platform.TWITCH: frozenset({"videos", "directory", "search", "settings", "p", "downloads"}),
    Platform.X: frozenset(
        {"i", "home", "search", "explore", "hashtag", "intent", "share", "settings", "messages"}
    ),
    Platform.PINTEREST: frozenset({"pin", "search", "ideas", "today"}),
    Platform.LINKEDIN: frozenset(
        {"posts", "feed", "pulse", "jobs", "company", "school", "showcase", "search"}
    ),
    Platform.FACEBOOK: frozenset(
        {
            "watch",
            "share",
            "sharer",
            "sharer.php",
            "groups",
            "events",
            "photo",
            "photo.php",
            "story.php",
            "permalink.php",
            "reel",
            "marketplace",
            "hashtag",
        }
    ),
    Platform.SNAPCHAT: frozenset({"spotlight", "discover", "p", "t", "lens", "unlock"}),
}
# Hosts whose every link is a short link to a post or a video.
_SHARE_HOSTS = frozenset({"youtu.be", "vm.tiktok.com", "vt.tiktok.com"})
# Query parameters that only track where a click came from.
_TRACKING_PARAMS = frozenset({"igshid", "igsh", "si", "hl", "fbclid"})
_HANDLE_RE = re.compile(r"^[A-Za-z0-9._\-]{1,100}$")


class NotAProfile(ValueError):
    """A link to a post, a video or a page of a platform, which names no profile."""


def platform_for_host(host: str) -> str | None:
    host = host.lower().split(":")[0]
    for prefix in ("www.", "m.", "mobile.", "vm."):
        host = host.removeprefix(prefix)
    return _HOSTS.get(host)


def normalise_url(url: str) -> str:
    """A web address in one comparable form.

    https, the host in lower case without "www.", no fragment, no trailing slash, and no
    tracking parameters (utm_*, igshid, si, hl, fbclid); the path and the other parameters keep
    their case and order. Raises ``ValueError`` for an address that cannot be read.
    """
    url = url.strip()
    if not url:
        return ""
    if "://" not in url:
        url = "https://" + url
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2].lower().removeprefix("www.")
    query = "&".join(
        pair
        for pair in parts.query.split("&")
        if pair and not _is_tracking(pair.partition("=")[0].lower())
    )
    return urlunsplit(("https", host, parts.path.rstrip("/"), query, ""))


def _is_tracking(name: str) -> bool:
    return name in _TRACKING_PARAMS or name.startswith("utm_")


def looks_like_url(value: str) -> bool:
    """Whether a pasted profile is a web address rather than a handle."""
    text = value.strip().lower()
    return "/" in text or text.startswith(("http:", "https:", "www."))


def clean_handle(handle: str) -> str:
    """A handle without "@", spaces or a trailing slash, lower case."""
    return handle.strip().lstrip("@").strip().rstrip("/").lower()


def parse_profile(value: str, platform: str | None = None) -> tuple[str | None, str, str]:
    """Read a pasted profile URL or handle as ``(platform, handle, normalised_url)``.

    The platform is guessed from the URL's host when not given; a bare handle keeps ``platform``
    and gets that platform's canonical profile URL. Handles are read only from the known
    platforms' addresses, in lower case (handles there ignore case), and their profile URL is
    rebuilt from the handle. A YouTube channel id or a Facebook profile number is kept as given
    in the URL, with no handle. Raises ``NotAProfile`` for a link to a post or a video, and
    ``ValueError`` for an address that cannot be read.
    """
    value = value.strip()
    if not looks_like_url(value):
        handle = clean_handle(value)
        template = _PROFILE_URL.get(platform or "")
        return platform, handle, (template.format(handle) if template and handle else "")
    url = normalise_url(value)
    parts = urlsplit(url)
    guessed = platform_for_host(parts.netloc)
    chosen = platform or guessed
    if guessed is None:
        return chosen, "", url
    handle, profile_url = _read_profile(guessed, parts.netloc, parts.path, parts.query)
    if guessed != chosen or not profile_url:
        return chosen, handle, url
    return chosen, handle, profile_url


def _read_profile(platform: str, host: str, path: str, query: str) -> tuple[str, str]:
    """The handle and canonical URL in a known platform's address ("" for the URL: keep it)."""
    if host in _SHARE_HOSTS:
        raise NotAProfile(host)
    segments = [s for s in path.split("/") if s]
    first = segments[0].lower() if segments else ""
    if platform == Platform.YOUTUBE and first == "channel" and len(segments) > 1:
        return "", f"https://youtube.com/channel/{segments[1]}"
    if platform == Platform.FACEBOOK and first == "profile.php":
        ids = [v for k, v in parse_qsl(query) if k == "id" and v.isdigit()]
        if not ids:
            raise NotAProfile(path)
        return "", f"https://facebook.com/profile.php?id={ids[0]}"
    if first in _BEFORE_HANDLE.get(platform, ()):
        segments = segments[1:]
    segment = segments[0] if segments else ""
    handle = clean_handle(segment)
    if not handle or segment.lower() in _NOT_HANDLES.get(platform, ()):
        raise NotAProfile(path)
    if not _HANDLE_RE.match(handle):
        return "", ""
    return handle, _PROFILE_URL[platform].format(handle)


def tier_for(followers: int, thresholds: dict[str, int]) -> str:
    """The tier for a largest following under the workspace's thresholds."""
    for tier in (Tier.MEGA, Tier.MACRO, Tier.MID, Tier.MICRO):
        if followers >= int(thresholds.get(tier, 0) or 0):
            return tier
    return Tier.NANO


def parse_count(value: str | int | float | None) -> int | None:
    """A follower count as people write it: "12.5k", "1,200", "1.2M", "3 400" or a number."""
    if value is None:
        return None
    if isinstance(value, int | float):
        if value < 0 or not math.isfinite(value):
            raise ValueError(value)
        return int(value)
    text = str(value).strip().lower().replace("\u00a0", "").replace(" ", "")
    if not text:
        return None
    multiplier = 1
    if text[-1] in "km":
        multiplier = 1_000 if text[-1] == "k" else 1_000_000
        text = text[:-1]
        # "12,5k" is European for 12.5k.
        text = text.replace(",", ".")
    else:
        text = text.replace(",", "").replace("'", "")
        if re.fullmatch(r"\d{1,3}(\.\d{3})+", text):  # "1.200" is 1200 in much of Europe
            text = text.replace(".", "")
    try:
        number = float(text)
    except ValueError:
        raise ValueError(value) from None
    if number < 0 or not math.isfinite(number):
        raise ValueError(value)
    return round(number * multiplier)
