"""``rapport createuser``: add a person who can sign in, optionally to a workspace with a role."""

from __future__ import annotations

import getpass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from rapport.workspaces.models import Membership, User, Workspace
from rapport.workspaces.roles import Role
from rapport.workspaces.services import create_user


class Command(BaseCommand):
    help = "Create a user; with --workspace, also make them a member with --role."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", default="")
        parser.add_argument("--password", help="Asked for when not given (and input is a TTY).")
        parser.add_argument("--workspace", help="Slug of a workspace to join.")
        parser.add_argument("--role", default=Role.VIEWER, choices=Role.values)

    @transaction.atomic
    def handle(self, *args: Any, **opts: Any) -> None:
        email = opts["email"].strip().lower()
        if User.objects.filter(email=email).exists():
            raise CommandError(f"A user with e-mail {email} already exists.")
        password = opts["password"] or getpass.getpass("Password: ")
        try:
            from django.contrib.auth.password_validation import validate_password

            validate_password(password)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        user = create_user(email=email, password=password, name=opts["name"])
        if opts["workspace"]:
            workspace = Workspace.objects.filter(slug=opts["workspace"]).first()
            if workspace is None:
                raise CommandError(f"No workspace with slug {opts['workspace']}.")
            Membership.objects.create(workspace=workspace, user=user, role=opts["role"])
        self.stdout.write(f"Created {email}.")
