"""``rapport serve``: serve the app with gunicorn (static files through WhiteNoise)."""

from __future__ import annotations

import os
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve Rapport over HTTP with gunicorn."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("RAPPORT_BIND", "127.0.0.1:8000"))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("RAPPORT_WEB_WORKERS", "3"))
        )

    def handle(self, *args: Any, bind: str, workers: int, **options: Any) -> None:
        if settings.PRODUCTION:
            call_command("collectstatic", interactive=False, verbosity=0)
        argv = [
            "gunicorn",
            "rapport.wsgi:application",
            "--bind",
            bind,
            "--workers",
            str(workers),
            "--access-logfile",
            "-",
            "--logger-class",
            "rapport.hub.access_log.RedactingLogger",
            "--timeout",
            "120",
        ]
        self.stdout.write(f"Serving Rapport on http://{bind}/ (Ctrl-C stops it).")
        self.stdout.flush()
        os.execvp(sys.executable, [sys.executable, "-m", *argv])  # noqa: S606
