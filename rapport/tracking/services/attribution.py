"""Which collaboration an order counts for (PRODUCT.md "Tracking and attribution").

In this order, the first rule that finds something decides:

1. a discount code on the order that is one of the workspace's codes, whatever its case: that
   code's collaboration (the order's first matching code when it carries several);
2. our click reference (the shop passes it on, or the landing page carries it as ``rclid``): that
   click of this workspace, if it happened within the workspace's attribution window before the
   order (exactly N days before still counts; a click after the order never does);
3. the landing page's ``utm_campaign`` and ``utm_content``, matching one of the workspace's
   tracking links: the last click on that link by a person (not a bot) within the window;
4. otherwise the order stays unattributed, kept and listed.

Re-evaluation: every delivery of an order runs these rules again, except that an order
attributed by its code keeps it (a code is the strongest evidence there is), an order attributed
by hand keeps it until someone clears it, and an order that is counted in an approved or paid
bonus never moves (that bonus was fixed on those orders). A discount code created after orders
that carry it runs the rules again on those orders (:func:`reattribute_code`).

By hand: someone who manages tracking may set the collaboration an order counts for
(:func:`attribute_by_hand`), or hand it back to the rules (:func:`clear_attribution`); both are
recorded on the collaborations' timelines.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Upper
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rapport.campaigns.models import Collaboration
from rapport.campaigns.services.collaborations import record_on_timelines
from rapport.finance.models import BonusLine, BonusStatus
from rapport.tracking.models import Attribution, Click, DiscountCode, Order, TrackingLink
from rapport.workspaces.models import User

CLICK_PARAMETER = "rclid"


@dataclass(frozen=True)
class Decision:
    """What the rules found for an order."""

    attributed_by: str
    collaboration_id: int | None = None
    discount_code: DiscountCode | None = None
    click: Click | None = None


NOBODY = Decision(Attribution.NONE)


def landing_parameters(landing_url: str) -> dict[str, str]:
    """The query parameters of a landing page, relative ("/p?x=1") or absolute; the first value
    of each."""
    try:
        query = urlsplit(landing_url.strip()).query
    except ValueError:
        return {}
    return {key: values[0].strip() for key, values in parse_qs(query).items() if values}


def click_ref_of(order: Order) -> str:
    """Our click reference on the order: as the shop passed it on, else from its landing page."""
    return order.click_ref or landing_parameters(order.landing_url).get(CLICK_PARAMETER, "")[:24]


def window_start(order: Order) -> dt.datetime:
    """The earliest click time that still counts for the order."""
    return order.placed_at - dt.timedelta(days=order.workspace.attribution_days)


def _in_window(order: Order) -> dict[str, dt.datetime]:
    return {"at__gte": window_start(order), "at__lte": order.placed_at}


def _by_code(order: Order) -> Decision | None:
    codes = [code.upper() for code in order.codes]
    if not codes:
        return None
    found = {
        c.upper_code: c
        for c in DiscountCode.objects.annotate(upper_code=Upper("code")).filter(
            workspace_id=order.workspace_id, upper_code__in=codes
        )
    }
    for code in codes:
        if code in found:
            match = found[code]
            return Decision(Attribution.CODE, match.collaboration_id, discount_code=match)
    return None


def _by_reference(order: Order) -> Decision | None:
    ref = click_ref_of(order)
    if not ref:
        return None
    click = (
        Click.objects.select_related("link")
        .filter(workspace_id=order.workspace_id, ref=ref, **_in_window(order))
        .first()
    )
    if click is None:
        return None
    return Decision(Attribution.CLICK, click.link.collaboration_id, click=click)


def _by_utm(order: Order) -> Decision | None:
    params = landing_parameters(order.landing_url)
    campaign, content = params.get("utm_campaign", ""), params.get("utm_content", "")
    if not campaign or not content:
        return None
    links = TrackingLink.objects.filter(
        workspace_id=order.workspace_id, utm_campaign=campaign, utm_content=content
    )
    click = (
        Click.objects.select_related("link")
        .filter(link__in=links, is_bot=False, **_in_window(order))
        .order_by("-at", "-id")
        .first()
    )
    if click is None:
        return None
    return Decision(Attribution.CLICK, click.link.collaboration_id, click=click)


def decide(order: Order) -> Decision:
    """What the rules say for the order as it stands (reads only)."""
    return _by_code(order) or _by_reference(order) or _by_utm(order) or NOBODY


def bonus_fixed(collaboration_id: int | None) -> bool:
    """Whether the collaboration's bonus is approved or paid: the orders it counts are fixed."""
    if collaboration_id is None:
        return False
    return BonusLine.objects.filter(
        collaboration_id=collaboration_id,
        status__in=[BonusStatus.APPROVED, BonusStatus.PAID],
    ).exists()


def is_settled(order: Order) -> bool:
    """Whether the order's attribution is final: by its code, set by hand, or counted in an
    approved bonus."""
    if order.attributed_by in (Attribution.CODE, Attribution.MANUAL):
        return True
    return bonus_fixed(order.collaboration_id)


def attribute(order: Order, *, save: bool = True) -> bool:
    """Set the order's collaboration, ``attributed_by``, discount code and click by the rules
    above, unless its attribution is settled; whether anything changed. Saves those fields
    unless ``save`` is false (the caller saves the order)."""
    if order.pk is not None and is_settled(order):
        return False
    decision = decide(order)
    new = {
        "collaboration_id": decision.collaboration_id,
        "attributed_by": decision.attributed_by,
        "discount_code_id": decision.discount_code.pk if decision.discount_code else None,
        "click_id": decision.click.pk if decision.click else None,
    }
    changed = any(getattr(order, name) != value for name, value in new.items())
    for name, value in new.items():
        setattr(order, name, value)
    if decision.discount_code is not None:
        order.discount_code = decision.discount_code
    if decision.click is not None:
        order.click = decision.click
    if changed and save:
        order.save(
            update_fields=["collaboration", "attributed_by", "discount_code", "click", "updated_at"]
        )
    return changed


