"""``rapport import-creators FILE --workspace SLUG``: import a CSV or XLSX file of creators.

Prints a summary and every row's problem; exits non-zero when nothing could be imported.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from rapport.creators import importing
from rapport.creators.models import ImportStatus, OnDuplicate
from rapport.workspaces.models import Membership, User, Workspace
from rapport.workspaces.roles import Perm


class Command(BaseCommand):
    help = "Import creators from a CSV or XLSX file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--workspace", required=True, help="The workspace's slug.")
        parser.add_argument(
            "--on-duplicate",
            choices=OnDuplicate.values,
            default=OnDuplicate.SKIP,
            help="What to do with a row matching a creator you have (default: skip).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check every row; import nothing."
        )
        parser.add_argument(
            "--as",
            dest="actor",
            metavar="EMAIL",
            help="The member the import is recorded as (who may edit creators).",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        workspace = Workspace.objects.filter(slug=opts["workspace"]).first()
        if workspace is None:
            raise CommandError(f"No workspace with slug {opts['workspace']}.")
        actor = self._actor(workspace, opts["actor"])
        path: Path = opts["file"]
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        try:
            with path.open("rb") as fh:
                job = importing.start_import(
                    workspace=workspace,
                    actor=actor,
                    upload=fh,
                    name=path.name,
                    size=path.stat().st_size,
                )
            importing.set_mapping(job=job, mapping=job.mapping, on_duplicate=opts["on_duplicate"])
            if opts["dry_run"]:
                importing.check_import(job)
            else:
                importing.commit_import(job, actor=actor)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self._report(job, dry_run=opts["dry_run"])

    def _actor(self, workspace: Workspace, email: str | None) -> User | None:
        if not email:
            return None
        membership = (
            Membership.objects.select_related("user")
            .filter(workspace=workspace, user__email=email.strip().lower())
            .first()
        )
        if membership is None:
            raise CommandError(f"{email} is not a member of {workspace.slug}.")
        if not membership.can(Perm.EDIT_CREATORS):
            raise CommandError(f"{email} may not import creators (role {membership.role}).")
        return membership.user

    def _report(self, job: Any, *, dry_run: bool) -> None:
        columns = ", ".join(
            f"{importing.column_label(job.headers, i)} → {target}"
            for i, target in enumerate(job.mapping)
            if target
        )
        self.stdout.write(f"Columns: {columns}")
        if job.status == ImportStatus.FAILED:
            raise CommandError(job.failure)
        verb = "would be" if dry_run else "were"
        self.stdout.write(
            f"{job.rows_total} rows: {job.created} {verb} added, {job.updated} {verb} updated, "
            f"{job.skipped} {verb} skipped as duplicates, {job.errors} with errors."
        )
        for issue in job.issues:
            self.stdout.write(f"Row {issue['row']}, {issue['column'] or '-'}: {issue['message']}")
        if not (job.created or job.updated) and (job.errors or not job.rows_total):
            raise CommandError("Nothing could be imported.")
