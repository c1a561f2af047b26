"""Preparing a campaign's tracking in one go: every tracked creator's missing links and code."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rapport.campaigns.models import Campaign, Collaboration
from rapport.creators.models import Platform
from rapport.tracking.models import DiscountCode, DiscountKind, Placement, TrackingLink
from rapport.tracking.queries.links import tracked_collaborations
from rapport.tracking.services import codes as code_services
from rapport.tracking.services import links as link_services
from rapport.workspaces.models import User
from rapport.workspaces.services import record


@dataclass
class Preparation:
    """What ``prepare_campaign`` created, and how many collaborations needed nothing."""

    links: list[TrackingLink] = field(default_factory=list)
    codes: list[DiscountCode] = field(default_factory=list)
    complete: int = 0

    @property
    def summary(self) -> str:
        """In plain words: "12 links and 6 codes created; 3 collaborations already had theirs"."""
        made = _("%(links)s and %(codes)s created") % {
            "links": ngettext("%(n)s link", "%(n)s links", len(self.links))
            % {"n": len(self.links)},
            "codes": ngettext("%(n)s code", "%(n)s codes", len(self.codes))
            % {"n": len(self.codes)},
        }
        if not self.complete:
            return made
        had = ngettext(
            "%(n)s collaboration already had its own",
            "%(n)s collaborations already had theirs",
            self.complete,
        ) % {"n": self.complete}
        return f"{made}; {had}"


def platforms_for(collaboration: Collaboration) -> list[str]:
    """The platforms a collaboration needs a link on: those its deliverables use, else the
    creator's main platform (their largest account), else "other". Reads prefetched rows."""
    used = [d.platform for d in collaboration.deliverables.all()]
    if used:
        return list(dict.fromkeys(used))
    platform, _handle = link_services.main_account_handle(collaboration.creator)
    return [platform or Platform.OTHER]


@transaction.atomic
def prepare_campaign(
    *,
    campaign: Campaign,
    destination: str,
    actor: User | None,
    pattern: str = code_services.DEFAULT_PATTERN,
    percent: Any = None,
) -> Preparation:
    """For each collaboration from the contract on (not declined or cancelled): a link (bio
    placement) on each platform it has none on, and a percentage code when it has no active one.

    Idempotent: a second run creates nothing. All or nothing: one refusal (a destination off the
    allowed domains, a bad pattern) creates nothing. Recorded once on the campaign's timeline."""
    result = Preparation()
    collaborations = list(tracked_collaborations(campaign))
    needs = [
        (c, link_services.links_missing(c, platforms_for(c)),
         not any(code.is_active for code in c.discount_codes.all()))
        for c in collaborations
    ]  # fmt: skip
    clean = ""
    if any(platforms for _c, platforms, _code in needs):
        clean = link_services.clean_destination(campaign.workspace, destination)
    terms: dict[str, Any] = {}
    if any(needs_code for _c, _p, needs_code in needs):
        try:
            terms = code_services.clean_terms({"kind": DiscountKind.PERCENT, "value": percent})
        except ValidationError as exc:  # the percentage is the only term asked for here
            raise ValidationError({"percent": exc.message_dict["value"]}) from None
    for collaboration, platforms, needs_code in needs:
        if not platforms and not needs_code:
            result.complete += 1
            continue
        for platform in platforms:
            result.links.append(
                link_services.add_link(
                    collaboration=collaboration,
                    platform=platform,
                    placement=Placement.BIO,
                    destination=clean,
                    actor=actor,
                )
            )
        if needs_code:
            text = code_services.generate_code(
                collaboration=collaboration, pattern=pattern, percent=terms["value"]
            )
            result.codes.append(
                code_services.add_code(
                    collaboration=collaboration, code=text, terms=terms, actor=actor
                )
            )
    if result.links or result.codes:
        record(
            workspace=campaign.workspace,
            actor=actor,
            kind="tracking.prepared",
            summary=_("Tracking prepared: %(summary)s") % {"summary": result.summary},
            obj=campaign,
            campaign=campaign,
        )
    return result
