"""Background work for tracking: loading clicks spooled while the database refused writes."""

from __future__ import annotations

from django_tasks import task

from rapport.tracking.services import clicks


@task()
def ingest_spool_task() -> dict[str, int]:
    """Load the spooled clicks (each once) and remove the spool files loaded."""
    result = clicks.ingest_spool()
    return {"loaded": result.loaded, "already": result.already, "dropped": result.dropped}
