"""Latency of the creator list page and the list endpoint at 100,000 creators (``make bench``).

    python -m bench.creator_list [--creators 100000] [--database sqlite|postgres|both]

For each database a child process (Django reads its settings once, at start) migrates a database
of its own, generates the data set (``bench.generate``) unless it is already there, then requests
``GET /w/<ws>/creators/?<filters>`` as a signed-in member and ``GET /api/v1/creators?<filters>``
with a bearer token through Django's test client, a few times to warm up and then ``--requests``
times per scenario. It prints p50 and p95 latency and the queries each request made.

SQLite lives in ``var/bench/`` and the data set is kept between runs (``--fresh`` rebuilds it).
PostgreSQL uses ``DATABASE_URL`` when it is set, else a throwaway cluster started for the run on a
private port in a temporary directory, stopped by its pid and removed at the end.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import pwd
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

PROJECT = Path(__file__).resolve().parent.parent
BENCH_DIR = PROJECT / "var" / "bench"
PG_PORT = 54340
PG_DATABASE = "rapport_bench"
TARGET_MS = 150.0
PAGE_SIZE = 50

# Index candidates to try on the bench database with --candidates, as raw SQL statements
# "CREATE INDEX IF NOT EXISTS <name> ON ..." per database vendor. Empty: every candidate measured
# so far is now in Creator.Meta.indexes or migration 0004 (docs/operations/performance.md).
CANDIDATE_INDEXES: dict[str, list[str]] = {"sqlite": [], "postgresql": []}


def bench_parser(prog: str, description: str, *, target_help: str) -> argparse.ArgumentParser:
    """The options every benchmark of this folder takes: the data set, the databases, how many
    requests, pages or endpoints, a scenario filter, --fresh, --explain and the PostgreSQL port
    (plus the hidden ones the parent passes to its child processes)."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--creators", type=int, default=100_000, help="creators in the data set")
    parser.add_argument("--seed", type=int, default=42, help="random seed of the data set")
    parser.add_argument(
        "--database",
        choices=["sqlite", "postgres", "both"],
        default="both",
        help="which database to measure (default: both)",
    )
    parser.add_argument("--requests", type=int, default=20, help="measured requests per scenario")
    parser.add_argument("--warmup", type=int, default=3, help="unmeasured requests per scenario")
    parser.add_argument(
        "--target", choices=["page", "api", "both"], default="both", help=target_help
    )
    parser.add_argument("--only", default="", help="only scenarios whose name contains this")
    parser.add_argument("--fresh", action="store_true", help="rebuild the SQLite data set")
    parser.add_argument(
        "--explain",
        action="store_true",
        help="print the plan of each scenario's slowest queries (EXPLAIN QUERY PLAN / ANALYZE)",
    )
    parser.add_argument("--pg-port", type=int, default=PG_PORT, help="throwaway cluster's port")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--results", help=argparse.SUPPRESS)
    return parser


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = bench_parser(
        "python -m bench.creator_list",
        __doc__.split("\n\n")[0],
        target_help="measure the list page, the endpoint or both",
    )
    parser.add_argument(
        "--candidates",
        action="store_true",
        help="create the candidate indexes of CANDIDATE_INDEXES first (else drop them)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        return run_child(args)
    return run_parent(args, module="bench.creator_list", flags=("fresh", "explain", "candidates"))


def run_parent(
    args: argparse.Namespace, *, module: str, flags: tuple[str, ...], heading: str = ""
) -> int:
    """Measure ``module`` on each database asked for, each in a child process of its own, and
    print one table. ``flags`` are the boolean options passed on to the child."""
    started = time.monotonic()
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    results: list[dict[str, Any]] = []
    failed = []
    for database in databases:
        # Static files are served from the source tree; WhiteNoise only wants the folder to exist.
        (BENCH_DIR / database / "static").mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            "RAPPORT_DATA_DIR": str(BENCH_DIR / database),
            "RAPPORT_DEBUG": "0",
            "ALLOWED_HOSTS": "testserver",
            "RAPPORT_LOG_LEVEL": "ERROR",
            "DJANGO_SETTINGS_MODULE": "rapport.settings",
        }
        child = (module, flags, f"{database}{heading}")
        try:
            if database == "sqlite":
                env.pop("DATABASE_URL", None)
                results += run_child_process(args, database, env, *child)
            elif os.environ.get("DATABASE_URL"):
                print("PostgreSQL: using DATABASE_URL (the bench workspace is created there once).")
                results += run_child_process(args, database, env, *child)
            else:
                with throwaway_postgres(args.pg_port) as url:
                    results += run_child_process(
                        args, database, {**env, "DATABASE_URL": url}, *child
                    )
        except subprocess.CalledProcessError:
            print(f"The {database} benchmark failed (see above).")
            failed.append(database)
    print_table(results)
    print(f"\nTotal time {time.monotonic() - started:.0f} s; {load()} on {os.cpu_count()} CPUs.")
    slow = [r for r in results if r.get("p95") is not None and r["p95"] > TARGET_MS]
    if slow:
        print(f"{len(slow)} measurement(s) above the {TARGET_MS:.0f} ms p95 target (marked !).")
    if failed:
        print(f"Not measured, the run failed: {', '.join(failed)}.")
    return 1 if failed else 0


