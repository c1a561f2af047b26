"""The HTTP client every platform connector shares: timeouts, retries with backoff, rate limits,
and errors in plain words that never carry a credential.

A connector gives :class:`PlatformClient` its base address, the headers that carry the
credential, and ``classify``: how to read the platform's own answer (which codes mean "slow
down", "this key is refused", "this post is not there"). The client then:

- retries a bounded number of times, with exponential backoff (or the ``Retry-After`` the
  platform gives), on a timeout, a dropped connection, a 429, a 5xx, or a rate-limit answer;
- raises :class:`RateLimited` with the moment to try again when the platform still refuses, so
  the connection is paused until then;
- raises :class:`CredentialRejected` when the key or token is refused, :class:`ItemProblem` when
  one post cannot be read, :class:`Unreachable` when the platform does not answer.

Credentials travel in headers, never in the address, and every message is passed through
:func:`redact` with the credential: neither the pages, the API nor the logs ever show one.
Tests replace :data:`WIRE` (the transport and the sleep function) so that nothing leaves the
machine and nothing waits.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import enum
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import httpx
from django.utils import timezone
from django.utils.translation import gettext as _

USER_AGENT = "Rapport metrics (+https://github.com/rapport-crm)"
# Longest single wait inside one request; a platform asking for longer pauses the connection.
MAX_WAIT_SECONDS = 60.0
# When a platform says "slow down" without saying for how long, and retries did not help.
DEFAULT_PAUSE = dt.timedelta(minutes=15)
REDACTED = "[redacted]"


@dataclass
class Wire:
    """How connectors reach the platforms: ``transport`` (httpx's own when ``None``; tests give
    an ``httpx.MockTransport``), how to wait between attempts, and how hard to try."""

    transport: httpx.BaseTransport | None = None
    sleep: Callable[[float], None] = time.sleep
    timeout: float = 10.0
    max_attempts: int = 4
    backoff_seconds: float = 1.0


WIRE = Wire()


class ConnectorError(Exception):
    """A platform call that did not give figures; ``message`` is in the user's words."""

    def __init__(self, message: str, *, reason: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason  # a connector's own short name for the cause, for its own code


class CredentialRejected(ConnectorError):
    """The key or token is refused (wrong, revoked, expired, or lacking a permission)."""


class RateLimited(ConnectorError):
    """The platform still asks to slow down after the retries: nothing before ``until``."""

    def __init__(self, message: str, *, until: dt.datetime) -> None:
        super().__init__(message)
        self.until = until


class ItemProblem(ConnectorError):
    """One post (or account) cannot be read; the connection itself is fine."""


class Unreachable(ConnectorError):
    """The platform did not answer usefully (timeouts, server errors) after the retries."""


class Outcome(enum.Enum):
    OK = "ok"
    RETRY = "retry"  # worth another attempt (rate limit for a moment, server error)
    LIMITED = "limited"  # a rate limit no short wait lifts (a daily quota)
    CREDENTIAL = "credential"
    ITEM = "item"
    FAILED = "failed"


@dataclass(frozen=True)
class Verdict:
    """How a connector reads one answer: the outcome, the message for the user, and (for a
    rate limit) how long the platform asks to wait, when it says."""

    outcome: Outcome
    message: str = ""
    wait: dt.timedelta | None = None
    rate_limit: bool = False
    reason: str = ""


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every non-empty secret replaced by ``[redacted]``."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    return text


def retry_after(response: httpx.Response) -> dt.timedelta | None:
    """The wait a ``Retry-After`` header asks for (seconds or an HTTP date), if any."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    if value.isdigit():
        return dt.timedelta(seconds=int(value))
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return max(moment - timezone.now(), dt.timedelta(0))


def error_json(response: httpx.Response) -> dict[str, Any]:
    """The ``error`` object of a JSON error answer (empty when the body is not one)."""
    try:
        body = response.json()
    except ValueError:
        return {}
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) else {}


class PlatformClient:
    """GET requests to one platform with one credential (see the module's docstring)."""

    def __init__(
        self,
        *,
        base_url: str,
        headers: dict[str, str],
        secrets: Iterable[str],
        classify: Callable[[httpx.Response], Verdict],
        platform: str,
        wire: Wire | None = None,
    ) -> None:
        self.wire = wire or WIRE
        self.secrets = [s for s in secrets if s]
        self.classify = classify
        self.platform = platform
        self.client = httpx.Client(
            base_url=base_url,
            headers={"User-Agent": USER_AGENT, "Accept": "application/json", **headers},
            timeout=self.wire.timeout,
            transport=self.wire.transport,
            follow_redirects=False,
        )

    def __enter__(self) -> PlatformClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.client.close()

    def get(self, url: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        """The JSON answer of ``GET url``; raises a :class:`ConnectorError` otherwise."""
        wire = self.wire
        for attempt in range(wire.max_attempts):
            last = attempt == wire.max_attempts - 1
            try:
                response = self.client.get(url, params=params)
            except httpx.TimeoutException:
                verdict = Verdict(
                    Outcome.RETRY,
                    _("%(platform)s did not answer within %(n)s seconds.")
                    % {"platform": self.platform, "n": f"{wire.timeout:g}"},
                )
            except httpx.TransportError:
                verdict = Verdict(
                    Outcome.RETRY,
                    _("%(platform)s could not be reached.") % {"platform": self.platform},
                )
            else:
                verdict = self.classify(response)
                if verdict.outcome is Outcome.OK:
                    try:
                        body = response.json()
                    except ValueError:
                        body = None
                    if isinstance(body, dict):
                        return body
                    verdict = Verdict(
                        Outcome.FAILED,
                        _("%(platform)s sent an answer Rapport cannot read.")
                        % {"platform": self.platform},
                    )
            message = redact(verdict.message, self.secrets)
            if verdict.outcome is Outcome.RETRY:
                wait = verdict.wait
                too_long = wait is not None and wait.total_seconds() > MAX_WAIT_SECONDS
                if not last and not too_long:
                    seconds = wait.total_seconds() if wait is not None else self._backoff(attempt)
                    wire.sleep(seconds)
                    continue
                if verdict.rate_limit:
                    raise RateLimited(message, until=timezone.now() + (wait or DEFAULT_PAUSE))
                raise Unreachable(message)
            if verdict.outcome is Outcome.LIMITED:
                raise RateLimited(message, until=timezone.now() + (verdict.wait or DEFAULT_PAUSE))
            if verdict.outcome is Outcome.CREDENTIAL:
                raise CredentialRejected(message)
            if verdict.outcome is Outcome.ITEM:
                raise ItemProblem(message, reason=verdict.reason)
            raise Unreachable(message)
        raise AssertionError("unreachable: the last attempt always returns or raises")

    def _backoff(self, attempt: int) -> float:
        return min(self.wire.backoff_seconds * 2**attempt, MAX_WAIT_SECONDS)


def server_trouble(response: httpx.Response, platform: str) -> Verdict | None:
    """The verdict for the answers every platform shares (429, 5xx), or ``None``."""
    if response.status_code == 429:
        return Verdict(
            Outcome.RETRY,
            _("%(platform)s asks to slow down (too many requests).") % {"platform": platform},
            wait=retry_after(response),
            rate_limit=True,
        )
    if response.status_code >= 500:
        return Verdict(
            Outcome.RETRY,
            _("%(platform)s had a server error (%(code)s); it will be tried again later.")
            % {"platform": platform, "code": response.status_code},
            wait=retry_after(response),
        )
    return None
