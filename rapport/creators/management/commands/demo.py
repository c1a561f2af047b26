"""``rapport demo``: create or refresh the demo workspace and print how to sign in."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from rapport.campaigns.demo import build_campaigns
from rapport.creators.demo import DEMO_OWNER, DEMO_PASSWORD, TEAM, build_demo
from rapport.hub.demo import build_hubs
from rapport.hub.services.links import url_of
from rapport.performance.demo import build_performance
from rapport.tracking.demo import build_tracking
from rapport.workspaces.models import User


class Command(BaseCommand):
    help = "Create or refresh the demo workspace (its creators are rebuilt)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--creators", type=int, default=60)

    def handle(self, *args: Any, creators: int, **options: Any) -> None:
        with transaction.atomic():
            workspace = build_demo(creators=creators)
            users = {
                user.email: user for user in User.objects.filter(email__in=[t[0] for t in TEAM])
            }
            build_campaigns(workspace, users)
            showcase = build_hubs(workspace, users)
            build_tracking(workspace, users)
            build_performance(workspace, users)
        count = workspace.creators.count()
        self.stdout.write(
            f"Demo workspace “{workspace.name}” is ready with {count} creators and "
            f"{workspace.campaigns.count()} campaigns.\n"
            f"  Open     {settings.RAPPORT_BASE_URL}/\n"
            f"  E-mail   {DEMO_OWNER}\n"
            f"  Password {DEMO_PASSWORD}\n"
            "  (teammates in every role: maya@, sam@, rita@, finn@, omar@, vic@demo.rapport.test, "
            "same password)"
        )
        if showcase is not None:
            self.stdout.write(
                f"  Creator hub of {showcase.collaboration.creator.name} (what the creator sees, "
                f"no sign-in):\n  {url_of(showcase)}"
            )
