"""What the creator does with the terms on the hub: choose one of the packages on offer."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from rapport.campaigns.models import Collaboration
from rapport.campaigns.services import offers
from rapport.hub.queries.terms import open_round
from rapport.hub.services.team import for_the_team, tell_owner


@for_the_team
@transaction.atomic
def choose_package(*, collaboration: Collaboration, round_number: int, position: int) -> None:
    """The creator accepts package ``position`` (1-based) of offer round ``round_number``, the
    round they were shown: it becomes the agreed terms (the collaboration moves to contracted,
    on the timelines) and the owner is notified. Refused with a clear message when that round
    was decided, withdrawn or replaced meanwhile."""
    offer = open_round(collaboration)
    if offer is None or offer.number != round_number or collaboration.terms:
        raise ValidationError(
            {
                "package": _(
                    "This offer was already decided, withdrawn or replaced in the meantime: "
                    "nothing was chosen. Have a look at the page as it is now."
                )
            }
        )
    packages = list(offer.packages.all())
    if not 1 <= position <= len(packages):
        raise ValidationError({"package": _("Choose one of the packages shown.")})
    package = packages[position - 1]
    try:
        offers.accept_package(package=package, actor=None)
    except ValidationError as exc:
        raise ValidationError({"package": " ".join(exc.messages)}) from exc
    tell_owner(
        collaboration,
        lambda: (
            _("%(creator)s chose %(package)s of offer round %(round)s in %(campaign)s.")
            % {
                "creator": collaboration.creator.name,
                "package": package.label or _("package %(n)s") % {"n": position},
                "round": offer.number,
                "campaign": collaboration.campaign.name,
            }
        ),
    )
