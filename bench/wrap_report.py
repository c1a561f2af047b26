"""How fast a campaign's wrap report is at 2,000 collaborations and 1,000,000 metric snapshots,
next to the bare SQL aggregate (``make bench``; issue 6, "Speed": under a second).

    python -m bench.wrap_report [--database sqlite|postgres|both] [--requests 20]

For each database a child process (Django reads its settings once) migrates its own database,
generates the data set unless it is already there (``bench.generate`` for the workspace and its
creators, ``bench.generate_performance`` for the campaign, its posts and snapshots, bonuses,
clicks and orders), then measures, ``--warmup`` times unmeasured and ``--requests`` times:

- the bare SQL aggregate: one hand-written statement summing each post's latest snapshot and the
  campaign's spend, through ``connection.cursor()``: the floor;
- ``performance.queries.figures.totals`` and ``figures_by(level=collaboration)``, the one
  aggregation every report reads, and ``queries.report.campaign_report``, the whole report
  assembled without rendering (and without the figures over time, as the page asks for it);
- the report page ``performance:report`` through Django's test client, signed in as a manager,
  and the figures over time (``performance:report_over_time``), which the page loads right after
  it in a second request (each date is one pass over the campaign's posts).

It prints p50 and p95 latency and the queries of each, side by side for each database, against
the one-second target, with PASS or FAIL, checks that the bare SQL and ``figures.totals`` agree,
and exits with 1 when anything fails. ``--explain`` prints the plans of the page's slowest
queries, ``--profile`` where one page request spends its time (cProfile).

SQLite lives in ``var/bench/wrap-sqlite/`` and is kept between runs (``--fresh`` rebuilds it).
PostgreSQL uses ``DATABASE_URL`` when set (kept there too), else a throwaway cluster started for
the run (``bench.creator_list.throwaway_postgres``), where the data set is made each time.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import os
import pstats
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench.creator_list import (
    BENCH_DIR,
    PG_PORT,
    PROJECT,
    Bench,
    database_version,
    load,
    throwaway_postgres,
)

TARGET_MS = 1000.0
CURRENCY = "USD"
MANAGER_EMAIL = "manager3@bench.rapport.test"
NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.wrap_report", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--collaborations", type=int, default=2_000, help="in the campaign")
    parser.add_argument("--snapshots", type=int, default=1_000_000, help="metric snapshots")
    parser.add_argument("--seed", type=int, default=42, help="random seed of the data set")
    parser.add_argument(
        "--database", choices=["sqlite", "postgres", "both"], default="both", help="(both)"
    )
    parser.add_argument("--requests", type=int, default=20, help="measured runs of each")
    parser.add_argument("--warmup", type=int, default=3, help="unmeasured runs of each first")
    parser.add_argument("--fresh", action="store_true", help="rebuild the SQLite data set")
    parser.add_argument(
        "--explain", action="store_true", help="plans of each measurement's slowest queries"
    )
    parser.add_argument(
        "--profile", action="store_true", help="where one report page request spends its time"
    )
    parser.add_argument("--pg-port", type=int, default=PG_PORT, help="throwaway cluster's port")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--results", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        return run_child(args)
    return run_parent(args)


# --- The parent: one child process per database -------------------------------------------


def run_parent(args: argparse.Namespace) -> int:
    started = time.monotonic()
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    runs: list[dict[str, Any]] = []
    failed = []
    for database in databases:
        data_dir = BENCH_DIR / f"wrap-{database}"
        (data_dir / "static").mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            "RAPPORT_DATA_DIR": str(data_dir),
            "RAPPORT_DEBUG": "0",
            "ALLOWED_HOSTS": "testserver",
            "RAPPORT_LOG_LEVEL": "ERROR",
            "DJANGO_SETTINGS_MODULE": "rapport.settings",
        }
        try:
            if database == "sqlite":
                env.pop("DATABASE_URL", None)
                runs.append(run_child_process(args, database, env))
            elif os.environ.get("DATABASE_URL"):
                print("PostgreSQL: using DATABASE_URL (the bench workspace is created there once).")
                runs.append(run_child_process(args, database, env))
            else:
                with throwaway_postgres(args.pg_port) as url:
                    runs.append(run_child_process(args, database, {**env, "DATABASE_URL": url}))
        except subprocess.CalledProcessError:
            print(f"The {database} benchmark failed (see above).")
            failed.append(database)
    passed = print_table(runs)
    print(f"\nTotal time {time.monotonic() - started:.0f} s; {load()} on {os.cpu_count()} CPUs.")
    if failed:
        print(f"Not measured, the run failed: {', '.join(failed)}.")
    return 0 if passed and not failed else 1


def run_child_process(
    args: argparse.Namespace, database: str, env: dict[str, str]
) -> dict[str, Any]:
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(suffix=".json", dir=BENCH_DIR, delete=False) as handle:
        results = Path(handle.name)
    command = [sys.executable, "-m", "bench.wrap_report", "--child", "--database", database]
    for option in ("collaborations", "snapshots", "seed", "requests", "warmup"):
        command += [f"--{option}", str(getattr(args, option))]
    command += [f"--{flag}" for flag in ("fresh", "explain", "profile") if getattr(args, flag)]
    command += ["--results", str(results)]
    print(f"\n== {database} (wrap report)")
    try:
        subprocess.run(command, env=env, cwd=PROJECT, check=True)
        return dict(json.loads(results.read_text()))
    finally:
        results.unlink(missing_ok=True)


def verdict(row: dict[str, Any]) -> str:
    if row["status"] != 200:
        return "n/a" if row["status"] == 404 else "FAIL"
    return "PASS" if row["p95"] < TARGET_MS else "FAIL"


def print_table(runs: list[dict[str, Any]]) -> bool:
    """The measurements side by side per database, against the target; whether all passed."""
    if not runs:
        return False
    names: list[str] = []
    for run in runs:
        names += [r["scenario"] for r in run["results"] if r["scenario"] not in names]
    header = f"\n{'measurement':34}"
    for run in runs:
        title = f"{NAMES.get(run['vendor'], run['vendor'])} {run['version'].split()[0]}"
        header += f" | {title:^33}"
    print(header + f" | target p95 < {TARGET_MS:.0f} ms")
    print(f"{'':34}" + f" | {'p50 ms':>8} {'p95 ms':>8} {'queries':>7} {'':>7}" * len(runs))
    passed = True
    for name in names:
        line = f"{name:34}"
        for run in runs:
            row = next((r for r in run["results"] if r["scenario"] == name), None)
            if row is None:
                line += f" | {'':33}"
                continue
            outcome = verdict(row)
            passed &= outcome != "FAIL"
            if row["status"] != 200:
                note = "not built yet" if row["status"] == 404 else f"HTTP {row['status']}"
                line += f" | {note:>25} {outcome:>7}"
            else:
                line += f" | {row['p50']:8.1f} {row['p95']:8.1f} {row['queries']:7} {outcome:>7}"
        print(line)
    for run in runs:
        name = NAMES.get(run["vendor"], run["vendor"])
        print(f"\n{name}: {run['data']}; {run['check']}")
        passed &= run["agree"]
    return passed


# --- Inside the child: Django set up on one database ----------------------------------------


def run_child(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    workspace, campaign = ensure_data(args)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    version = database_version(connection)
    print(f"{connection.vendor} {version}, {os.cpu_count()} CPUs, {load()}")
    gc.collect()
    gc.freeze()
    bench = WrapBench(workspace, args, campaign)
    results = bench.run()
    output = {
        "vendor": connection.vendor,
        "version": version,
        "results": results,
        "data": bench.describe(),
        "check": bench.check_text,
        "agree": bench.agree,
    }
    Path(args.results).write_text(json.dumps(output))
    return 0


def ensure_data(args: argparse.Namespace) -> tuple[Any, Any]:
    """The workspace and its complete wrap campaign, generated when missing."""
    from bench.creator_list import remove_data_sets
    from bench.generate import bench_slug, generate
    from bench.generate_performance import find_wrap, generate_performance
    from rapport.workspaces.models import Workspace

    # A few generated creators are deleted ones: make enough live ones for every collaboration.
    creators = args.collaborations + args.collaborations // 20 + 10
    slug = bench_slug(creators, args.seed)
    sizes = {"collaborations": args.collaborations, "snapshots": args.snapshots, "seed": args.seed}
    workspace = Workspace.objects.filter(slug=slug).first()
    if workspace is not None and not args.fresh:
        campaign = find_wrap(workspace, **sizes)
        if campaign is not None:
            print(
                f"Reusing the data set in workspace {slug} ({args.collaborations:,} "
                f"collaborations, {args.snapshots:,} snapshots)."
            )
            return workspace, campaign
    if Workspace.objects.filter(slug__startswith="bench-").exists():
        print("Removing the previous data set…")
        remove_data_sets()
    print(f"Generating {creators:,} creators (seed {args.seed})…")
    workspace = generate(creators=creators, seed=args.seed)
    print(f"Generating the wrap campaign ({args.snapshots:,} snapshots)…")
    campaign = generate_performance(workspace, **sizes)
    return workspace, campaign


@dataclass(frozen=True)
class Done:
    """What a measured call gives back, to be measured like a response."""

    value: Any
    status_code: int = 200


def bare_sql() -> str:
    """The campaign's headline totals in one statement, written by hand: each post's latest
    snapshot (latest collection date, then latest recorded, then highest id) summed, and the
    spend of the collaborations that count (committed cost, less the product's value unless the
    campaign counts it, plus any bonus line), in one currency, declined and cancelled left out."""
    from rapport.campaigns.models import Campaign, Collaboration
    from rapport.finance.models import BonusLine
    from rapport.performance.models import MetricSnapshot, Post

    tables = {
        "snapshot": MetricSnapshot._meta.db_table,
        "post": Post._meta.db_table,
        "collab": Collaboration._meta.db_table,
        "campaign": Campaign._meta.db_table,
        "bonus": BonusLine._meta.db_table,
    }
    counted = """
        c.campaign_id = %(campaign)s AND c.stage NOT IN ('declined', 'cancelled')
        AND COALESCE(NULLIF(c.currency, ''), k.currency) = %(currency)s
    """
    return f"""
        SELECT
            COALESCE(SUM(s.reach), 0),
            COALESCE(SUM(s.impressions), 0),
            COALESCE(SUM(s.views), 0),
            COALESCE(SUM(COALESCE(s.likes, 0) + COALESCE(s.comments, 0)
                         + COALESCE(s.shares, 0) + COALESCE(s.saves, 0)), 0),
            (SELECT SUM(COALESCE(c.committed_cost, 0)
                        - CASE WHEN k.spend_includes_product THEN 0 ELSE c.product_value END
                        + COALESCE(b.amount, 0))
               FROM {tables["collab"]} c
               JOIN {tables["campaign"]} k ON k.id = c.campaign_id
               LEFT JOIN {tables["bonus"]} b ON b.collaboration_id = c.id
              WHERE {counted})
        FROM {tables["post"]} p
        JOIN {tables["collab"]} c ON c.id = p.collaboration_id
        JOIN {tables["campaign"]} k ON k.id = c.campaign_id
        JOIN {tables["snapshot"]} s ON s.id = (
            SELECT l.id FROM {tables["snapshot"]} l WHERE l.post_id = p.id
            ORDER BY l.collected_on DESC, l.recorded_at DESC, l.id DESC LIMIT 1
        )
        WHERE {counted}
    """


class WrapBench(Bench):
    """The bare aggregate, the figures queries and the report page, on the wrap campaign."""

    def __init__(self, workspace: Any, args: argparse.Namespace, campaign: Any) -> None:
        super().__init__(workspace, args)
        self.campaign = campaign
        self.check_text = "not checked"
        self.agree = False

    def describe(self) -> str:
        from rapport.performance.models import MetricSnapshot, Post

        posts = Post.objects.filter(collaboration__campaign=self.campaign)
        snapshots = MetricSnapshot.objects.filter(post__in=posts).count()
        collaborations = self.campaign.collaborations.count()
        return (
            f"{collaborations:,} collaborations, {posts.count():,} posts, {snapshots:,} snapshots"
        )

    def call(self, name: str, function: Callable[[], Any]) -> dict[str, Any]:
        """Measure ``function`` like a page (warm-up, timed runs, queries, plans)."""
        return self.measure("call", name, lambda _url: Done(function()), name)

    def run(self) -> list[dict[str, Any]]:
        from rapport.performance.queries import figures

        results = [self.call("bare SQL aggregate", self.aggregate)]
        ws, campaign = self.workspace, self.campaign
        results.append(
            self.call(
                "figures.totals",
                lambda: figures.totals(ws, currency=CURRENCY, campaign=campaign),
            )
        )
        results.append(
            self.call(
                "figures_by(level=collaboration)",
                lambda: figures.figures_by(
                    ws, level=figures.Level.COLLABORATION, currency=CURRENCY, campaign=campaign
                ),
            )
        )
        self.compare()
        results.append(self.assembled())
        results.append(self.page())
        results.append(self.over_time())
        return results

    def aggregate(self) -> tuple[Any, ...]:
        with self.connection.cursor() as cursor:
            cursor.execute(bare_sql(), {"campaign": self.campaign.pk, "currency": CURRENCY})
            return tuple(cursor.fetchone())

    def compare(self) -> None:
        """The bare SQL and ``figures.totals`` must give the same headline figures."""
        from rapport.performance.queries import figures

        reach, impressions, views, engagements, spend = self.aggregate()
        bare = {
            "reach": int(reach),
            "impressions": int(impressions),
            "views": int(views),
            "engagements": int(engagements),
            "spend": Decimal(str(spend or 0)).quantize(Decimal("0.01")),
        }
        totals = figures.totals(self.workspace, currency=CURRENCY, campaign=self.campaign)
        differ = {k: (v, getattr(totals, k)) for k, v in bare.items() if getattr(totals, k) != v}
        self.agree = not differ
        self.check_text = (
            f"the bare SQL and figures.totals agree (spend {bare['spend']:,} {CURRENCY}, reach "
            f"{bare['reach']:,}, engagements {bare['engagements']:,})"
            if not differ
            else f"DIFFERENT: bare SQL vs figures.totals {differ}"
        )
        print(f"  {self.check_text}")

    def assembled(self) -> dict[str, Any]:
        try:
            from rapport.performance.queries.report import campaign_report
        except ImportError:
            return self.result("call", "queries.report.campaign_report", [], [], 404)
        return self.call(
            "queries.report.campaign_report",
            lambda: campaign_report(self.campaign, currency=CURRENCY, with_series=False),
        )

    def over_time(self) -> dict[str, Any]:
        """The report's figures over time, which the page loads in a second request."""
        from django.test import Client
        from django.urls import reverse

        from rapport.workspaces.models import User

        url = reverse(
            "performance:report_over_time",
            kwargs={"ws": self.workspace.slug, "pk": self.campaign.pk},
        )
        client = Client(headers={"HX-Request": "true"})
        client.force_login(User.objects.get(email=MANAGER_EMAIL))
        return self.measure("page", "report over time (2nd request)", client.get, url)

    def page(self) -> dict[str, Any]:
        from django.test import Client
        from django.urls import NoReverseMatch, reverse

        from rapport.workspaces.models import User

        name = "report page (manager)"
        try:
            url = reverse(
                "performance:report", kwargs={"ws": self.workspace.slug, "pk": self.campaign.pk}
            )
        except NoReverseMatch:
            print("  The report page (performance:report) does not exist yet: not measured.")
            return self.result("page", name, [], [], 404)
        client = Client()
        client.force_login(User.objects.get(email=MANAGER_EMAIL))
        result = self.measure("page", name, client.get, url)
        if self.args.profile and result["status"] == 200:
            profile(lambda: client.get(url))
        return result


def profile(request: Callable[[], Any]) -> None:
    """Print where one request spends its time: the 30 costliest functions, cumulatively."""
    profiler = cProfile.Profile()
    profiler.enable()
    request()
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
    print(out.getvalue())


if __name__ == "__main__":
    sys.exit(main())