def _counts_for(collaboration: Collaboration | None) -> str:
    if collaboration is None:
        return _("nobody")
    return f"{collaboration.creator.name} · {collaboration.campaign.name}"


def _refuse_if_fixed(order: Order, collaboration_id: int | None) -> None:
    """Refuse a change that would move an order into or out of an approved or paid bonus."""
    for collaboration_id_ in {order.collaboration_id, collaboration_id} - {None}:
        if bonus_fixed(collaboration_id_):
            raise ValidationError(
                {
                    "collaboration": _(
                        "Order %(order)s cannot move: the bonus of a collaboration it would leave "
                        "or join is approved or paid, and that bonus was fixed on its orders."
                    )
                    % {"order": order}
                }
            )


def _locked(order: Order) -> Order:
    return Order.objects.select_for_update().select_related("workspace").get(pk=order.pk)


@transaction.atomic
def attribute_by_hand(
    *, order: Order, collaboration: Collaboration, actor: User | None, reason: str = ""
) -> Order:
    """Make the order count for ``collaboration`` (one of the order's workspace), whatever the
    rules say; later deliveries keep it until :func:`clear_attribution`. Refused (on
    ``collaboration``) when it is another workspace's, or when the order would leave or join a
    collaboration whose bonus is approved or paid. Recorded on the timelines of the collaboration
    it now counts for and of the one it left."""
    if collaboration.workspace_id != order.workspace_id:
        raise ValidationError(
            {"collaboration": _("Choose one of this workspace's collaborations.")}
        )
    order = _locked(order)
    before = order.collaboration
    if order.attributed_by == Attribution.MANUAL and order.collaboration_id == collaboration.pk:
        return order
    _refuse_if_fixed(order, collaboration.pk)
    order.collaboration = collaboration
    order.attributed_by = Attribution.MANUAL
    order.discount_code = None
    order.click = None
    order.save(
        update_fields=["collaboration", "attributed_by", "discount_code", "click", "updated_at"]
    )
    changes = {"counts for": (_counts_for(before), _counts_for(collaboration))}
    summary = _("Order %(order)s set by hand to count for %(to)s (was: %(was)s)") % {
        "order": order,
        "to": _counts_for(collaboration),
        "was": _counts_for(before),
    }
    for counted in [collaboration, *([before] if before and before.pk != collaboration.pk else [])]:
        record_on_timelines(
            counted,
            actor=actor,
            kind="tracking.order_attributed_by_hand",
            summary=summary,
            obj=order,
            changes=changes,
            reason=reason,
        )
    return order


@transaction.atomic
def clear_attribution(*, order: Order, actor: User | None, reason: str = "") -> Order:
    """Hand an order set by hand back to the rules and apply them at once. Refused (on
    ``attributed_by``) for an order not set by hand, and (on ``collaboration``) when it would
    leave or join a collaboration whose bonus is approved or paid. Recorded on the timelines of
    the collaborations it left and joined."""
    order = _locked(order)
    if order.attributed_by != Attribution.MANUAL:
        raise ValidationError(
            {"attributed_by": _("Order %(order)s was not set by hand.") % {"order": order}}
        )
    before = order.collaboration
    decision = decide(order)
    _refuse_if_fixed(order, decision.collaboration_id)
    order.attributed_by = Attribution.NONE
    if not attribute(order):
        order.save(update_fields=["attributed_by", "updated_at"])
    after = order.collaboration
    summary = _("Order %(order)s handed back to the rules: it counts for %(to)s (was: %(was)s)") % {
        "order": order,
        "to": _counts_for(after),
        "was": _counts_for(before),
    }
    touched = {c.pk: c for c in (before, after) if c is not None}
    for counted in touched.values():
        record_on_timelines(
            counted,
            actor=actor,
            kind="tracking.order_attribution_cleared",
            summary=summary,
            obj=order,
            changes={"counts for": (_counts_for(before), _counts_for(after))},
            reason=reason,
        )
    return order


def reattribute_code(discount_code: DiscountCode) -> int:
    """Run the rules again on the workspace's orders that carry ``discount_code`` (whatever its
    case) and that no code or hand attributed yet: an order placed before its code existed then
    counts for the code's collaboration. Orders counted in an approved or paid bonus stay. How
    many orders changed; recorded on the collaboration's timelines when any did."""
    code = discount_code.code.upper()
    candidates = Order.objects.select_related("workspace").filter(
        workspace_id=discount_code.workspace_id,
        attributed_by__in=[Attribution.NONE, Attribution.CLICK],
        codes__icontains=f'"{code}"',
    )
    changed = 0
    for order in candidates:
        if code in (c.upper() for c in order.codes) and attribute(order):
            changed += 1
    if changed:
        collaboration = discount_code.collaboration
        record_on_timelines(
            collaboration,
            actor=None,
            kind="tracking.code_reattributed",
            summary=ngettext(
                "%(n)s earlier order with the code %(code)s now counts for %(to)s",
                "%(n)s earlier orders with the code %(code)s now count for %(to)s",
                changed,
            )
            % {"n": changed, "code": discount_code.code, "to": _counts_for(collaboration)},
            obj=discount_code,
        )
    return changed
