"""A real gunicorn for HTTP benchmarks: started on a private port, stopped by its pid.

    from bench.server import gunicorn

    with gunicorn(env=env, workers=4) as server:      # env: RAPPORT_DATA_DIR, DATABASE_URL...
        run_load(server.host, server.port, plans)     # bench.load
    # gunicorn is stopped here (SIGTERM to its pid, then SIGKILL after 20 s)

The server runs ``rapport.wsgi:application`` with ``DJANGO_SETTINGS_MODULE=bench.bench_settings``
(the product's settings plus ``bench.bench_urls``: the product's URLs and one bare view,
``/bare/<slug>``, that only answers a 302), sync workers, the access log off, and
``RAPPORT_DEBUG=0``. ``env`` is the environment of the process that set the database up, so both
see the same data directory and database.

A benchmark's parent process runs itself as a child once per database with
``run_per_database(module, database=..., pg_port=..., options=...)``: each child gets a throwaway
data directory and database, starts the server and writes its results as JSON.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.creator_list import BENCH_DIR, free_port, load, throwaway_postgres

PROJECT = Path(__file__).resolve().parent.parent
SETTINGS = "bench.bench_settings"
DEFAULT_PORT = 8031


@dataclass(frozen=True)
class Server:
    """A running gunicorn: where to send requests, and its master's pid."""

    host: str
    port: int
    pid: int
    workers: int

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"


def server_env(env: Mapping[str, str]) -> dict[str, str]:
    """``env`` with what every benchmark server needs: the bench settings, no debug pages, quiet
    logs, and the loopback host allowed."""
    return {
        **env,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "RAPPORT_DEBUG": "0",
        "RAPPORT_LOG_LEVEL": "ERROR",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PYTHONPATH": str(PROJECT),
    }


def run_per_database(
    module: str, *, database: str, pg_port: int, options: Mapping[str, object]
) -> int:
    """Run ``python -m <module> --child`` once per database asked for (``both``: SQLite, then
    PostgreSQL) with ``options``, each on a throwaway data directory under ``var/bench`` removed
    after, and a throwaway database (PostgreSQL at ``DATABASE_URL`` when set, else a private
    cluster on ``pg_port``). Prints the machine's load; exit status 0 when every child passed."""
    databases = ["sqlite", "postgres"] if database == "both" else [database]
    prefix = module.rpartition(".")[2]
    results = []
    for name in databases:
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        data_dir = Path(tempfile.mkdtemp(prefix=f"{prefix}-{name}-", dir=BENCH_DIR))
        (data_dir / "static").mkdir()
        env = {
            **os.environ,
            "RAPPORT_DATA_DIR": str(data_dir),
            "RAPPORT_DEBUG": "0",
            "DJANGO_SETTINGS_MODULE": "rapport.settings",
            "RAPPORT_LOG_LEVEL": "ERROR",
        }
        try:
            if name == "sqlite":
                env.pop("DATABASE_URL", None)
                results.append(_run_child(module, name, env, options))
            elif os.environ.get("DATABASE_URL"):
                print("PostgreSQL: using DATABASE_URL (use a scratch database).")
                results.append(_run_child(module, name, env, options))
            else:
                with throwaway_postgres(pg_port) as url:
                    results.append(_run_child(module, name, {**env, "DATABASE_URL": url}, options))
        finally:
            shutil.rmtree(data_dir, ignore_errors=True)
    print(f"\n{load()} on {os.cpu_count()} CPUs.")
    return 0 if results and all(r["passed"] for r in results) else 1


def _run_child(
    module: str, database: str, env: dict[str, str], options: Mapping[str, object]
) -> Any:
    """One child run; its results, as the JSON it wrote to ``--results``."""
    results = Path(env["RAPPORT_DATA_DIR"]) / "results.json"
    command = [sys.executable, "-m", module, "--child", "--database", database]
    for option, value in {"--results": results, **options}.items():
        command += [option, str(value)]
    print(f"\n== {database}")
    subprocess.run(command, env=env, cwd=PROJECT, check=True)
    return json.loads(results.read_text())


@contextmanager
def gunicorn(
    *,
    env: Mapping[str, str],
    workers: int = 4,
    port: int = DEFAULT_PORT,
    timeout: float = 30.0,
) -> Iterator[Server]:
    """Start gunicorn with ``workers`` sync workers on 127.0.0.1 (``port`` or the next free one),
    wait until it answers, yield it, and stop it by its pid (its workers go with it)."""
    port = free_port(port)
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "rapport.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--backlog",
        "2048",
        "--log-level",
        "warning",
        # No access log (gunicorn's default): writing one line per request would be measured too.
    ]
    process = subprocess.Popen(command, env=server_env(env), cwd=PROJECT)
    server = Server(host="127.0.0.1", port=port, pid=process.pid, workers=workers)
    try:
        wait_until_up(server, process, timeout)
        yield server
    finally:
        stop(process)


def wait_until_up(server: Server, process: subprocess.Popen[bytes], timeout: float) -> None:
    """Poll until every worker can answer (one request per worker), or fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    answered = 0
    while answered < server.workers * 2:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with status {process.returncode} (see above).")
        if time.monotonic() > deadline:
            stop(process)
            raise SystemExit(f"gunicorn did not answer on {server.url} within {timeout:.0f} s.")
        try:
            connection = http.client.HTTPConnection(server.host, server.port, timeout=5)
            connection.request("GET", "/bare/up")
            connection.getresponse().read()
            connection.close()
            answered += 1
        except OSError:
            time.sleep(0.1)


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop gunicorn by its pid: SIGTERM (graceful, workers finish their request), then SIGKILL."""
    if process.poll() is not None:
        return
    os.kill(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
