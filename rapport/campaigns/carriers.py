"""Parcel carriers: how each one's tracking numbers look, and where the public can follow them.

The format checks are deliberately light (they catch a number pasted in the wrong field or for the
wrong carrier, not every rule a carrier has); "other" takes any number and has no tracking page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rapport.campaigns.models import Carrier


@dataclass(frozen=True)
class CarrierRule:
    pattern: re.Pattern[str]
    hint: Promise  # what a valid number looks like, for the error message
    tracking_url: str  # ``{number}`` is replaced by the URL-encoded tracking number


RULES: dict[str, CarrierRule] = {
    Carrier.UPS: CarrierRule(
        re.compile(r"1Z[0-9A-Z]{16}|T\d{10}|\d{9,26}"),
        gettext_lazy("1Z followed by 16 letters or digits, such as 1Z999AA10123456784"),
        "https://www.ups.com/track?tracknum={number}",
    ),
    Carrier.USPS: CarrierRule(
        re.compile(r"\d{20,34}|[A-Z]{2}\d{9}US"),
        gettext_lazy("20 to 34 digits, or two letters, nine digits and US"),
        "https://tools.usps.com/go/TrackConfirmAction?tLabels={number}",
    ),
    Carrier.FEDEX: CarrierRule(
        re.compile(r"\d{12}|\d{15}|\d{20}|\d{22}|\d{34}"),
        gettext_lazy("12, 15, 20, 22 or 34 digits"),
        "https://www.fedex.com/fedextrack/?trknbr={number}",
    ),
    Carrier.DHL: CarrierRule(
        re.compile(r"\d{10}|JJ?D\d{9,20}"),
        gettext_lazy("a 10-digit waybill number, such as 1234567890"),
        "https://www.dhl.com/global-en/home/tracking/tracking-express.html"
        "?submit=1&tracking-id={number}",
    ),
    Carrier.ROYAL_MAIL: CarrierRule(
        re.compile(r"[A-Z]{2}\d{9}GB|[A-Z0-9]{16}"),
        gettext_lazy("two letters, nine digits and GB, such as AB123456789GB"),
        "https://www.royalmail.com/track-your-item#/tracking-results/{number}",
    ),
    Carrier.LA_POSTE: CarrierRule(
        re.compile(r"[0-9A-Z]{2}\d{11}|[A-Z]{2}\d{9}[A-Z]{2}"),
        gettext_lazy("13 characters, such as 6A12345678901 or CB123456789FR"),
        "https://www.laposte.fr/outils/suivre-vos-envois?code={number}",
    ),
}

# Names people and fulfilment centres write for each carrier, lower-cased.
ALIASES: dict[str, str] = {
    "ups": Carrier.UPS,
    "united parcel service": Carrier.UPS,
    "usps": Carrier.USPS,
    "us postal service": Carrier.USPS,
    "united states postal service": Carrier.USPS,
    "fedex": Carrier.FEDEX,
    "fed ex": Carrier.FEDEX,
    "federal express": Carrier.FEDEX,
    "dhl": Carrier.DHL,
    "dhl express": Carrier.DHL,
    "royal mail": Carrier.ROYAL_MAIL,
    "royal_mail": Carrier.ROYAL_MAIL,
    "royalmail": Carrier.ROYAL_MAIL,
    "la poste": Carrier.LA_POSTE,
    "la_poste": Carrier.LA_POSTE,
    "laposte": Carrier.LA_POSTE,
    "colissimo": Carrier.LA_POSTE,
    "la poste / colissimo": Carrier.LA_POSTE,
    "other": Carrier.OTHER,
}


def carrier_from_text(text: str) -> str | None:
    """The carrier a person or a file names (``"DHL Express"``, ``"colissimo"``), or None."""
    return ALIASES.get(" ".join(text.strip().lower().split()))


def normalise(carrier: str, number: str) -> str:
    """A tracking number as carriers print it: no spaces, capitals for the known carriers."""
    number = "".join(number.split())
    return number if carrier == Carrier.OTHER else number.upper()


def clean_tracking_number(carrier: str, number: str) -> str:
    """The normalised number, or a ValidationError on ``tracking_number`` saying what it should
    look like for this carrier."""
    number = normalise(carrier, number)
    if not number:
        return ""
    if len(number) > 64:
        raise ValidationError(
            {"tracking_number": _("A tracking number has at most 64 characters.")}
        )
    rule = RULES.get(carrier)
    if rule is not None and not rule.pattern.fullmatch(number):
        raise ValidationError(
            {
                "tracking_number": _(
                    "“%(number)s” does not look like a %(carrier)s tracking number: it should be "
                    "%(hint)s."
                )
                % {"number": number, "carrier": Carrier(carrier).label, "hint": rule.hint}
            }
        )
    return number


def tracking_url(carrier: str, number: str) -> str:
    """The carrier's public tracking page for ``number``; empty for "other" or no number."""
    rule = RULES.get(carrier)
    if rule is None or not number:
        return ""
    return rule.tracking_url.format(number=quote(number, safe=""))
