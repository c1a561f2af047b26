"""gunicorn's access log without hub tokens: a hub address is a key to a creator's page, so the
log keeps ``/h/…`` in place of the token wherever it appears in a line."""

from __future__ import annotations

import re
from typing import Any

from gunicorn.glogging import Logger

TOKEN = re.compile(r"/h/[A-Za-z0-9_-]{16,}")


def redact(text: str) -> str:
    """``text`` with every hub token replaced by an ellipsis."""
    return TOKEN.sub("/h/…", text)


class RedactingLogger(Logger):
    """gunicorn's logger, with hub tokens taken out of every access-log line."""

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        found = super().atoms(resp, req, environ, request_time)
        # Every atom: the request line, the path, the referrer, and each header or environ entry
        # a custom log format may name.
        return {k: redact(v) if isinstance(v, str) else v for k, v in found.items()}
