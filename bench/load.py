"""A load generator for HTTP benchmarks: client processes, each sending its own list of requests
one after the other, each over a fresh connection (``http.client``), all starting together.

    from bench.load import Request, run_load

    plans = [[Request("GET", "/r/abc")] * 500 for _client in range(8)]   # 8 clients x 500
    result = run_load("127.0.0.1", 8031, plans)
    print(result.summary())            # requests/s, p50/p95/p99 ms, status counts
    result.statuses[302]               # how many 302s came back

A plan may mix methods, bodies and headers (``Request("POST", path, body, headers)``), so a
webhook benchmark can send signed deliveries with duplicates mixed in. One process per client,
so the clients do not share one Python interpreter's lock; with as many clients as the server
has workers or more, every worker stays busy.
"""

from __future__ import annotations

import http.client
import math
import multiprocessing
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.synchronize import Event


@dataclass(frozen=True)
class Request:
    """One request of a plan."""

    method: str
    path: str
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class LoadResult:
    """What the clients saw: latencies (ms) of the answered requests, status counts, failures
    (connection errors: no status), and the wall time from the common start to the last answer."""

    latencies_ms: list[float]
    statuses: Counter[int]
    failures: int
    seconds: float

    @property
    def sent(self) -> int:
        return sum(self.statuses.values()) + self.failures

    @property
    def per_second(self) -> float:
        return self.sent / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        """The nearest-rank ``p``th percentile of the latencies, in ms (0 without any)."""
        if not self.latencies_ms:
            return 0.0
        ordered = sorted(self.latencies_ms)
        return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]

    def add(self, other: LoadResult) -> None:
        """Fold another run's figures into these (as if the two runs were one, back to back)."""
        self.latencies_ms += other.latencies_ms
        self.statuses.update(other.statuses)
        self.failures += other.failures
        self.seconds += other.seconds

    def summary(self) -> str:
        statuses = ", ".join(f"{code}: {n}" for code, n in sorted(self.statuses.items()))
        failed = f", {self.failures} failed" if self.failures else ""
        return (
            f"{self.per_second:8.0f} req/s   p50 {self.percentile(50):6.1f} ms   "
            f"p95 {self.percentile(95):6.1f} ms   p99 {self.percentile(99):6.1f} ms   "
            f"({statuses}{failed})"
        )


def send(host: str, port: int, request: Request) -> int:
    """Send one request over a fresh connection; return the status (the body is read)."""
    connection = http.client.HTTPConnection(host, port, timeout=30)
    try:
        connection.request(request.method, request.path, body=request.body, headers=request.headers)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def _client(host: str, port: int, plan: Sequence[Request], start: Event, out: Connection) -> None:
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    failures = 0
    start.wait()
    for request in plan:
        began = time.perf_counter()
        try:
            status = send(host, port, request)
        except OSError:
            failures += 1
            continue
        latencies.append((time.perf_counter() - began) * 1000)
        statuses[status] += 1
    out.send((latencies, statuses, failures, time.monotonic()))
    out.close()


def run_load(
    host: str, port: int, plans: Sequence[Sequence[Request]], *, warmup: int = 0
) -> LoadResult:
    """Run one client process per plan against ``host:port`` and gather what they saw.

    ``warmup`` requests (the first of the first plan, repeated) are sent before, unmeasured.
    """
    for _ in range(warmup):
        send(host, port, plans[0][0])
    # fork: the plans reach the clients without pickling, and start-up costs nothing measurable.
    context = multiprocessing.get_context("fork")
    start = context.Event()
    pipes = []
    processes = []
    for plan in plans:
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(target=_client, args=(host, port, plan, start, sender))
        process.start()
        sender.close()
        pipes.append(receiver)
        processes.append(process)
    began = time.monotonic()
    start.set()
    result = LoadResult(latencies_ms=[], statuses=Counter(), failures=0, seconds=0.0)
    ended = began
    for receiver in pipes:
        latencies, statuses, failures, finished = receiver.recv()
        result.latencies_ms += latencies
        result.statuses.update(statuses)
        result.failures += failures
        ended = max(ended, finished)
    for process in processes:
        process.join()
    result.seconds = ended - began
    return result