def run_child_process(
    args: argparse.Namespace,
    database: str,
    env: dict[str, str],
    module: str,
    flags: tuple[str, ...],
    heading: str,
) -> list[dict[str, Any]]:
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(suffix=".json", dir=BENCH_DIR, delete=False) as handle:
        results_path = Path(handle.name)
    command = [
        sys.executable,
        "-m",
        module,
        "--child",
        "--database",
        database,
        "--results",
        str(results_path),
        "--creators",
        str(args.creators),
        "--seed",
        str(args.seed),
        "--requests",
        str(args.requests),
        "--warmup",
        str(args.warmup),
        "--target",
        args.target,
        "--only",
        args.only,
    ] + [f"--{flag}" for flag in flags if getattr(args, flag)]
    print(f"\n== {heading}")
    try:
        subprocess.run(command, env=env, cwd=PROJECT, check=True)
        return list(json.loads(results_path.read_text() or "[]"))
    finally:
        results_path.unlink(missing_ok=True)


# --- A throwaway PostgreSQL cluster ----------------------------------------------------------


def postgres_bin() -> Path:
    """Where initdb and pg_ctl are: on the PATH, else the newest /usr/lib/postgresql/*/bin."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name)
    )
    if not candidates:
        raise SystemExit(
            "PostgreSQL is not installed: set DATABASE_URL, install it (apt-get install "
            "postgresql) or run with --database sqlite."
        )
    return candidates[-1].parent


def free_port(start: int) -> int:
    for port in range(start, start + 50):
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise SystemExit(f"No free port between {start} and {start + 49}.")


@contextmanager
def throwaway_postgres(port: int) -> Iterator[str]:
    """Start a private PostgreSQL cluster for the run; yield its URL; stop and remove it after."""
    bin_dir = postgres_bin()
    port = free_port(port)
    root = Path(tempfile.mkdtemp(prefix="rapport-bench-pg-"))
    root.chmod(0o755)
    as_root = os.geteuid() == 0
    if as_root:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            raise SystemExit(
                "Running as root, PostgreSQL needs a 'postgres' user to run as: create one "
                "(useradd --system postgres) or set DATABASE_URL."
            ) from None
        shutil.chown(root, "postgres")

    def run(command: str) -> None:
        argv = (
            ["su", "postgres", "-s", "/bin/sh", "-c", command] if as_root else ["sh", "-c", command]
        )
        subprocess.run(argv, check=True)

    data = root / "data"
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
    run(f"{bin_dir}/initdb -D {data} -U postgres -A trust -E UTF8 --locale=C >/dev/null")
    run(f"{bin_dir}/pg_ctl -D {data} -o {shlex.quote(options)} -l {root}/log -w start >/dev/null")
    pid = int((data / "postmaster.pid").read_text().split()[0])
    print(
        f"Started a throwaway PostgreSQL ({bin_dir.parent.name}) for this run: pid {pid}, "
        f"127.0.0.1:{port}, data in {root}. It is stopped and removed at the end."
    )
    try:
        subprocess.run(
            [
                str(bin_dir / "psql"),
                "-q",
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
                "-U",
                "postgres",
                "-c",
                f"CREATE DATABASE {PG_DATABASE}",
            ],
            check=True,
        )
        yield f"postgres://postgres@127.0.0.1:{port}/{PG_DATABASE}"
    finally:
        os.kill(pid, signal.SIGINT)  # PostgreSQL's "fast" shutdown
        deadline = time.monotonic() + 60
        while (data / "postmaster.pid").exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        shutil.rmtree(root, ignore_errors=True)
        print(f"Stopped the throwaway PostgreSQL (pid {pid}) and removed {root}.")


# --- Inside the child: Django set up on one database ----------------------------------------


def run_child(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    workspace = ensure_data(args)
    apply_candidates(connection, create=args.candidates)
    with connection.cursor() as cursor:
        # A fresh bulk load would otherwise be vacuumed by autovacuum in the middle of the run;
        # a live database is vacuumed, which also lets counts use index-only scans.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(f"{connection.vendor} {database_version(connection)}, {os.cpu_count()} CPUs, {load()}")
    # The generator's objects stay in this process; a web worker would not carry them, so keep
    # the garbage collector from walking them during the measurements.
    gc.collect()
    gc.freeze()
    results = Bench(workspace, args).run()
    Path(args.results).write_text(json.dumps(results))
    return 0


def load() -> str:
    """The load average: other work on the machine inflates every figure."""
    one, five, _fifteen = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min)"


def database_version(connection: Any) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sqlite_version()" if connection.vendor == "sqlite" else "SHOW server_version"
        )
        return str(cursor.fetchone()[0])


def ensure_data(args: argparse.Namespace) -> Any:
    from bench.generate import bench_slug, check_derived, generate
    from rapport.creators.models import Creator
    from rapport.workspaces.models import Workspace

    slug = bench_slug(args.creators, args.seed)
    workspace = Workspace.objects.filter(slug=slug).first()
    complete = (
        workspace is not None
        and Creator.objects.filter(workspace=workspace).count() == args.creators
    )
    if complete and not args.fresh:
        print(f"Reusing the data set in workspace {slug} ({args.creators:,} creators).")
        return workspace
    if Workspace.objects.filter(slug__startswith="bench-").exists():
        print("Removing the previous data set…")
        remove_data_sets()
        print("  done.")
    print(f"Generating {args.creators:,} creators (seed {args.seed})…")
    workspace = generate(creators=args.creators, seed=args.seed)
    check_derived(workspace)
    print("  derived columns match refresh_derived on a sample.")
    return workspace


def remove_data_sets() -> None:
    """Delete the bench workspaces and the bench team (nothing else in the database).

    The SQLite file under var/bench holds nothing else, so it is simply made again.
    """
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from rapport.workspaces.models import User, Workspace

    if connection.vendor == "sqlite":
        connection.close()
        name = Path(settings.DATABASES["default"]["NAME"])
        for path in (name, Path(f"{name}-wal"), Path(f"{name}-shm")):
            path.unlink(missing_ok=True)
        call_command("migrate", verbosity=0, interactive=False)
        return
    Workspace.objects.filter(slug__startswith="bench-").delete()
    User.objects.filter(email__endswith="@bench.rapport.test").delete()


def apply_candidates(connection: Any, *, create: bool) -> None:
    """Create the candidate indexes (``--candidates``) or drop them, so the flag decides."""
    statements = CANDIDATE_INDEXES.get(connection.vendor, [])
    with connection.cursor() as cursor:
        if create and connection.vendor == "postgresql":
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for statement in statements:
            name = statement.split(" INDEX IF NOT EXISTS ")[1].split()[0]
            cursor.execute(statement if create else f"DROP INDEX IF EXISTS {name}")
    if create and statements:
        print(f"Created {len(statements)} candidate indexes.")


class Bench:
    """The scenarios, measured on the page and on the endpoint."""

    def __init__(self, workspace: Any, args: argparse.Namespace) -> None:
        from django.db import connection

        self.workspace = workspace
        self.args = args
        self.connection = connection
        self.database = connection.vendor

    def scenarios(self) -> list[tuple[str, dict[str, Any]]]:
        """Filter combinations, with values picked from the data set."""
        from rapport.creators.models import SocialAccount, Tag
        from rapport.workspaces.models import User

        tags = {t.name: str(t.pk) for t in Tag.objects.filter(workspace=self.workspace)}
        manager = User.objects.get(email="manager3@bench.rapport.test")
        rare = (
            SocialAccount.objects.filter(workspace=self.workspace, platform="youtube")
            .order_by("id")
            .values_list("handle", flat=True)[4_321 % max(1, self.args.creators // 3)]
        )
        return [
            ("no filters", {}),
            ("stage", {"stage": "active"}),
            ("tier + platform", {"tier": "micro", "platform": "tiktok"}),
            ("tags any", {"tag": [tags["ugc"], tags["ambassador"]], "tag_mode": "any"}),
            ("tags all", {"tag": [tags["gifting-list"], tags["spring-launch"]], "tag_mode": "all"}),
            ("owner + country", {"owner": str(manager.pk), "country": "FR"}),
            (
                "followers + ER range",
                {"followers_min": "10k", "followers_max": "100k", "er_min": "2", "er_max": "4"},
            ),
            ("search common word", {"q": "skincare"}),
            ("search rare handle", {"q": f"@{rare}"}),
            ("custom field", {"cf.skin_type": "oily"}),
            ("has e-mail = no", {"has_email": "no"}),
            ("language", {"language": "ja"}),
            ("sort followers desc", {"sort": "-followers"}),
            (
                "combined + sort",
                {
                    "stage": "contacted",
                    "platform": "instagram",
                    "country": "US",
                    "sort": "-followers",
                },
            ),
        ]

    def run(self) -> list[dict[str, Any]]:
        from django.test import Client

        from rapport.workspaces.models import User
        from rapport.workspaces.services import create_api_token

        owner = User.objects.get(email="owner@bench.rapport.test")
        page_client = Client()
        page_client.force_login(owner)
        _token, raw = create_api_token(workspace=self.workspace, user=owner, name="bench")
        api_client = Client(headers={"authorization": f"Bearer {raw}"})
        base = f"/w/{self.workspace.slug}/creators/"
        results = []
        scenarios = self.scenarios()
        if self.args.target in ("page", "both"):
            for name, params in [*scenarios, ("page 200", {"page": "200"})]:
                if self.args.only in name:
                    url = f"{base}?{urlencode(params, doseq=True)}"
                    results.append(self.measure("page", name, page_client.get, url))
        if self.args.target in ("api", "both"):
            _ms, _count, probe = self.timed(api_client.get, "/api/v1/creators")
            if probe.status_code != 200:
                print(f"  The list endpoint answers HTTP {probe.status_code}: not measured.")
                return [*results, self.result("api", "list endpoint", [], [], probe.status_code)]
            for name, params in scenarios:
                if self.args.only in name:
                    url = f"/api/v1/creators?{urlencode({**params, 'limit': PAGE_SIZE}, True)}"
                    results.append(self.measure("api", name, api_client.get, url))
            if self.args.only in "cursor walk":
                results.append(self.cursor_walk(api_client))
        return results

    def timed(self, get: Callable[[str], Any], url: str) -> tuple[float, int, Any]:
        """One request: milliseconds, queries made, response."""
        count = 0

        def counter(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with self.connection.execute_wrapper(counter):
            started = time.perf_counter()
            response = get(url)
            elapsed = (time.perf_counter() - started) * 1000
        return elapsed, count, response

    def measure(
        self, target: str, name: str, get: Callable[[str], Any], url: str
    ) -> dict[str, Any]:
        times, queries = [], []
        status = 200
        for position in range(self.args.warmup + self.args.requests):
            elapsed, count, response = self.timed(get, url)
            if response.status_code != 200:
                status = response.status_code
                break
            if position >= self.args.warmup:
                times.append(elapsed)
                queries.append(count)
        result = self.result(target, name, times, queries, status)
        self.report(result, url)
        if self.args.explain and status == 200:
            self.explain(get, url)
        return result

    def cursor_walk(self, client: Any) -> dict[str, Any]:
        """Follow ``next`` from the first page for warm-up + 5 * requests pages; time each page."""
        times, queries = [], []
        status, cursor, pages = 200, None, self.args.warmup + self.args.requests * 5
        for position in range(pages):
            params = {"limit": PAGE_SIZE} | ({"cursor": cursor} if cursor else {})
            url = f"/api/v1/creators?{urlencode(params)}"
            elapsed, count, response = self.timed(client.get, url)
            if response.status_code != 200:
                status = response.status_code
                break
            if position >= self.args.warmup:
                times.append(elapsed)
                queries.append(count)
            cursor = response.json().get("next")
            if not cursor:
                break
        result = self.result(
            "api", f"cursor walk ({len(times) + self.args.warmup} pages)", times, queries, status
        )
        self.report(result, "/api/v1/creators?cursor=…")
        return result

    def result(
        self, target: str, name: str, times: list[float], queries: list[int], status: int
    ) -> dict[str, Any]:
        ordered = sorted(times)
        return {
            "scenario": name,
            "target": target,
            "database": self.database,
            "status": status,
            "p50": ordered[len(ordered) // 2] if ordered else None,
            "p95": ordered[math.ceil(0.95 * len(ordered)) - 1] if ordered else None,
            "queries": max(queries) if queries else None,
        }

    def report(self, result: dict[str, Any], url: str) -> None:
        if result["status"] != 200:
            print(f"  {result['target']:4} {result['scenario']:24} HTTP {result['status']} {url}")
            return
        print(
            f"  {result['target']:4} {result['scenario']:24} p50 {result['p50']:7.1f} ms  "
            f"p95 {result['p95']:7.1f} ms  {result['queries']} queries"
        )

    def explain(self, get: Callable[[str], Any], url: str) -> None:
        """Print the plans of the request's three slowest queries."""
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(self.connection) as captured:
            get(url)
        slowest = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:3]
        prefix = "EXPLAIN QUERY PLAN " if self.database == "sqlite" else "EXPLAIN ANALYZE "
        for query in slowest:
            if not query["sql"].lstrip().upper().startswith("SELECT"):
                continue
            print(f"    -- {float(query['time']) * 1000:.1f} ms: {query['sql'][:400]}")
            with self.connection.cursor() as cursor:
                cursor.execute(prefix + query["sql"])
                for row in cursor.fetchall():
                    print("       ", " ".join(str(col) for col in row))


def print_table(results: list[dict[str, Any]]) -> None:
    print(
        f"\n{'scenario':28} {'target':6} {'database':10} {'p50 ms':>8} {'p95 ms':>8} {'queries':>7}"
    )
    for r in results:
        if r["status"] != 200:
            print(
                f"{r['scenario']:28} {r['target']:6} {r['database']:10} "
                f"{'HTTP ' + str(r['status']):>17}"
            )
            continue
        flag = " !" if r["p95"] > TARGET_MS else ""
        print(
            f"{r['scenario']:28} {r['target']:6} {r['database']:10} {r['p50']:8.1f} "
            f"{r['p95']:8.1f} {r['queries']:7}{flag}"
        )


if __name__ == "__main__":
    sys.exit(main())
