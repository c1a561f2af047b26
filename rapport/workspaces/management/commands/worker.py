"""``rapport worker``: run background tasks from the database queue."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the background worker (Django tasks, database queue)."

    def handle(self, *args: Any, **options: Any) -> None:
        # No autoreloader: it would fork a second process that outlives a stop by pid.
        call_command("db_worker", reload=False)
