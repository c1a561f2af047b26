"""Parsing and normalising social profile URLs and handles; tiers from followings."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

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

# Path segments that are not a handle (the handle follows them).
_SKIP_SEGMENTS = {"in", "add", "c", "user", "channel", "@"}
_HANDLE_RE = re.compile(r"^[A-Za-z0-9._\-]{1,100}$")


def platform_for_host(host: str) -> str | None:
    host = host.lower().split(":")[0]
    for prefix in ("www.", "m.", "mobile.", "vm."):
        host = host.removeprefix(prefix)
    return _HOSTS.get(host)


def normalise_url(url: str) -> str:
    """A profile URL in one comparable form: https, no www, no query, no trailing slash, lower."""
    url = url.strip()
    if not url:
        return ""
    if "://" not in url:
        url = "https://" + url
    parts = urlsplit(url)
    host = parts.netloc.lower()
    for prefix in ("www.", "m.", "mobile."):
        host = host.removeprefix(prefix)
    path = parts.path.rstrip("/")
    return f"https://{host}{path}".lower()


def clean_handle(handle: str) -> str:
    """A handle without "@", spaces or a trailing slash, lower case."""
    return handle.strip().lstrip("@").strip().rstrip("/").lower()


def parse_profile(value: str, platform: str | None = None) -> tuple[str | None, str, str]:
    """Read a pasted profile URL or handle as ``(platform, handle, normalised_url)``.

    The platform is guessed from the URL's host when not given; a bare handle keeps ``platform``
    and gets that platform's canonical profile URL.
    """
    value = value.strip()
    looks_like_url = "/" in value or value.lower().startswith(("http", "www."))
    if not looks_like_url:
        handle = clean_handle(value)
        template = _PROFILE_URL.get(platform or "")
        return platform, handle, (template.format(handle) if template and handle else "")
    url = normalise_url(value)
    parts = urlsplit(url)
    guessed = platform_for_host(parts.netloc)
    segments = [s for s in parts.path.split("/") if s]
    handle = ""
    for segment in segments:
        if segment in _SKIP_SEGMENTS:
            continue
        candidate = clean_handle(segment)
        if _HANDLE_RE.match(candidate):
            handle = candidate
        break
    chosen = platform or guessed
    template = _PROFILE_URL.get(chosen or "")
    if template and handle and guessed == chosen:
        url = template.format(handle)
    return chosen, handle, url


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
    if number < 0:
        raise ValueError(value)
    return round(number * multiplier)
