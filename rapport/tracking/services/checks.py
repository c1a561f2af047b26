"""The check before launch: every link's destination answers, every code is active for the
campaign's dates and not used up, and every tracked creator has both.

Destinations are fetched concurrently (a thread pool sharing one httpx client; each request a
streamed GET with a short timeout, following a few redirects, whose body is never downloaded), so
fifty links take seconds. The outcome of each link and code is
stored on it (``checked_at``, ``check_result``, ``check_message``) for the pages to show.
"""

from __future__ import annotations

import datetime as dt
import socket
import ssl
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import httpx
from django.db import transaction
from django.db.models import Count
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rapport.campaigns.models import Campaign, Collaboration
from rapport.tracking.models import CheckResult, DiscountCode, Order, TrackingLink
from rapport.tracking.queries.links import tracked_collaborations
from rapport.tracking.services.links import allowed_domains, host_allowed
from rapport.workspaces.calendar import zone
from rapport.workspaces.models import User
from rapport.workspaces.services import record

CHECK_TIMEOUT = 5.0  # seconds for each destination to answer
MAX_REDIRECTS = 5
MAX_WORKERS = 16
USER_AGENT = "Rapport link check (+https://github.com/rapport-crm)"


@dataclass(frozen=True)
class Problem:
    """One thing to fix before launch, in plain words."""

    collaboration_id: int
    creator: str
    subject: str  # the short link or the code at fault; empty when something is missing
    message: str

    def __str__(self) -> str:
        if self.subject:
            return f"{self.creator}, {self.subject}: {self.message}"
        return f"{self.creator}: {self.message}"


class OffDomain(httpx.HTTPError):
    """A redirect towards a host outside the workspace's allowed domains: not followed."""

    def __init__(self, host: str) -> None:
        super().__init__(host)
        self.host = host


def _client(timeout: float, domains: list[str]) -> httpx.Client:
    """A client that follows redirects only within ``domains``: the check never fetches a page
    elsewhere (another site, or an address inside the network Rapport runs in)."""

    def stay_on_domains(request: httpx.Request) -> None:
        host = request.url.host.rstrip(".").lower()
        if not host_allowed(host, domains):
            raise OffDomain(host)

    return httpx.Client(
        timeout=timeout,
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        headers={"User-Agent": USER_AGENT},
        event_hooks={"request": [stay_on_domains]},
    )


def probe(
    url: str,
    timeout: float = CHECK_TIMEOUT,
    *,
    domains: list[str] | None = None,
    client: httpx.Client | None = None,
) -> str:
    """Why ``url`` is not ready ("" when a GET ends, after at most five redirects, with a 2xx
    answer). Only the status is read, never the page, and only hosts on ``domains`` (by default
    the URL's own host) are fetched: a redirect elsewhere is a problem. ``client`` lets a batch
    of checks share one connection pool; without it a client is opened for this one request."""
    if client is None:
        own_domains = domains if domains is not None else [httpx.URL(url).host.lower()]
        with _client(timeout, own_domains) as own:
            return probe(url, timeout, client=own)
    try:
        with client.stream("GET", url) as response:
            status, reason = response.status_code, response.reason_phrase
    except OffDomain as exc:
        return _("it redirects to %(host)s, which is not one of the allowed domains") % {
            "host": exc.host
        }
    except httpx.TooManyRedirects:
        return _("it redirects more than %(n)s times") % {"n": MAX_REDIRECTS}
    except httpx.TimeoutException:
        return _slow(timeout)
    except httpx.ConnectError as exc:
        return _connect_problem(exc)
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        return _("the page could not be reached (%(reason)s)") % {"reason": exc}
    if not 200 <= status < 300:
        return _("the page answers %(code)s %(reason)s") % {"code": status, "reason": reason}
    return ""


