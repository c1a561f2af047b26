"""Slowing down, then refusing, a client that keeps trying bad hub tokens.

A bad token is one that names no link (malformed, unknown or forged); a revoked or expired link's
token is a real one and is not counted. The policy (:func:`wait_for`) is a pure function of the
client's failures in the last hour:

- the first ``FREE_FAILURES`` (5) are free;
- after that, the next try must come ``2 ** (n - 5)`` seconds (at most ``MAX_DELAY``, 60) after
  the last failure, where ``n`` is the number of failures in the hour;
- from ``REFUSE_AFTER`` (30) failures within an hour, the client is refused for an hour after
  the one that reached thirty.

Only tokens that name no link are held back: a valid link always opens (so nobody trying addresses
from the same network can lock a creator out); a bad token that comes too early is answered 429 and
is not counted. Failures are kept in Django's cache (shared by the workers of one machine) under an
HMAC of the client's address, so neither the cache nor the log holds an address; counting is not
atomic across processes, which a limit of this kind allows. The client's address is the one the
sign-in limits use (``RAPPORT_TRUSTED_PROXY``, docs/operations/install.md).
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Sequence

from django.core.cache import cache
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from rapport.workspaces.throttling import client_ip

logger = logging.getLogger(__name__)

WINDOW_SECONDS = 60 * 60
FREE_FAILURES = 5
MAX_DELAY = 60
REFUSE_AFTER = 30


def wait_for(failures: Sequence[float], now: float) -> int:
    """Seconds a client with bad tokens at the times ``failures`` (oldest first) must still wait
    at ``now`` before a token is looked at; 0 when it may try now."""
    if not failures:
        return 0
    last = failures[-1]
    # The failure that made thirty within an hour starts an hour of refusal (nothing is counted
    # while refused, so it is the last one).
    if sum(1 for t in failures if last - t < WINDOW_SECONDS) >= REFUSE_AFTER:
        return max(0, math.ceil(last + WINDOW_SECONDS - now))
    n = sum(1 for t in failures if now - t < WINDOW_SECONDS)
    if n < FREE_FAILURES:
        return 0
    return max(0, math.ceil(last + min(2 ** (n - FREE_FAILURES), MAX_DELAY) - now))


def _clock() -> float:
    return time.time()


def _key(request: HttpRequest) -> str:
    digest = salted_hmac("rapport.hub.throttle", client_ip(request), algorithm="sha256")
    return "rapport:hub-tokens:" + digest.hexdigest()


def retry_after(request: HttpRequest) -> int:
    """Seconds this client must still wait before a token is even looked at; 0 when it may try."""
    return wait_for(cache.get(_key(request), []), _clock())


def record_failure(request: HttpRequest) -> None:
    """Count one bad token from this client (the cache keeps the failures of the hour before
    the last one, at most ``REFUSE_AFTER`` of them)."""
    key = _key(request)
    now = _clock()
    kept = [t for t in cache.get(key, []) if now - t < WINDOW_SECONDS]
    failures = [*kept, now][-REFUSE_AFTER:]
    cache.set(key, failures, WINDOW_SECONDS)
    if len(failures) in (FREE_FAILURES + 1, REFUSE_AFTER):
        # The hashed key names the client without writing its address down.
        logger.warning("Hub: %s bad tokens in an hour from client %s", len(failures), key[-12:])
