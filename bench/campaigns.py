"""Latency of the campaign pages and their list endpoints (``make bench``, after the creator list).

    python -m bench.campaigns [--creators 100000] [--database sqlite|postgres|both]

Same machinery as ``bench.creator_list`` (a child process per database, the same SQLite file in
``var/bench/`` and the same throwaway PostgreSQL cluster, the same creator data set): the child
adds 30 campaigns to the creator workspace (``bench.generate_campaigns``, made again on every run
so that clock states are relative to now), then requests each page as the member it is for
(signed in with ``force_login``) and each endpoint with that member's bearer token, ``--warmup``
times and then ``--requests`` times, and prints p50 and p95 latency and the queries per request.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
from pathlib import Path
from typing import Any

from bench.creator_list import (
    Bench,
    bench_parser,
    database_version,
    ensure_data,
    load,
    run_parent,
)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = bench_parser(
        "python -m bench.campaigns",
        __doc__.split("\n\n")[0],
        target_help="measure the pages, the endpoints or both",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        return run_child(args)
    return run_parent(
        args, module="bench.campaigns", flags=("fresh", "explain"), heading=" (campaigns)"
    )


def run_child(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench.generate_campaigns import generate_campaigns

    call_command("migrate", verbosity=0, interactive=False)
    workspace = ensure_data(args)
    print("Generating the campaigns…")
    campaign = generate_campaigns(workspace, seed=args.seed)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(f"{connection.vendor} {database_version(connection)}, {os.cpu_count()} CPUs, {load()}")
    gc.collect()
    gc.freeze()
    results = CampaignBench(workspace, args, campaign).run()
    Path(args.results).write_text(json.dumps(results))
    return 0


class CampaignBench(Bench):
    """The campaign pages and endpoints, each requested as the member it is for."""

    def __init__(self, workspace: Any, args: argparse.Namespace, campaign: Any) -> None:
        super().__init__(workspace, args)
        self.campaign = campaign

    def clients(self, email: str) -> tuple[Any, Any]:
        """A signed-in page client and a bearer-token API client for the member ``email``."""
        from django.test import Client

        from rapport.workspaces.models import User
        from rapport.workspaces.services import create_api_token

        user = User.objects.get(email=email)
        page = Client()
        page.force_login(user)
        _token, raw = create_api_token(workspace=self.workspace, user=user, name="bench")
        return page, Client(headers={"authorization": f"Bearer {raw}"})

    def run(self) -> list[dict[str, Any]]:
        from bench.generate_campaigns import REVIEWER_EMAIL
        from rapport.workspaces.models import User

        owner_page, owner_api = self.clients("owner@bench.rapport.test")
        reviewer_page, reviewer_api = self.clients(REVIEWER_EMAIL)
        manager_email = "manager3@bench.rapport.test"
        manager_page, manager_api = self.clients(manager_email)
        manager = User.objects.get(email=manager_email)
        ws, pk = f"/w/{self.workspace.slug}/campaigns", self.campaign.pk
        pages = [
            ("board", owner_page, f"{ws}/{pk}/board/"),
            ("board, owner filter", owner_page, f"{ws}/{pk}/board/?owner={manager.pk}"),
            ("table", owner_page, f"{ws}/{pk}/collaborations/"),
            ("overview", owner_page, f"{ws}/{pk}/"),
            ("review queue (decider)", reviewer_page, f"{ws}/reviews/"),
            ("this week (manager)", manager_page, f"{ws}/this-week/"),
            ("this week (manager, everyone)", manager_page, f"{ws}/this-week/?scope=everyone"),
            ("service levels", owner_page, f"{ws}/service-levels/"),
            ("shipments", owner_page, f"{ws}/shipments/"),
        ]
        endpoints = [
            ("collaborations", owner_api, f"/api/v1/campaigns/{pk}/collaborations?limit=50"),
            ("reviews (decider)", reviewer_api, "/api/v1/reviews?limit=50"),
            ("sla clocks", owner_api, "/api/v1/sla/clocks?limit=50"),
            ("weekly (manager)", manager_api, "/api/v1/weekly"),
        ]
        results = []
        for target, scenarios in (("page", pages), ("api", endpoints)):
            if self.args.target not in (target, "both"):
                continue
            for name, client, url in scenarios:
                if self.args.only in name:
                    results.append(self.measure(target, name, client.get, url))
        return results


if __name__ == "__main__":
    sys.exit(main())
