"""``rapport sweep``: send the reminders that are due now (for cron, or to check by hand)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from rapport.campaigns.services import reminders


class Command(BaseCommand):
    help = "Send due-soon and breach notices and the daily digests that are due, once each."

    def handle(self, *args: Any, **options: Any) -> None:
        result = reminders.sweep()
        self.stdout.write(
            f"Sweep done: {result.due_soon} due-soon, {result.breached} breach notices, "
            f"{result.digests} digests sent."
        )
