"""Finance's services for bonuses: the agreed ladder (or commission) evaluated on the measured
results at wrap time, kept as a bonus line that finance approves and pays.

The measured metric comes from the collaboration's attributed orders
(``tracking.queries.results.collaboration_results``) over the ladder's window: ``window_days``
from the moment the first deliverable went live, else the whole campaign (its dates, when it has
them). CPA = spend / conversions, where spend is the reports' spend before any bonus
(``performance.queries.figures.spend_before_bonus``: the agreed fee and add-ons, and the seeded
product only where the campaign counts it), rounded to the cent as shown; with no
conversion the CPA is "n/a" and no rung is reached. Revenue and conversions are read as they are;
a commission pays its percentage of the revenue. Orders in another currency than the terms' are
left out, and the calculation says how many.

``calculation`` keeps every input and each rung's outcome; :func:`explain` writes it in plain
words, the same on the finance pages and on the creator's hub. A line is computed again while it
is ``computed``; approving it fixes it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rapport.campaigns.models import (
    BonusKind,
    BonusMetric,
    BonusMode,
    Collaboration,
    CollabStage,
    Deliverable,
)
from rapport.campaigns.services.collaborations import record_on_timelines
from rapport.campaigns.services.offers import (
    BonusData,
    PackageData,
    bonus_earned,
    committed_cost,
    rung_reached,
)
from rapport.finance.models import BonusLine, BonusStatus
from rapport.finance.queries import wrapped_bonus
from rapport.hub.money import money
from rapport.performance.queries.figures import spend_before_bonus
from rapport.tracking.queries.results import collaboration_results
from rapport.workspaces.calendar import zone
from rapport.workspaces.models import Membership, User
from rapport.workspaces.roles import Perm, role_allows

CENT = Decimal("0.01")


def may_compute(membership_or_role: Membership | str) -> bool:
    """Managers and finance compute (and recompute) bonuses: campaigns or invoices rights."""
    role = (
        membership_or_role.role
        if isinstance(membership_or_role, Membership)
        else membership_or_role
    )
    return role_allows(role, Perm.MANAGE_CAMPAIGNS) or role_allows(role, Perm.MANAGE_INVOICES)


def agreed_bonus(collaboration: Collaboration) -> tuple[PackageData, BonusData] | None:
    """The agreed terms and their bonus, or None without terms or without a bonus."""
    if not collaboration.terms:
        return None
    data = PackageData.from_terms(collaboration.terms)
    return (data, data.bonus) if data.bonus is not None else None


def measuring_window(
    collaboration: Collaboration, bonus: BonusData
) -> tuple[dt.datetime | None, dt.datetime | None, str]:
    """Where orders count, as [since, until) and its basis: ``live`` (``window_days`` from the
    first deliverable going live) or ``campaign`` (the campaign's dates on the workspace's
    calendar; an open end when it has none)."""
    first_live = Deliverable.objects.filter(
        collaboration=collaboration, went_live_at__isnull=False
    ).aggregate(first=Min("went_live_at"))["first"]
    if bonus.window_days and first_live is not None:
        return first_live, first_live + dt.timedelta(days=bonus.window_days), "live"
    campaign = collaboration.campaign
    local = zone(collaboration.workspace.time_zone)
    since = (
        dt.datetime.combine(campaign.starts_on, dt.time.min, tzinfo=local)
        if campaign.starts_on
        else None
    )
    until = (
        dt.datetime.combine(campaign.ends_on + dt.timedelta(days=1), dt.time.min, tzinfo=local)
        if campaign.ends_on
        else None
    )
    return since, until, "campaign"


def _paid_rungs(bonus: BonusData, reached: list[bool]) -> list[bool]:
    """Which rungs the bonus pays: every one reached (cumulative), or the most demanding one
    reached (highest rung: the lowest CPA threshold, the highest revenue or conversions)."""
    if bonus.mode == BonusMode.CUMULATIVE:
        return reached
    indexes = [n for n, ok in enumerate(reached) if ok]
    if not indexes:
        return reached
    thresholds = [bonus.rungs[n][0] for n in indexes]
    best = min(thresholds) if bonus.metric == BonusMetric.CPA else max(thresholds)
    chosen = indexes[thresholds.index(best)]
    return [n == chosen for n in range(len(reached))]


def calculate(collaboration: Collaboration, data: PackageData, bonus: BonusData) -> dict[str, Any]:
    """Every input of the bonus and each rung's outcome, as plain JSON (what ``BonusLine.
    calculation`` keeps and :func:`explain` reads)."""
    since, until, basis = measuring_window(collaboration, bonus)
    results = collaboration_results(collaboration, since=since, until=until)
    metric = BonusMetric.REVENUE if bonus.kind == BonusKind.COMMISSION else bonus.metric
    spend = (
        spend_before_bonus(collaboration)
        if collaboration.committed_cost is not None
        else committed_cost(data)
    )
    measured: Decimal | None
    if metric == BonusMetric.CPA:
        measured = (
            (spend / results.conversions).quantize(CENT, rounding=ROUND_HALF_UP)
            if results.conversions
            else None
        )
    elif metric == BonusMetric.REVENUE:
        measured = results.revenue.quantize(CENT)
    else:
        measured = Decimal(results.conversions)
    amount = bonus_earned(bonus, measured).quantize(CENT)
    reached = [
        measured is not None and rung_reached(metric, threshold, measured)
        for threshold, _amount in bonus.rungs
    ]
    paid = _paid_rungs(bonus, reached) if bonus.kind == BonusKind.LADDER else reached
    return {
        "kind": bonus.kind,
        "metric": metric,
        "mode": bonus.mode,
        "currency": data.currency,
        "time_zone": collaboration.workspace.time_zone,
        "window": {
            "basis": basis,
            "days": bonus.window_days,
            "since": since.isoformat() if since else None,
            "until": until.isoformat() if until else None,
        },
        "spend": str(spend),
        "conversions": results.conversions,
        "revenue": str(results.revenue.quantize(CENT)),
        "results_currency": results.currency,
        "other_currency_orders": results.other_currency_orders,
        "measured": None if measured is None else str(measured),
        "commission_percent": None
        if bonus.commission_percent is None
        else str(bonus.commission_percent),
        "rungs": [
            {
                "threshold": str(threshold),
                "amount": str(rung_amount),
                "reached": reached[n],
                "paid": paid[n],
            }
            for n, (threshold, rung_amount) in enumerate(bonus.rungs)
        ],
        "amount": str(amount),
    }


@dataclass(frozen=True)
class CreatorView:
    """What the creator is shown of their bonus: from the wrap on, the computed line and its
    calculation; while the content is live, the metric measured so far (nothing is stored)."""

    line: BonusLine | None
    measured: Decimal | None


def creator_view(collaboration: Collaboration) -> CreatorView:
    """The bonus as the hub shows it (one rule for the page and the hub API). Before the wrap it
    is measured live from the attributed results, like the wrap computes it; before any content
    is live, and without a bonus, nothing is measured (and nothing queried)."""
    line = wrapped_bonus(collaboration)
    if line is not None:
        return CreatorView(line=line, measured=line.measured)
    agreed = agreed_bonus(collaboration) if collaboration.stage == CollabStage.LIVE else None
    if agreed is None:
        return CreatorView(line=None, measured=None)
    measured = calculate(collaboration, *agreed)["measured"]
    return CreatorView(line=None, measured=None if measured is None else Decimal(measured))


def _summary(line: BonusLine, what: str) -> str:
    collaboration = line.collaboration
    return _("Bonus of %(creator)s in %(campaign)s %(what)s: %(amount)s") % {
        "creator": collaboration.creator.name,
        "campaign": collaboration.campaign.name,
        "what": what,
        "amount": money(line.amount, line.currency),
    }


@transaction.atomic
def compute_bonus(*, collaboration: Collaboration, actor: User | None) -> BonusLine | None:
    """Evaluate the agreed bonus on the measured results and store it as the collaboration's
    bonus line (see the module's rules); None when the terms have no bonus (a line still only
    computed is then removed). An approved or paid line is fixed: it is returned unchanged.
    Each computation goes on the creator's and the campaign's timelines."""
    collaboration = Collaboration.objects.select_related("workspace", "campaign", "creator").get(
        pk=collaboration.pk
    )
    line = BonusLine.objects.select_for_update().filter(collaboration=collaboration).first()
    agreed = agreed_bonus(collaboration)
    if agreed is None:
        if line is not None and line.status == BonusStatus.COMPUTED:
            line.delete()
        return None
    if line is not None and line.status != BonusStatus.COMPUTED:
        return line
    data, bonus = agreed
    calculation = calculate(collaboration, data, bonus)
    before = None if line is None else str(line.amount)
    if line is None:
        line = BonusLine(workspace=collaboration.workspace, collaboration=collaboration)
    line.collaboration = collaboration
    line.metric = calculation["metric"]
    line.measured = None if calculation["measured"] is None else Decimal(calculation["measured"])
    line.amount = Decimal(calculation["amount"])
    line.currency = data.currency
    line.calculation = calculation
    line.computed_at = timezone.now()
    line.computed_by = actor
    line.save()
    record_on_timelines(
        collaboration,
        actor=actor,
        kind="bonus.computed",
        summary=_summary(line, _("computed") if before is None else _("recomputed")),
        obj=line,
        changes={"bonus": (before, calculation["amount"]), "measured": (None, line.measured)},
    )
    return line


def _locked(line: BonusLine) -> BonusLine:
    return (
        BonusLine.objects.select_for_update(of=("self",))
        .select_related("workspace", "collaboration__creator", "collaboration__campaign")
        .get(pk=line.pk)
    )


@transaction.atomic
def approve_bonus(*, line: BonusLine, actor: User | None) -> BonusLine:
    """Finance approves a computed bonus: from now on it is fixed (no recomputing)."""
    line = _locked(line)
    if line.status != BonusStatus.COMPUTED:
        raise ValidationError(
            {"status": _("This bonus is already “%(s)s”.") % {"s": line.get_status_display()}}
        )
    return _advance(
        line, BonusStatus.APPROVED, actor=actor, word=_("approved"), fields={"approved_by": actor}
    )


@transaction.atomic
def mark_bonus_paid(*, line: BonusLine, actor: User | None, paid_on: dt.date | None) -> BonusLine:
    """Finance records an approved bonus as paid on ``paid_on`` (not in the future on the
    workspace's calendar)."""
    line = _locked(line)
    errors: dict[str, str] = {}
    if line.status != BonusStatus.APPROVED:
        errors["status"] = _("Only an approved bonus can be paid; this one is “%(s)s”.") % {
            "s": line.get_status_display()
        }
    today = timezone.localdate(timezone=zone(line.workspace.time_zone))
    if paid_on is None:
        errors["paid_on"] = _("Give the date it was paid.")
    elif paid_on > today:
        errors["paid_on"] = _("The payment date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    return _advance(
        line,
        BonusStatus.PAID,
        actor=actor,
        word=_("paid"),
        fields={"paid_on": paid_on},
        changes={"paid_on": (None, paid_on)},
    )


def _advance(
    line: BonusLine,
    status: BonusStatus,
    *,
    actor: User | None,
    word: str,
    fields: dict[str, Any],
    changes: dict[str, tuple[Any, Any]] | None = None,
) -> BonusLine:
    """Move the (locked) bonus on to ``status`` with ``fields`` set, and note it on the
    collaboration's timelines as ``bonus.<status>``: the status change and ``changes``."""
    changes = {"status": (line.status, status), **(changes or {})}
    line.status = status
    for name, value in fields.items():
        setattr(line, name, value)
    line.save(update_fields=["status", *fields])
    record_on_timelines(
        line.collaboration,
        actor=actor,
        kind=f"bonus.{status.value}",
        summary=_summary(line, word),
        obj=line,
        changes=changes,
    )
    return line


# ---------------------------------------------------------------------------------------------
# The calculation in plain words


def _day(value: str | None, time_zone: str, *, end: bool = False) -> str:
    """An ISO moment as a local date; an exclusive end shows the day before it ends."""
    if not value:
        return ""
    moment = parse_datetime(value)
    if moment is None:
        return ""
    if end:
        moment -= dt.timedelta(seconds=1)
    return formats.date_format(timezone.localtime(moment, zone(time_zone)).date(), "j M Y")


def _window_text(calc: dict[str, Any]) -> str:
    window = calc["window"]
    since = _day(window["since"], calc["time_zone"])
    until = _day(window["until"], calc["time_zone"], end=True)
    if window["basis"] == "live":
        return _(
            "Orders placed from %(since)s to %(until)s: %(days)s days from the first post going "
            "live."
        ) % {"since": since, "until": until, "days": window["days"]}
    if since and until:
        return _("Orders placed during the campaign, %(since)s to %(until)s.") % {
            "since": since,
            "until": until,
        }
    if since:
        return _("Orders placed since the campaign started on %(since)s.") % {"since": since}
    if until:
        return _("Orders placed until the campaign ended on %(until)s.") % {"until": until}
    return _("Every order attributed to this collaboration (the campaign has no dates).")


def _threshold(metric: str, value: str, currency: str) -> str:
    if metric == BonusMetric.CONVERSIONS:
        return f"{Decimal(value).normalize():f}"
    return money(value, currency)


def _rung_line(metric: str, rung: dict[str, Any], currency: str) -> str:
    threshold = _threshold(metric, rung["threshold"], currency)
    if metric == BonusMetric.CPA:
        what = _("CPA under %(t)s") % {"t": threshold}
    elif metric == BonusMetric.REVENUE:
        what = _("revenue of %(t)s or more") % {"t": threshold}
    else:
        what = _("%(t)s sales or more") % {"t": threshold}
    bonus = money(rung["amount"], currency)
    if rung["paid"]:
        outcome = _("reached, pays %(bonus)s") % {"bonus": bonus}
    elif rung["reached"]:
        outcome = _("reached, not added (a higher rung pays instead)")
    else:
        outcome = _("not reached")
    return f"+{bonus} · {what}: {outcome}"


def explain(calculation: dict[str, Any]) -> list[str]:
    """The bonus calculation in plain words, one line per step: the window, the results, the
    measured metric, each rung's outcome (or the commission) and the bonus. The finance pages
    and the creator's hub show these same lines; nothing for a line stored without one."""
    calc = calculation
    if not calc.get("rungs") and not calc.get("kind"):
        return []
    currency = calc["currency"]
    conversions = calc["conversions"]
    lines = [_window_text(calc)]
    lines.append(
        ngettext(
            "%(n)s attributed order, %(revenue)s in revenue after refunds.",
            "%(n)s attributed orders, %(revenue)s in revenue after refunds.",
            conversions,
        )
        % {"n": conversions, "revenue": money(calc["revenue"], currency)}
    )
    others = calc["other_currency_orders"]
    if others:
        lines.append(
            ngettext(
                "%(n)s order in another currency is left out: the bonus counts %(currency)s "
                "orders only.",
                "%(n)s orders in other currencies are left out: the bonus counts %(currency)s "
                "orders only.",
                others,
            )
            % {"n": others, "currency": currency}
        )
    metric = calc["metric"]
    if calc["kind"] == BonusKind.COMMISSION:
        percent = f"{Decimal(calc['commission_percent'] or 0).normalize():f}"
        lines.append(
            _("Commission: %(percent)s%% of %(revenue)s.")
            % {"percent": percent, "revenue": money(calc["revenue"], currency)}
        )
    else:
        if metric == BonusMetric.CPA:
            if calc["measured"] is None:
                lines.append(
                    _("CPA: n/a, as there is no attributed order; no rung can be reached.")
                )
            else:
                lines.append(
                    ngettext(
                        "CPA: %(spend)s spent (the agreed fees, bonus not included) ÷ "
                        "%(n)s order = %(cpa)s.",
                        "CPA: %(spend)s spent (the agreed fees, bonus not included) ÷ "
                        "%(n)s orders = %(cpa)s.",
                        conversions,
                    )
                    % {
                        "spend": money(calc["spend"], currency),
                        "n": conversions,
                        "cpa": money(calc["measured"], currency),
                    }
                )
        lines.extend(_rung_line(metric, rung, currency) for rung in calc["rungs"])
        lines.append(
            _("Every rung reached adds up.")
            if calc["mode"] == BonusMode.CUMULATIVE
            else _("The best rung reached pays; rungs do not add up.")
        )
    lines.append(_("Bonus: %(amount)s.") % {"amount": money(calc["amount"], currency)})
    return lines
