"""Reads of the hub FAQ: the workspace's own entries, or the built-in defaults while it has none.

The defaults are written here in our own words, translated like every other string, and say the
workspace's own payment terms (Net N days from its service levels).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from rapport.finance.services import payment_days
from rapport.hub.models import FaqEntry, FaqTopic
from rapport.workspaces.models import Workspace


@dataclass(frozen=True)
class Faq:
    """The FAQ creators see: its entries in order, and whether they are the built-in defaults."""

    entries: list[FaqEntry]
    is_default: bool


def entries_for(workspace: Workspace) -> QuerySet[FaqEntry]:
    """The workspace's own FAQ entries, in the order the team set."""
    return FaqEntry.objects.filter(workspace=workspace).order_by("position", "id")


def entry_for(workspace: Workspace, pk: int) -> FaqEntry:
    """One of the workspace's entries, else 404 (another workspace's entry included)."""
    return get_object_or_404(FaqEntry, workspace=workspace, pk=pk)


def default_entries(workspace: Workspace) -> list[FaqEntry]:
    """The built-in FAQ, in the active language, as unsaved entries of ``workspace``."""
    days = payment_days(workspace)
    rows = [
        (
            FaqTopic.SHIPPING,
            _("When will my product arrive?"),
            _(
                "We send it once the collaboration is confirmed. As soon as the parcel leaves, "
                "this page shows the carrier and a tracking link, so you can follow it yourself."
            ),
        ),
        (
            FaqTopic.SHIPPING,
            _("Something is missing or damaged. What should I do?"),
            _(
                "Send us a message from this page, with a photo if you can, and we will arrange "
                "a replacement. Please wait for it rather than filming with a damaged product."
            ),
        ),
        (
            FaqTopic.SHIPPING,
            _("I have moved. How do I change my address?"),
            _(
                "Update it in your details on this page before we ship. If the parcel is already "
                "on its way, message us and we will see whether it can be redirected."
            ),
        ),
        (
            FaqTopic.PAYMENT,
            _("When do I get paid?"),
            _(
                "We pay within %(days)s days of receiving your invoice (Net %(days)s). Once your "
                "invoice is in, this page shows the date the payment is planned for, and later "
                "the day it was paid."
            )
            % {"days": days},
        ),
        (
            FaqTopic.PAYMENT,
            _("How do I send my invoice?"),
            _(
                "Upload it on this page as a PDF or a picture, with its number and amount. You "
                "will see straight away that it has reached us."
            ),
        ),
        (
            FaqTopic.PAYMENT,
            _("Who can see my payment details?"),
            _(
                "You enter them in your details on this page. Besides you, only the people at "
                "the brand who handle payments can see them."
            ),
        ),
        (
            FaqTopic.USAGE,
            _("Can the brand reuse my content elsewhere?"),
            _(
                "Only in the ways your agreed terms list, such as paid ads or posting from the "
                "brand's own account, and only for the time stated there. Anything more needs a "
                "new agreement with you."
            ),
        ),
        (
            FaqTopic.USAGE,
            _("Who owns what I make?"),
            _(
                "You do. The brand gets the permission set out in your terms and nothing beyond "
                "it; ask us if you are unsure what that covers."
            ),
        ),
        (
            FaqTopic.DISCLOSURE,
            _("Do I have to say the post is sponsored?"),
            _(
                "Yes. Every post of this collaboration must make it clear that it is a paid "
                "partnership. The exact words to use are on this page, with a button to copy them."
            ),
        ),
        (
            FaqTopic.DISCLOSURE,
            _("Where should the disclosure go?"),
            _(
                "Where people notice it before they tap 'more': at the start of the caption, or "
                "on screen in a video. Also switch on the platform's own paid-partnership label "
                "when it has one."
            ),
        ),
    ]
    return [
        FaqEntry(workspace=workspace, topic=topic, question=question, answer=answer, position=n)
        for n, (topic, question, answer) in enumerate(rows, start=1)
    ]


def faq_in_effect(workspace: Workspace) -> Faq:
    """What the hub shows: the workspace's entries, else the defaults."""
    entries = list(entries_for(workspace))
    if entries:
        return Faq(entries=entries, is_default=False)
    return Faq(entries=default_entries(workspace), is_default=True)
