"""The check before launch against a real HTTP server on loopback: answers, redirects, errors
and a server too slow; codes that are stopped, out of their window or used up; creators missing
a link or a code."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from rapport.testing.factories import ShopFactory
from rapport.tracking.models import DiscountCode, Order, TrackingLink
from rapport.tracking.services import codes as code_services
from rapport.tracking.services import links as link_services
from rapport.tracking.services.checks import check_campaign, probe
from rapport.tracking.tests.links_fixtures import allow, campaign, contracted, maya
from rapport.workspaces.models import AuditEvent

__all__ = ["campaign", "maya"]  # fixtures
SLOW_SECONDS = 2


class Shop(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        if path == "/ok":
            self._answer(200)
        elif path == "/moved":
            self._answer(302, location="/ok")
        elif path == "/away":
            port = self.headers["Host"].rsplit(":", 1)[1]
            self._answer(302, location=f"http://localhost:{port}/ok")
        elif path == "/loop":
            self._answer(302, location="/loop")
        elif path == "/broken":
            self._answer(500)
        elif path == "/slow":
            time.sleep(SLOW_SECONDS)
            self._answer(200)
        elif path == "/endless":
            self._endless()
        else:
            self._answer(404)

    def _answer(self, status: int, location: str = "") -> None:
        try:
            self.send_response(status)
            if location:
                self.send_header("Location", location)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the check gave up on a slow answer, as it should

    def _endless(self) -> None:
        """A page announcing a gigabyte and sending only its first bytes, then nothing."""
        try:
            self.send_response(200)
            self.send_header("Content-Length", str(10**9))
            self.end_headers()
            self.wfile.write(b"<html>")
            self.wfile.flush()
            time.sleep(SLOW_SECONDS)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def shop_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Shop)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def link(collaboration, destination, platform="instagram"):
    return link_services.create_link(
        collaboration=collaboration, platform=platform, destination=destination, actor=None
    )


def code(collaboration, **kwargs):
    kwargs.setdefault("value", 15)
    return code_services.create_code(collaboration=collaboration, actor=None, **kwargs)


def test_probe_reads_the_final_answer(shop_url):
    assert probe(f"{shop_url}/ok") == ""
    assert probe(f"{shop_url}/moved") == ""
    assert probe(f"{shop_url}/missing") == "the page answers 404 Not Found"
    assert probe(f"{shop_url}/broken") == "the page answers 500 Internal Server Error"
    assert probe(f"{shop_url}/loop") == "it redirects more than 5 times"
    assert probe(f"{shop_url}/slow", timeout=0.5) == "the page did not answer within 0.5 seconds"
    assert probe("http://127.0.0.1:9/") == "the server refused the connection"
    assert probe("http://no-such-host.invalid/") == "the domain name does not resolve (DNS)"


def test_probe_reads_only_the_status_never_the_page(shop_url):
    # Reading the body would wait on the missing bytes past the timeout and report a slow page.
    assert probe(f"{shop_url}/endless", timeout=0.5) == ""


def test_the_check_names_each_creator_and_link_or_code_at_fault(campaign, maya, shop_url):
    allow(campaign.workspace, "127.0.0.1")
    ok = link(maya, f"{shop_url}/ok")
    code(maya)
    leo = contracted(campaign, "Leo Park", "leo")
    broken = link(leo, f"{shop_url}/missing")
    link(leo, f"{shop_url}/moved", platform="tiktok")
    yesterday = timezone.now() - dt.timedelta(days=1)
    code(leo, ends_at=yesterday)
    ana = contracted(campaign, "Ana Ruiz", "ana")
    code(ana, usage_limit=1)
    zed = contracted(campaign, "Zed Stone", "zed")
    stopped = link(zed, f"{shop_url}/broken")
    link_services.deactivate_link(link=stopped, actor=None)
    code(
        zed,
        starts_at=dt.datetime(2026, 11, 10, tzinfo=dt.UTC),
        ends_at=dt.datetime(2026, 12, 1, tzinfo=dt.UTC),
    )
    shop = ShopFactory.create(workspace=campaign.workspace)
    used_up = DiscountCode.objects.get(code="ANA15")
    Order.objects.create(
        workspace=campaign.workspace, shop=shop, external_id="1", placed_at=timezone.now(),
        currency="USD", total=Decimal(10), revenue=Decimal(10), source="webhook",
        collaboration=ana, attributed_by="code", discount_code=used_up,
    )  # fmt: skip

    problems = [str(p) for p in check_campaign(campaign=campaign, actor=None, timeout=2)]

    assert problems == [
        "Ana Ruiz: no active tracking link",
        "Ana Ruiz, ANA15: its usage limit (1) is already reached",
        f"Leo Park, /r/{broken.slug}: the page answers 404 Not Found",
        f"Leo Park, LEO15: the code ended on {yesterday:%-d %b %Y}",  # the workspace is on UTC
        "Zed Stone: no active tracking link",
        "Zed Stone, ZED15: the code starts after the campaign does (1 Nov 2026)",
    ]
    ok.refresh_from_db()
    broken.refresh_from_db()
    stopped.refresh_from_db()
    assert (ok.check_result, ok.check_message) == ("ok", "")
    assert (broken.check_result, broken.check_message) == (
        "problem", "the page answers 404 Not Found",
    )  # fmt: skip
    assert stopped.checked_at is None  # stopped links are not fetched
    assert DiscountCode.objects.get(code="MAYAGLOW15").check_result == "ok"
    assert AuditEvent.objects.get(kind="tracking.checked").summary == (
        "Checked before launch: 6 problems"
    )


def test_a_slow_destination_is_a_problem_and_links_are_checked_together(campaign, shop_url):
    allow(campaign.workspace, "127.0.0.1")
    slow = []
    for n in range(6):
        collaboration = contracted(campaign, f"Creator {n}", f"creator{n}")
        slow.append(link(collaboration, f"{shop_url}/slow"))
        code(collaboration)
    problems = check_campaign(campaign=campaign, actor=None, timeout=1)
    assert [p.message for p in problems] == ["the page did not answer within 1 seconds"] * 6
    assert set(TrackingLink.objects.values_list("check_result", flat=True)) == {"problem"}
    assert AuditEvent.objects.filter(kind="tracking.checked").count() == 1


def test_a_campaign_ready_to_launch_has_no_problem(campaign, maya, shop_url):
    allow(campaign.workspace, "127.0.0.1")
    link(maya, f"{shop_url}/moved")
    code(maya, ends_at=dt.datetime(2027, 1, 1, tzinfo=dt.UTC))
    assert check_campaign(campaign=campaign, actor=None) == []
    assert AuditEvent.objects.get(kind="tracking.checked").summary == (
        "Checked before launch: every link and code is ready"
    )


def test_a_redirect_off_the_allowed_domains_is_a_problem_and_is_not_followed(
    campaign, maya, shop_url
):
    allow(campaign.workspace, "127.0.0.1")
    away = link(maya, f"{shop_url}/away")
    code(maya)

    problems = [str(p) for p in check_campaign(campaign=campaign, actor=None, timeout=2)]

    assert problems == [
        f"Maya Chen, /r/{away.slug}: it redirects to localhost, which is not one of the "
        "allowed domains"
    ]
    assert probe(f"{shop_url}/away") == (
        "it redirects to localhost, which is not one of the allowed domains"
    )


def test_a_cancelled_order_does_not_use_a_code_up(campaign, maya, shop_url):
    allow(campaign.workspace, "127.0.0.1")
    link(maya, f"{shop_url}/ok")
    limited = code(maya, usage_limit=1)
    Order.objects.create(
        workspace=campaign.workspace, shop=ShopFactory.create(workspace=campaign.workspace),
        external_id="1", placed_at=timezone.now(), currency="USD", total=Decimal(10),
        revenue=Decimal(0), cancelled_at=timezone.now(), source="webhook", collaboration=maya,
        attributed_by="code", discount_code=limited,
    )  # fmt: skip

    assert check_campaign(campaign=campaign, actor=None, timeout=2) == []