def _connect_problem(exc: BaseException) -> str:
    """Name the cause of a failed connection: DNS, a refusal or a bad certificate."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, socket.gaierror):
            return _("the domain name does not resolve (DNS)")
        if isinstance(cause, ConnectionRefusedError):
            return _("the server refused the connection")
        if isinstance(cause, ssl.SSLError):
            return _("its secure connection (TLS certificate) is not valid")
        cause = cause.__cause__ or cause.__context__
    return _("the page could not be reached (%(reason)s)") % {"reason": exc}


def _slow(timeout: float) -> str:
    return _("the page did not answer within %(n)s seconds") % {"n": f"{timeout:g}"}


def _local_day_start(campaign: Campaign, day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=zone(campaign.workspace.time_zone))


def _date(moment: dt.datetime, campaign: Campaign) -> str:
    local = moment.astimezone(zone(campaign.workspace.time_zone))
    return formats.date_format(local, "j M Y")


def code_problem(code: DiscountCode, campaign: Campaign, used: int, now: dt.datetime) -> str:
    """Why ``code`` is not ready for the campaign ("" when it is): not active, its window not
    covering today and the campaign's dates, or its usage limit already reached."""
    if not code.is_active:
        return _("the code is deactivated")
    if code.starts_at and code.starts_at > now:
        return _("the code only starts on %(d)s") % {"d": _date(code.starts_at, campaign)}
    if code.ends_at and code.ends_at <= now:
        return _("the code ended on %(d)s") % {"d": _date(code.ends_at, campaign)}
    starts_on = campaign.starts_on
    if code.starts_at and starts_on and code.starts_at > _local_day_start(campaign, starts_on):
        return _("the code starts after the campaign does (%(d)s)") % {
            "d": formats.date_format(starts_on, "j M Y")
        }
    if code.ends_at and campaign.ends_on:
        last_moment = _local_day_start(campaign, campaign.ends_on + dt.timedelta(days=1))
        if code.ends_at < last_moment:
            return _("the code ends before the campaign does (%(d)s)") % {
                "d": formats.date_format(campaign.ends_on, "j M Y")
            }
    if code.usage_limit is not None and used >= code.usage_limit:
        return _("its usage limit (%(limit)s) is already reached") % {"limit": code.usage_limit}
    return ""


def _missing(collaboration: Collaboration) -> list[Problem]:
    problems = []
    name = collaboration.creator.name
    if not any(link.is_active for link in collaboration.tracking_links.all()):
        problems.append(Problem(collaboration.pk, name, "", _("no active tracking link")))
    if not any(code.is_active for code in collaboration.discount_codes.all()):
        problems.append(Problem(collaboration.pk, name, "", _("no active discount code")))
    return problems


def check_campaign(
    *, campaign: Campaign, actor: User | None, timeout: float = CHECK_TIMEOUT
) -> list[Problem]:
    """Check the campaign's tracking before launch; store each link's and code's outcome and
    return the problems, by creator, in plain words naming the creator and the link or code.
    Deactivated links are not fetched; a creator without an active link or code is a problem.

    The pages are fetched before any write, outside a transaction: a slow shop must not hold the
    database's write lock (the redirect records clicks meanwhile)."""
    collaborations = list(tracked_collaborations(campaign))
    links = [link for c in collaborations for link in c.tracking_links.all() if link.is_active]
    codes = [code for c in collaborations for code in c.discount_codes.all() if code.is_active]
    with (
        _client(timeout, allowed_domains(campaign.workspace)) as client,
        ThreadPoolExecutor(max_workers=max(1, min(MAX_WORKERS, len(links)))) as pool,
    ):
        reasons = list(pool.map(lambda link: probe(link.target_url, timeout, client=client), links))
    with transaction.atomic():
        return _store_outcomes(campaign, actor, collaborations, links, reasons, codes)


def _store_outcomes(
    campaign: Campaign,
    actor: User | None,
    collaborations: list[Collaboration],
    links: list[TrackingLink],
    reasons: list[str],
    codes: list[DiscountCode],
) -> list[Problem]:
    """Store each link's and code's outcome and record the check; the problems by creator."""
    # A cancelled order never used the code up.
    used = dict(
        Order.objects.filter(discount_code__in=codes, cancelled_at__isnull=True)
        .values_list("discount_code")
        .annotate(n=Count("id"))
        .values_list("discount_code", "n")
    )
    now = timezone.now()
    by_collaboration: dict[int, list[Problem]] = {c.pk: _missing(c) for c in collaborations}
    for link, reason in zip(links, reasons, strict=True):
        _store(link, reason, now)
        if reason:
            by_collaboration[link.collaboration_id].append(
                Problem(
                    link.collaboration_id,
                    link.collaboration.creator.name,
                    f"/r/{link.slug}",
                    reason,
                )
            )
    for code in codes:
        reason = code_problem(code, campaign, used.get(code.pk, 0), now)
        _store(code, reason, now)
        if reason:
            by_collaboration[code.collaboration_id].append(
                Problem(code.collaboration_id, code.collaboration.creator.name, code.code, reason)
            )
    fields = ["checked_at", "check_result", "check_message"]
    TrackingLink.objects.bulk_update(links, fields)
    DiscountCode.objects.bulk_update(codes, fields)
    problems = [p for c in collaborations for p in by_collaboration[c.pk]]
    record(
        workspace=campaign.workspace,
        actor=actor,
        kind="tracking.checked",
        summary=ngettext(
            "Checked before launch: %(n)s problem",
            "Checked before launch: %(n)s problems",
            len(problems),
        )
        % {"n": len(problems)}
        if problems
        else _("Checked before launch: every link and code is ready"),
        obj=campaign,
        campaign=campaign,
    )
    return problems


def _store(row: TrackingLink | DiscountCode, reason: str, now: dt.datetime) -> None:
    row.checked_at = now
    row.check_result = CheckResult.PROBLEM if reason else CheckResult.OK
    row.check_message = reason[:300]
