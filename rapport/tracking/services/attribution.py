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
attributed by its code keeps it (a code is the strongest evidence there is), and an order that is
counted in an approved or paid bonus never moves (that bonus was fixed on those orders).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from django.db.models.functions import Upper

from rapport.finance.models import BonusLine, BonusStatus
from rapport.tracking.models import Attribution, Click, DiscountCode, Order, TrackingLink

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


def is_settled(order: Order) -> bool:
    """Whether the order's attribution is final: by its code, or counted in an approved bonus."""
    if order.attributed_by == Attribution.CODE:
        return True
    if order.collaboration_id is None:
        return False
    return BonusLine.objects.filter(
        collaboration_id=order.collaboration_id,
        status__in=[BonusStatus.APPROVED, BonusStatus.PAID],
    ).exists()


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
