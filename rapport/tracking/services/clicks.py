"""Recording the clicks of tracking links, and never losing one.

``record_click`` turns a request to ``/r/<slug>`` into a :class:`Click`: a random reference sent
on to the shop (``rclid``), the referring host (never its path), a device class and a bot flag
read from the User-Agent, the country from the proxy's header when one is configured
(``RAPPORT_COUNTRY_HEADER``), and ``visitor``: an HMAC of the client address and the User-Agent
under a key that changes every UTC day, so repeat visits on one day can be told apart and no
address is ever stored.

When the database refuses the insert (locked, gone for a moment), the click is appended as one
JSON line to a spool file of this process under ``DATA_DIR/click-spool`` and the visitor is
redirected anyway; ``ingest_spool`` (run by the worker, ``tasks.ingest_spool_task``) loads the
spooled clicks later, once each.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import functools
import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from rapport.tracking.models import Click, Device, TrackingLink
from rapport.workspaces.throttling import client_ip

log = logging.getLogger(__name__)

SPOOL_DIR_NAME = "click-spool"

# Crawlers, link-preview fetchers (what a chat app or a social network sends when the link is
# pasted), HTTP libraries and headless browsers. Matched anywhere in the User-Agent, any case.
BOT_PATTERN = re.compile(
    r"bot\b|bot/|spider|crawl|slurp|facebookexternalhit|facebookcatalog|whatsapp|telegrambot"
    r"|discordbot|linkedinbot|twitterbot|slackbot|slack-imgproxy|skypeuripreview|embedly"
    r"|pinterest|vkshare|redditbot|applebot|googlebot|bingbot|yandex|baiduspider|duckduckbot"
    r"|curl/|wget/|python-requests|python-urllib|python-httpx|aiohttp|go-http-client|okhttp"
    r"|java/|libwww-perl|headlesschrome|phantomjs|lighthouse|preview",
    re.IGNORECASE,
)
TABLET_PATTERN = re.compile(r"ipad|tablet|kindle|silk/|playbook|android(?!.*mobile)", re.I)
MOBILE_PATTERN = re.compile(
    r"mobi|iphone|ipod|android|windows phone|blackberry|bb10|opera mini", re.I
)
DESKTOP_PATTERN = re.compile(r"windows nt|macintosh|mac os x|x11|linux|cros", re.I)


def is_bot(user_agent: str) -> bool:
    """Whether the User-Agent is an obvious robot (an empty one counts as a robot)."""
    return not user_agent.strip() or BOT_PATTERN.search(user_agent) is not None


def device_of(user_agent: str) -> str:
    """The device class of a browser's User-Agent: tablet, mobile, desktop or other."""
    if TABLET_PATTERN.search(user_agent):
        return Device.TABLET
    if MOBILE_PATTERN.search(user_agent):
        return Device.MOBILE
    if DESKTOP_PATTERN.search(user_agent):
        return Device.DESKTOP
    return Device.OTHER


def referrer_host(referrer: str) -> str:
    """The host of the Referer header, lower-case, without port or path ('' when there is none)."""
    try:
        host = urlsplit(referrer.strip()).hostname or ""
    except ValueError:  # a malformed address, such as an unclosed IPv6 bracket
        return ""
    return host[:255]


def country_of(request: HttpRequest) -> str:
    """The visitor's country from the trusted proxy's header (``RAPPORT_COUNTRY_HEADER``): two
    upper-case letters, or '' when no header is configured, sent or usable ("XX": unknown)."""
    header = settings.RAPPORT_COUNTRY_HEADER
    if not header:
        return ""
    value = request.META.get("HTTP_" + header.upper().replace("-", "_"), "").strip().upper()
    if len(value) == 2 and value.isascii() and value.isalpha() and value != "XX":
        return str(value)
    return ""


@functools.lru_cache(maxsize=4)
def _visitor_key(day: dt.date) -> bytes:
    # A key per UTC day, derived from the secret key: yesterday's hashes cannot be matched today.
    material = f"rapport.tracking.visitor:{day.isoformat()}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), material, hashlib.sha256).digest()


def visitor_hash(address: str, user_agent: str, day: dt.date) -> str:
    """32 hex characters that tell one visitor (address and browser) apart on ``day`` (UTC)."""
    message = f"{address}\n{user_agent}".encode()
    return hmac.new(_visitor_key(day), message, hashlib.sha256).hexdigest()[:32]


def new_ref() -> str:
    """A click reference: 16 URL-safe random characters (96 bits), so none can be guessed."""
    return secrets.token_urlsafe(12)


def click_for(*, request: HttpRequest, link_id: int, workspace_id: int) -> Click:
    """The (unsaved) click a request to a link makes. A HEAD request counts as a robot: link
    unfurlers send them, browsers following a link do not."""
    meta = request.META
    user_agent = str(meta.get("HTTP_USER_AGENT", ""))[:1000]
    at = timezone.now()
    return Click(
        workspace_id=workspace_id,
        link_id=link_id,
        ref=new_ref(),
        at=at,
        referrer_host=referrer_host(str(meta.get("HTTP_REFERER", ""))),
        device=device_of(user_agent),
        country=country_of(request),
        visitor=visitor_hash(client_ip(request), user_agent, at.date()),
        is_bot=request.method == "HEAD" or is_bot(user_agent),
    )


