"""Background work for creators: checking and committing spreadsheet imports."""

from __future__ import annotations

from django_tasks import task

from rapport.creators import importing
from rapport.creators.models import ImportJob


@task()
def check_import_task(job_id: int) -> None:
    """Validate every row of an import (the page polls the job for progress)."""
    job = ImportJob.objects.select_related("workspace").filter(pk=job_id).first()
    if job is not None:
        importing.check_import(job)


@task()
def commit_import_task(job_id: int) -> None:
    """Write a claimed import's valid rows, in one transaction."""
    job = ImportJob.objects.select_related("workspace", "committed_by").filter(pk=job_id).first()
    if job is not None:
        importing.run_commit(job)
