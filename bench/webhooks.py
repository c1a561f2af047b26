"""Order webhook ingestion under concurrent load, with re-deliveries mixed in, next to a bare
Django view that only answers a 302; then every stored order checked exactly.

    python -m bench.webhooks [--database sqlite|postgres|both] [--orders 2000] [--clients 8]

For each database a child process migrates a throwaway database (SQLite in a temporary data
directory; PostgreSQL at ``DATABASE_URL`` or in a throwaway cluster), creates a workspace with a
Shopify shop, a creator's discount code and tracking link with clicks, and starts a real gunicorn
(``bench.server``: sync workers, no access log). Client processes (``bench.load``) then POST
signed Shopify deliveries, built like the recorded payloads of the tests, over fresh connections:

1. every order's ``orders/create``; ``--duplicates`` of them (20%) delivered again by another
   client at about the same moment (Shopify retries); ``--refunded`` of them (10%) followed by
   ``orders/updated`` carrying a refund, a quarter of which is delivered twice;
2. once those are answered, ``refunds/create`` for a second refund on some refunded orders and
   ``orders/cancelled`` for a few others, again with re-deliveries.

The same bodies are first POSTed to ``/bare/<slug>`` (no signature check, no database): the
framework's floor. It prints deliveries/s and p50/p95/p99 latency of both, then checks the
database: one order per distinct order id, each order's total, refunds and revenue to the cent,
each refund stored once, the code's orders attributed to its creator; PASS or FAIL.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench.creator_list import bench_parser, load
from bench.load import Request, run_load
from bench.redirect import figures_of
from bench.server import gunicorn, run_per_database

SECRET = "shpss_bench_9f8e7d6c5b4a"
DOMAIN = "bench-glow.myshopify.com"
CODE = "MAYA15"
PLACED = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = bench_parser(
        "python -m bench.webhooks",
        __doc__.split("\n\n")[0],
        target_help="(not used by this benchmark)",
    )
    parser.add_argument("--orders", type=int, default=2000, help="distinct orders")
    parser.add_argument("--duplicates", type=float, default=0.20, help="share re-delivered")
    parser.add_argument("--refunded", type=float, default=0.10, help="share with a refund")
    parser.add_argument("--clients", type=int, default=8, help="client processes (concurrency)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--port", type=int, default=8033, help="gunicorn's port (or the next)")
    parser.set_defaults(warmup=20)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        return run_child(args)
    options = {
        "--orders": args.orders,
        "--duplicates": args.duplicates,
        "--refunded": args.refunded,
        "--clients": args.clients,
        "--workers": args.workers,
        "--port": args.port,
        "--warmup": args.warmup,
        "--seed": args.seed,
    }
    return run_per_database(
        "bench.webhooks", database=args.database, pg_port=args.pg_port, options=options
    )


# --- The deliveries and what they must leave behind -------------------------------------------


@dataclass
class Expected:
    """An order as the database must hold it once every delivery is in."""

    total: Decimal
    refunds: dict[str, Decimal] = field(default_factory=dict)
    cancelled: bool = False
    coded: bool = False

    @property
    def refunded(self) -> Decimal:
        return sum(self.refunds.values(), Decimal("0.00"))

    @property
    def revenue(self) -> Decimal:
        return Decimal("0.00") if self.cancelled else max(self.total - self.refunded, Decimal(0))


def _order(number: int, total: Decimal, coded: bool, refunds: list[tuple[str, Decimal]]) -> bytes:
    """A Shopify order payload (the fields the tests' recorded payloads carry)."""
    placed = PLACED + dt.timedelta(seconds=number)
    return json.dumps(
        {
            "id": 7_000_000_000_000 + number,
            "name": f"#{10_000 + number}",
            "created_at": placed.isoformat(),
            "currency": "USD",
            "total_price": str(total),
            "cancelled_at": None,
            "financial_status": "partially_refunded" if refunds else "paid",
            "discount_codes": [{"code": CODE.lower(), "amount": "5.00", "type": "percentage"}]
            if coded
            else [],
            "landing_site": "/products/glow?utm_source=instagram&utm_medium=influencer"
            "&utm_campaign=viral-launch&utm_content=mayalin-bio",
            "note_attributes": [],
            "refunds": [
                {
                    "id": int(refund_id),
                    "created_at": (placed + dt.timedelta(days=1)).isoformat(),
                    "transactions": [{"kind": "refund", "status": "success", "amount": str(a)}],
                }
                for refund_id, a in refunds
            ],
            "line_items": [
                {"id": number, "title": "Glow Serum", "quantity": 1, "price": str(total)}
            ],
        }
    ).encode()


def _refund(number: int, refund_id: str, amount: Decimal) -> bytes:
    return json.dumps(
        {
            "id": int(refund_id),
            "order_id": 7_000_000_000_000 + number,
            "created_at": (PLACED + dt.timedelta(days=2)).isoformat(),
            "transactions": [{"kind": "refund", "status": "success", "amount": str(amount)}],
        }
    ).encode()


def _delivery(shop_key: str, topic: str, body: bytes, sign: Any) -> Request:
    return Request(
        "POST",
        f"/api/v1/webhooks/shopify/{shop_key}",
        body,
        {
            "Content-Type": "application/json",
            "X-Shopify-Topic": topic,
            "X-Shopify-Hmac-Sha256": sign(SECRET, body),
            "X-Shopify-Shop-Domain": DOMAIN,
        },
    )


def plan_deliveries(
    args: argparse.Namespace, shop_key: str, sign: Any
) -> tuple[list[list[Request]], list[list[Request]], dict[str, Expected]]:
    """The two phases' plans (one list per client) and the orders they must leave behind."""
    rng = random.Random(args.seed)
    clients = args.clients
    phase1: list[list[Request]] = [[] for _ in range(clients)]
    phase2: list[list[Request]] = [[] for _ in range(clients)]
    expected: dict[str, Expected] = {}
    refund_ids = iter(range(900_000_000, 999_999_999))
    for number in range(args.orders):
        order = Expected(total=Decimal(rng.randint(1_000, 40_000)) / 100, coded=rng.random() < 0.4)
        expected[str(7_000_000_000_000 + number)] = order
        create = _order(number, order.total, order.coded, [])
        client = number % clients
        phase1[client].append(_delivery(shop_key, "orders/create", create, sign))
        if rng.random() < args.duplicates:
            # Another client sends the same delivery at about the same place in its plan.
            phase1[(client + 1) % clients].append(
                _delivery(shop_key, "orders/create", create, sign)
            )
        draw = rng.random()
        if draw < args.refunded:
            first = (
                str(next(refund_ids)),
                (order.total * Decimal("0.3")).quantize(Decimal("0.01")),
            )
            order.refunds[first[0]] = first[1]
            update = _delivery(
                shop_key, "orders/updated", _order(number, order.total, order.coded, [first]), sign
            )
            phase1[rng.randrange(clients)].append(update)
            if rng.random() < 0.25:
                phase1[rng.randrange(clients)].append(update)
            if rng.random() < 0.5:
                second = (str(next(refund_ids)), Decimal("1.25"))
                order.refunds[second[0]] = second[1]
                refund = _delivery(shop_key, "refunds/create", _refund(number, *second), sign)
                phase2[rng.randrange(clients)].append(refund)
                if rng.random() < 0.25:
                    phase2[rng.randrange(clients)].append(refund)
        elif draw < args.refunded + 0.03:
            order.cancelled = True
            cancelled = json.loads(create)
            cancelled["cancelled_at"] = (PLACED + dt.timedelta(days=3)).isoformat()
            body = json.dumps(cancelled).encode()
            phase2[rng.randrange(clients)].append(
                _delivery(shop_key, "orders/cancelled", body, sign)
            )
    return phase1, phase2, expected


# --- Inside the child: Django set up on one database ----------------------------------------


def run_child(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from rapport.tracking.services.webhooks import sign

    call_command("migrate", verbosity=0, interactive=False)
    shop, collaboration_id = create_shop()
    phase1, phase2, expected = plan_deliveries(args, shop.key, sign)
    connection.close()  # gunicorn's workers open their own

    sent = sum(map(len, phase1)) + sum(map(len, phase2))
    print(
        f"gunicorn: {args.workers} sync workers; {args.clients} clients; {args.orders:,} orders "
        f"in {sent:,} signed deliveries (re-deliveries, updates with refunds, refunds/create, "
        f"cancellations), each over a fresh connection; {load()}"
    )
    # The same bodies, as many clients, to the floor.
    bare_plans = [
        [Request("POST", "/bare/webhook", r.body, {"Content-Type": "application/json"}) for r in p]
        for p in (a + b for a, b in zip(phase1, phase2, strict=True))
    ]
    with gunicorn(env=os.environ, workers=args.workers, port=args.port) as server:
        bare = run_load(server.host, server.port, bare_plans, warmup=args.warmup)
        webhooks = run_load(server.host, server.port, phase1)
        webhooks.add(run_load(server.host, server.port, phase2))
    print(f"  bare 302  {bare.summary()}")
    print(f"  webhooks  {webhooks.summary()}")
    problems = check(shop, collaboration_id, expected)
    problems += [
        f"{n} answered {status}" for status, n in webhooks.statuses.items() if status != 200
    ]
    if webhooks.failures:
        problems.append(f"{webhooks.failures} deliveries got no answer")
    passed = not problems
    ratio = webhooks.per_second / bare.per_second if bare.per_second else 0.0
    print(f"  webhooks/bare throughput: {ratio:.0%}")
    for problem in problems[:20]:
        print(f"  MISMATCH {problem}")
    print("  stored orders: " + ("PASS" if passed else f"FAIL ({len(problems)} problems)"))
    Path(args.results).write_text(
        json.dumps(
            {
                "database": connection.vendor,
                "passed": passed,
                "ratio": ratio,
                "bare": figures_of(bare),
                "webhooks": figures_of(webhooks),
            }
        )
    )
    return 0


def check(shop: Any, collaboration_id: int, expected: dict[str, Expected]) -> list[str]:
    """Every way the stored orders differ from what the deliveries say, in words."""
    from rapport.tracking.models import Order, Refund

    problems = []
    stored = {o.external_id: o for o in Order.objects.filter(shop=shop)}
    if len(stored) != len(expected):
        problems.append(f"{len(stored):,} orders stored for {len(expected):,} distinct orders")
    refunds: Counter[str] = Counter(
        Refund.objects.filter(order__shop=shop).values_list("order__external_id", flat=True)
    )
    for external_id, want in expected.items():
        order = stored.get(external_id)
        if order is None:
            problems.append(f"order {external_id} missing")
            continue
        got = (order.total, order.refunded, order.revenue, order.cancelled_at is not None)
        wanted = (want.total, want.refunded, want.revenue, want.cancelled)
        if got != wanted:
            problems.append(f"order {external_id}: {got} instead of {wanted}")
        if refunds[external_id] != len(want.refunds):
            problems.append(f"order {external_id}: {refunds[external_id]} refunds stored")
        if want.coded and order.collaboration_id != collaboration_id:
            problems.append(f"order {external_id} not attributed to the code's creator")
    return problems


def create_shop() -> tuple[Any, int]:
    """A workspace with a Shopify shop, and a creator's discount code and link with clicks."""
    from rapport.campaigns.models import Campaign, Collaboration
    from rapport.creators.models import Creator
    from rapport.tracking.models import Click, DiscountCode, Shop, TrackingLink
    from rapport.tracking.services.shops import new_key
    from rapport.workspaces.models import Workspace

    workspace = Workspace.objects.create(name="Bench webhooks", slug="bench-webhooks")
    campaign = Campaign.objects.create(
        workspace=workspace, name="Viral launch", slug="viral-launch", currency="USD"
    )
    creator = Creator.objects.create(workspace=workspace, name="Maya Lin")
    collaboration = Collaboration.objects.create(
        workspace=workspace, campaign=campaign, creator=creator
    )
    DiscountCode.objects.create(workspace=workspace, collaboration=collaboration, code=CODE)
    link = TrackingLink.objects.create(
        workspace=workspace,
        collaboration=collaboration,
        platform="instagram",
        slug="bench-webhook-link",
        destination="https://shop.example.com/products/glow",
        target_url="https://shop.example.com/products/glow",
        utm_source="instagram",
        utm_medium="influencer",
        utm_campaign="viral-launch",
        utm_content="mayalin-bio",
    )
    Click.objects.bulk_create(
        Click(
            workspace=workspace,
            link=link,
            ref=f"benchclick{n:06d}",
            at=PLACED - dt.timedelta(hours=n),
        )
        for n in range(500)
    )
    shop = Shop.objects.create(
        workspace=workspace,
        name="Bench Glow",
        platform="shopify",
        domain=DOMAIN,
        key=new_key(),
        secret=SECRET,
    )
    return shop, collaboration.pk


if __name__ == "__main__":
    sys.exit(main())
