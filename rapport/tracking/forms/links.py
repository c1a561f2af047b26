"""Forms for tracking links and for preparing a whole campaign; the services check the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rapport.creators.models import Platform
from rapport.tracking.models import Placement
from rapport.tracking.services.codes import DEFAULT_PATTERN
from rapport.workspaces.forms import ServiceErrorsMixin

DESTINATION_HELP = _(
    "The page people land on, on one of the workspace's allowed domains (Workspace settings)."
)


class LinkForm(ServiceErrorsMixin, forms.Form):
    """A new link for one platform placement."""

    platform = forms.ChoiceField(label=_("Platform"), choices=Platform.choices)
    placement = forms.ChoiceField(
        label=_("Placement"), choices=Placement.choices, initial=Placement.BIO
    )
    destination = forms.CharField(
        label=_("Destination"), max_length=2000, help_text=DESTINATION_HELP
    )


class LinkEditForm(ServiceErrorsMixin, forms.Form):
    """A link's destination and placement (its short address never changes)."""

    destination = forms.CharField(
        label=_("Destination"), max_length=2000, help_text=DESTINATION_HELP
    )
    placement = forms.ChoiceField(label=_("Placement"), choices=Placement.choices)


class PrepareForm(ServiceErrorsMixin, forms.Form):
    """One click for the campaign: the destination of every new link and the code pattern."""

    destination = forms.CharField(
        label=_("Destination of the links"), max_length=2000, help_text=DESTINATION_HELP
    )
    pattern = forms.CharField(
        label=_("Code pattern"),
        max_length=60,
        initial=DEFAULT_PATTERN,
        help_text=_("Placeholders: {HANDLE}, {NAME}, {PERCENT}, {CAMPAIGN}. Example: MAYAGLOW15."),
    )
    percent = forms.DecimalField(
        label=_("Discount (percent off)"), min_value=0, max_value=100, decimal_places=2, initial=15
    )
