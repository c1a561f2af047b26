"""Limits on guessing passwords and on flooding inboxes, counted in Django's cache.

Each limit counts events per key (an e-mail address or a client IP address) in a fixed window;
the event that reaches the limit locks the key for ``LOCKOUT_SECONDS``. Keys are stored hashed,
so neither the cache nor the log holds an address or anything typed into a form. Counting is not
atomic across processes: two workers may each miss one event, which a limit of this kind allows.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

logger = logging.getLogger(__name__)

WINDOW_SECONDS = 15 * 60
LOCKOUT_SECONDS = 15 * 60


def client_ip(request: HttpRequest) -> str:
    """The client's address: ``REMOTE_ADDR``, or behind a trusted proxy
    (``RAPPORT_TRUSTED_PROXY=1``) the last ``X-Forwarded-For`` entry: the one the proxy added.
    Entries before it come from the client, which can write anything there."""
    if settings.RAPPORT_TRUSTED_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        if forwarded:
            return forwarded
    return str(request.META.get("REMOTE_ADDR", ""))


@dataclass(frozen=True)
class Limit:
    """At most ``allowed`` events per key within ``WINDOW_SECONDS``; then a lockout."""

    name: str
    allowed: int

    def _key(self, value: str) -> str:
        digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()
        return f"rapport:throttle:{self.name}:{digest}"

    def is_locked(self, value: str) -> bool:
        """Whether this key is refused for now."""
        return cache.get(self._key(value) + ":locked") is not None

    def hit(self, value: str) -> None:
        """Count one event for the key; the one that reaches the limit starts the lockout."""
        key = self._key(value)
        now = time.time()
        started, count = cache.get(key) or (now, 0)
        if now - started >= WINDOW_SECONDS:
            started, count = now, 0
        count += 1
        if count >= self.allowed:
            cache.set(key + ":locked", True, LOCKOUT_SECONDS)
            cache.delete(key)
            # The hashed key identifies the counter without writing the address down.
            logger.warning("Throttling %s: key %s locked", self.name, key.rsplit(":", 1)[-1][:12])
            return
        cache.set(key, (started, count), max(1, int(started + WINDOW_SECONDS - now)))

    def clear(self, value: str) -> None:
        """Forget the key's count (not a lockout in force)."""
        cache.delete(self._key(value))


SIGN_IN_PER_EMAIL = Limit("sign-in-email", allowed=5)
SIGN_IN_PER_IP = Limit("sign-in-ip", allowed=20)
PASSWORD_RESET_PER_IP = Limit("password-reset-ip", allowed=5)


def sign_in_refused(request: HttpRequest, email: str) -> bool:
    """Whether a sign-in for this address, from this client, must be refused without trying."""
    return SIGN_IN_PER_EMAIL.is_locked(email) or SIGN_IN_PER_IP.is_locked(client_ip(request))


def sign_in_failed(request: HttpRequest, email: str) -> None:
    """Count a wrong e-mail or password against the address and the client."""
    SIGN_IN_PER_EMAIL.hit(email)
    SIGN_IN_PER_IP.hit(client_ip(request))


def sign_in_succeeded(email: str) -> None:
    """A correct password clears the address's count of failures."""
    SIGN_IN_PER_EMAIL.clear(email)


def password_reset_allowed(request: HttpRequest) -> bool:
    """Count a password-reset request from this client; False once it sent too many."""
    ip = client_ip(request)
    if PASSWORD_RESET_PER_IP.is_locked(ip):
        return False
    PASSWORD_RESET_PER_IP.hit(ip)
    return True
