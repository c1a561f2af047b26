"""Background work for campaigns: the periodic sweep of service-level clocks and daily digests."""

from __future__ import annotations

from django_tasks import task

from rapport.campaigns.services import reminders


@task()
def sweep_task() -> dict[str, int]:
    """Send the due-soon and breach notices and the digests that are due (each once)."""
    result = reminders.sweep()
    return {"due_soon": result.due_soon, "breached": result.breached, "digests": result.digests}
