"""``rapport token create --workspace SLUG --user EMAIL [--role ROLE]``: print a new API token.

Only the token goes to standard output, so it can be captured: ``TOKEN=$(rapport token create …)``.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rapport.workspaces.models import User, Workspace
from rapport.workspaces.roles import Role
from rapport.workspaces.services import PermissionDenied, create_api_token


class Command(BaseCommand):
    help = "Manage API tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a token and print it.")
        create.add_argument("--workspace", required=True)
        create.add_argument("--user", required=True, help="The member's e-mail.")
        create.add_argument("--role", choices=Role.values, help="Defaults to the member's role.")
        create.add_argument("--name", default="")

    def handle(self, *args: Any, **opts: Any) -> None:
        workspace = Workspace.objects.filter(slug=opts["workspace"]).first()
        if workspace is None:
            raise CommandError(f"No workspace with slug {opts['workspace']}.")
        user = User.objects.filter(email=opts["user"].strip().lower()).first()
        if user is None:
            raise CommandError(f"No user with e-mail {opts['user']}.")
        try:
            _token, raw = create_api_token(
                workspace=workspace, user=user, role=opts["role"], name=opts["name"]
            )
        except (PermissionDenied, ValueError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(raw)
