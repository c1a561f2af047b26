"""Background work for performance data: the periodic refresh of posts' figures."""

from __future__ import annotations

from django_tasks import task

from rapport.performance.services import refresh


@task()
def refresh_metrics_task() -> dict[str, int]:
    """Refresh the posts due (live or reported collaborations, a usable connection, not read
    in the last day), one batch per run; the worker's schedule runs it every few minutes."""
    report = refresh.refresh_due()
    return {"refreshed": report.refreshed, "failed": report.failed, "followers": report.followers}
