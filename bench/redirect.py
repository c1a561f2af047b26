"""Throughput and latency of the tracking redirect (``/r/<slug>``) under concurrent load, next to
a bare Django view that only answers a 302, and the clicks recorded counted afterwards.

    python -m bench.redirect [--database sqlite|postgres|both] [--clients 8] [--requests 500]

For each database a child process migrates a throwaway database (SQLite in a temporary data
directory; PostgreSQL at ``DATABASE_URL`` or in a throwaway cluster), creates a workspace, a
campaign, a collaboration and a tracking link, and starts a real gunicorn (``bench.server``:
sync workers, no access log). ``--clients`` client processes (``bench.load``) then each send
``--requests`` requests over fresh connections, to ``/bare/<slug>`` and to ``/r/<slug>`` in
turn (``--rounds`` times each, so that other work on the machine weighs on both alike). It prints
requests/s and p50/p95/p99 latency for both, the clicks stored against the 302s received (they
must be equal), and the tracked/bare throughput ratio against the 70% target.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from bench.creator_list import bench_parser, load
from bench.load import LoadResult, Request, run_load
from bench.server import gunicorn, run_per_database

TARGET_RATIO = 0.70
SLUG = "bench-redirect-link"
TARGETS = {"bare": f"/bare/{SLUG}", "tracked": f"/r/{SLUG}"}
PHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = bench_parser(
        "python -m bench.redirect",
        __doc__.split("\n\n")[0],
        target_help="(not used by this benchmark)",
    )
    parser.add_argument("--clients", type=int, default=8, help="client processes (concurrency)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--rounds", type=int, default=4, help="alternate the targets this often")
    parser.add_argument("--port", type=int, default=8031, help="gunicorn's port (or the next)")
    parser.set_defaults(requests=500, warmup=50)
    parser.epilog = (
        "--requests is per client, split over the rounds; --warmup requests go to each target "
        "before each round, unmeasured."
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        return run_child(args)
    options = {
        "--clients": args.clients,
        "--requests": args.requests,
        "--warmup": args.warmup,
        "--workers": args.workers,
        "--port": args.port,
        "--rounds": args.rounds,
    }
    return run_per_database(
        "bench.redirect", database=args.database, pg_port=args.pg_port, options=options
    )


# --- Inside the child: Django set up on one database ----------------------------------------


def run_child(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from rapport.tracking.models import Click
    from rapport.tracking.services.clicks import ingest_spool

    call_command("migrate", verbosity=0, interactive=False)
    link = create_link()
    connection.close()  # gunicorn's workers open their own

    per_round = max(1, args.requests // args.rounds)
    total = args.clients * per_round * args.rounds
    print(
        f"gunicorn: {args.workers} sync workers; {args.clients} clients x {args.requests} "
        f"requests = {total:,} per target, each over a fresh connection; {load()}"
    )
    with gunicorn(env=os.environ, workers=args.workers, port=args.port) as server:
        figures = {target: LoadResult([], Counter(), 0, 0.0) for target in TARGETS}
        # Alternate the targets in rounds: a burst of other work on the machine then weighs on
        # both rather than on whichever ran at that moment.
        for _round in range(args.rounds):
            for target, path in TARGETS.items():
                plan = [Request("GET", path, headers={"User-Agent": PHONE})] * per_round
                figures[target].add(
                    run_load(server.host, server.port, [plan] * args.clients, warmup=args.warmup)
                )
        for target, result in figures.items():
            print(f"  {target:8} {result.summary()}")
    # Counted once every worker has stopped: a click still being written is counted too.
    spooled = ingest_spool()
    recorded = Click.objects.filter(link=link).count() - args.warmup * args.rounds
    tracked, bare = figures["tracked"], figures["bare"]
    received = tracked.statuses[302]
    ratio = tracked.per_second / bare.per_second if bare.per_second else 0.0
    lost = received != recorded or tracked.sent != total
    passed = ratio >= TARGET_RATIO and not lost
    print(
        f"  clicks recorded: {recorded:,} of {received:,} redirects received"
        f" ({spooled.loaded} of them through the spool)" + (" MISMATCH" if lost else "")
    )
    print(
        f"  tracked/bare throughput: {ratio:.0%} (target {TARGET_RATIO:.0%}): "
        + ("PASS" if passed else "FAIL")
    )
    Path(args.results).write_text(
        json.dumps(
            {
                "database": connection.vendor,
                "ratio": ratio,
                "recorded": recorded,
                "received": received,
                "passed": passed,
                "bare": figures_of(bare),
                "tracked": figures_of(tracked),
            }
        )
    )
    return 0


def figures_of(result: LoadResult) -> dict[str, float]:
    return {
        "per_second": result.per_second,
        "p50": result.percentile(50),
        "p95": result.percentile(95),
        "p99": result.percentile(99),
    }


def create_link() -> Any:
    """A workspace, a campaign, a creator's collaboration and its tracking link."""
    from rapport.campaigns.models import Campaign, Collaboration
    from rapport.creators.models import Creator
    from rapport.tracking.models import TrackingLink
    from rapport.workspaces.models import Workspace

    workspace = Workspace.objects.create(name="Bench redirect", slug="bench-redirect")
    campaign = Campaign.objects.create(
        workspace=workspace, name="Viral launch", slug="viral-launch", currency="USD"
    )
    creator = Creator.objects.create(workspace=workspace, name="Maya Lin")
    collaboration = Collaboration.objects.create(
        workspace=workspace, campaign=campaign, creator=creator
    )
    destination = "https://shop.example.com/products/glow"
    utm = {
        "utm_source": "instagram",
        "utm_medium": "influencer",
        "utm_campaign": campaign.slug,
        "utm_content": "mayalin-bio",
    }
    query = "&".join(f"{key}={value}" for key, value in utm.items())
    return TrackingLink.objects.create(
        workspace=workspace,
        collaboration=collaboration,
        platform="instagram",
        placement="bio",
        slug=SLUG,
        destination=destination,
        target_url=f"{destination}?{query}",
        **utm,
    )


if __name__ == "__main__":
    sys.exit(main())
