"""Slowing down, then refusing, a client that keeps trying bad hub tokens.

Stub: the access part replaces it (the signatures stay).
"""

from __future__ import annotations

from django.http import HttpRequest


def retry_after(request: HttpRequest) -> int:
    """Seconds this client must still wait before a token is even looked at; 0 when it may try."""
    return 0


def record_failure(request: HttpRequest) -> None:
    """Count one bad token from this client."""
