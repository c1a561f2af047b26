"""``rapport export-creators --workspace SLUG [--format csv|xlsx] [FILTERS]``: export creators.

FILTERS is the creator list's query string (``"stage=active&tier=micro"``), so a list's URL can
be pasted. The file goes to standard output unless ``--output`` names one.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import QueryDict

from rapport.creators import exporting
from rapport.creators.queries import CreatorFilters
from rapport.workspaces.models import Workspace


class Command(BaseCommand):
    help = "Export creators to CSV or XLSX, with the creator list's filters."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("filters", nargs="?", default="", help="The list's query string.")
        parser.add_argument("--workspace", required=True, help="The workspace's slug.")
        parser.add_argument("--format", choices=exporting.FORMATS, default="csv")
        parser.add_argument("--output", type=Path, help="Write to this file (default: stdout).")
        parser.add_argument(
            "--include-private",
            action="store_true",
            help="Add shipping addresses and tax details.",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        workspace = Workspace.objects.filter(slug=opts["workspace"]).first()
        if workspace is None:
            raise CommandError(f"No workspace with slug {opts['workspace']}.")
        try:
            filters = CreatorFilters.from_params(QueryDict(opts["filters"].lstrip("?")))
            options = {
                "workspace": workspace,
                "filters": filters,
                "fmt": opts["format"],
                "include_private": opts["include_private"],
            }
            if opts["output"]:
                with opts["output"].open("wb") as out:
                    exporting.write_export(out, **options)
            else:
                exporting.write_export(sys.stdout.buffer, **options)
                sys.stdout.buffer.flush()
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
