"""Secrets Rapport must read back (a shop's webhook signing secret; mailbox passwords next),
kept encrypted at rest.

They are encrypted with Fernet (AES in CBC mode with an HMAC) under a key derived from the
``SECRET_KEY``, so a copy of the database alone reveals none of them. Changing the secret key
makes them unreadable: they read back as empty, and each must be entered again (the pages that
show them say so). Values are never logged.
"""

from __future__ import annotations

import base64
import functools
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import models


@functools.cache
def _fernet(secret_key: str) -> Fernet:
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"rapport stored secrets"
    ).derive(secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt(value: str) -> str:
    """``value`` encrypted under the current secret key, as text."""
    return _fernet(settings.SECRET_KEY).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    """The plain value of ``token``; empty when it was encrypted under another secret key."""
    try:
        return _fernet(settings.SECRET_KEY).decrypt(token.encode()).decode()
    except InvalidToken:
        return ""


class EncryptedTextField(models.TextField):
    """Text stored encrypted and read back as plain text. It cannot be searched or filtered on."""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if not value:
            return value
        return decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if not value:
            return value
        return encrypt(value)
