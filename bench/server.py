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
"""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.creator_list import free_port

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