def record_click(*, request: HttpRequest, link_id: int, workspace_id: int) -> str:
    """Store the click a request to a link makes and return its reference; when the database
    refuses the insert, spool it to a file instead (``ingest_spool`` loads it later)."""
    click = click_for(request=request, link_id=link_id, workspace_id=workspace_id)
    try:
        insert(click)
    except DatabaseError:
        spool(click)
    return click.ref


INSERTED_FIELDS = (
    "workspace_id",
    "link_id",
    "ref",
    "at",
    "referrer_host",
    "device",
    "country",
    "visitor",
    "is_bot",
)


@functools.cache
def _insert_sql(vendor: str) -> str:
    quote = connection.ops.quote_name
    column = {field.attname: str(field.column) for field in Click._meta.concrete_fields}
    columns = ", ".join(quote(column[name]) for name in INSERTED_FIELDS)
    values = ", ".join(["%s"] * len(INSERTED_FIELDS))
    # Only the model's own names go into the text; every value is a parameter.
    return f"INSERT INTO {quote(Click._meta.db_table)} ({columns}) VALUES ({values})"  # noqa: S608


def insert(click: Click) -> None:
    """Insert the click in one statement (its id is not read back).

    Written out rather than ``click.save()``: on the redirect, compiling the ORM's insert costs
    more than running it. Names come from the model, values are adapted as the ORM adapts them.
    """
    params = [getattr(click, name) for name in INSERTED_FIELDS]
    params[INSERTED_FIELDS.index("at")] = connection.ops.adapt_datetimefield_value(click.at)
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(connection.vendor), params)


# --- The spool ---------------------------------------------------------------------------------

SPOOLED_FIELDS = ("ref", "link_id", "referrer_host", "device", "country", "visitor", "is_bot")
COLUMNS = (*SPOOLED_FIELDS, "at")


def spool_dir() -> Path:
    return Path(settings.DATA_DIR) / SPOOL_DIR_NAME


def spool(click: Click) -> None:
    """Append the click as one JSON line to this process's spool file.

    The file is locked while the line is written; ``ingest_spool`` takes the same lock and
    removes the file once loaded, so a writer that finds its file removed starts a new one.
    """
    line = {name: getattr(click, name) for name in SPOOLED_FIELDS}
    line["at"] = click.at.isoformat()
    data = (json.dumps(line, separators=(",", ":")) + "\n").encode()
    folder = spool_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{socket.gethostname()}-{os.getpid()}.jsonl"
    while True:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            if os.fstat(fd).st_nlink == 0:  # loaded and removed since we opened it
                continue
            os.write(fd, data)
            break
        finally:
            os.close(fd)
    # Once per failure, not per click: the database refusing writes is worth an operator's eye.
    log.warning("Click %s spooled to %s: the database refused the insert.", click.ref, path)


@dataclass(frozen=True)
class SpoolResult:
    """What a spool run did: clicks loaded, ones already there (a repeated load), and lines
    dropped (unreadable, or for a link deleted since)."""

    loaded: int = 0
    already: int = 0
    dropped: int = 0


def _parse(line: str) -> dict[str, Any] | None:
    try:
        row = json.loads(line)
        row["at"] = dt.datetime.fromisoformat(row["at"])
        if not all(name in row for name in SPOOLED_FIELDS):
            return None
        return dict(row)
    except (ValueError, TypeError, KeyError):
        return None


def _load(lines: list[str]) -> SpoolResult:
    rows = [row for row in map(_parse, lines) if row is not None]
    unreadable = len([line for line in lines if line.strip()]) - len(rows)
    workspaces = dict(
        TrackingLink.objects.filter(pk__in={row["link_id"] for row in rows}).values_list(
            "pk", "workspace_id"
        )
    )
    known = [row for row in rows if row["link_id"] in workspaces]
    existing = set(
        Click.objects.filter(ref__in=[row["ref"] for row in known]).values_list("ref", flat=True)
    )
    fresh = {row["ref"]: row for row in known if row["ref"] not in existing}
    Click.objects.bulk_create(
        [
            Click(workspace_id=workspaces[row["link_id"]], **{n: row[n] for n in COLUMNS})
            for row in fresh.values()
        ],
        batch_size=500,
        ignore_conflicts=True,
    )
    return SpoolResult(
        loaded=len(fresh),
        already=len(known) - len(fresh),
        dropped=unreadable + len(rows) - len(known),
    )


def ingest_spool() -> SpoolResult:
    """Load every spooled click into the database, each once (by its reference), and remove the
    spool files loaded. A file stays when the database still refuses it, for the next run."""
    total = SpoolResult()
    folder = spool_dir()
    if not folder.is_dir():
        return total
    for path in sorted(folder.glob("*.jsonl")):
        with open(path, "r+", encoding="utf-8") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            with transaction.atomic():
                result = _load(handle.read().splitlines())
            path.unlink()
        total = SpoolResult(
            loaded=total.loaded + result.loaded,
            already=total.already + result.already,
            dropped=total.dropped + result.dropped,
        )
    if total.loaded or total.dropped:
        log.info(
            "Click spool: %s loaded, %s already stored, %s dropped.",
            total.loaded,
            total.already,
            total.dropped,
        )
    return total
