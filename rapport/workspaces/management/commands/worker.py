"""``rapport worker``: run background tasks from the database queue, and the periodic sweeps.

A scheduler thread enqueues the periodic tasks every ``RAPPORT_SWEEP_SECONDS`` (default 300): the
reminders sweep (``campaigns.tasks.sweep_task``) and the loading of tracked clicks the redirect had
to spool (``tracking.tasks.ingest_spool_task``); the worker in the main thread runs them like any
task.
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections, connection

log = logging.getLogger(__name__)

DEFAULT_SWEEP_SECONDS = 300


def schedule_sweeps(interval: float, stop: threading.Event) -> None:
    """Enqueue the periodic tasks now, then every ``interval`` seconds until ``stop`` is set."""
    from rapport.campaigns.tasks import sweep_task
    from rapport.performance.tasks import refresh_metrics_task
    from rapport.tracking.tasks import ingest_spool_task

    while not stop.is_set():
        try:
            close_old_connections()
            sweep_task.enqueue()
            ingest_spool_task.enqueue()
            refresh_metrics_task.enqueue()
        except Exception:  # a database hiccup must not end the schedule
            log.exception("Could not enqueue the periodic tasks; trying again later.")
        finally:
            connection.close()
        stop.wait(interval)


class Command(BaseCommand):
    help = "Run the background worker (Django tasks, database queue) and the periodic sweeps."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--sweep-seconds",
            type=float,
            default=float(os.environ.get("RAPPORT_SWEEP_SECONDS", DEFAULT_SWEEP_SECONDS)),
            help="Seconds between two reminder sweeps (RAPPORT_SWEEP_SECONDS, default 300); "
            "0 turns the sweeps off.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        if options["sweep_seconds"] > 0:
            threading.Thread(
                target=schedule_sweeps,
                args=(options["sweep_seconds"], stop),
                name="rapport-sweeps",
                daemon=True,
            ).start()
        try:
            # No autoreloader: it would fork a second process that outlives a stop by pid.
            call_command("db_worker", reload=False)
        finally:
            stop.set()
