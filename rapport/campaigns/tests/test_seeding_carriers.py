"""Carriers: each one's public tracking link, and the light check of its numbers."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from rapport.campaigns.carriers import carrier_from_text, clean_tracking_number, tracking_url
from rapport.campaigns.models import Carrier


@pytest.mark.parametrize(
    ("carrier", "number", "link"),
    [
        (
            Carrier.UPS,
            "1Z999AA10123456784",
            "https://www.ups.com/track?tracknum=1Z999AA10123456784",
        ),
        (
            Carrier.USPS,
            "9400111899223344556677",
            "https://tools.usps.com/go/TrackConfirmAction?tLabels=9400111899223344556677",
        ),
        (Carrier.FEDEX, "123456789012", "https://www.fedex.com/fedextrack/?trknbr=123456789012"),
        (
            Carrier.DHL,
            "1234567890",
            "https://www.dhl.com/global-en/home/tracking/tracking-express.html"
            "?submit=1&tracking-id=1234567890",
        ),
        (
            Carrier.ROYAL_MAIL,
            "AB123456789GB",
            "https://www.royalmail.com/track-your-item#/tracking-results/AB123456789GB",
        ),
        (
            Carrier.LA_POSTE,
            "6A12345678901",
            "https://www.laposte.fr/outils/suivre-vos-envois?code=6A12345678901",
        ),
    ],
)
def test_each_carrier_links_to_its_public_tracking_page(
    carrier: str, number: str, link: str
) -> None:
    assert clean_tracking_number(carrier, number) == number
    assert tracking_url(carrier, number) == link


def test_other_carriers_take_any_number_and_have_no_link() -> None:
    assert clean_tracking_number(Carrier.OTHER, "local courier 42/b") == "localcourier42/b"
    assert tracking_url(Carrier.OTHER, "anything") == ""
    assert tracking_url(Carrier.UPS, "") == ""


def test_the_number_is_url_encoded_in_the_link() -> None:
    assert (
        tracking_url(Carrier.UPS, "A&B C/1?")
        == "https://www.ups.com/track?tracknum=A%26B%20C%2F1%3F"
    )


def test_spaces_are_dropped_and_letters_capitalised() -> None:
    assert clean_tracking_number(Carrier.UPS, "1z 999 aa1 0123 4567 84") == "1Z999AA10123456784"


@pytest.mark.parametrize(
    ("carrier", "number", "hint"),
    [
        (Carrier.UPS, "ABC", "1Z followed by 16 letters or digits"),
        (Carrier.DHL, "12345", "10-digit waybill"),
        (Carrier.ROYAL_MAIL, "123", "AB123456789GB"),
        (Carrier.LA_POSTE, "XX1", "6A12345678901"),
        (Carrier.FEDEX, "12AB", "12, 15, 20, 22 or 34 digits"),
        (Carrier.USPS, "1Z999AA10123456784", "20 to 34 digits"),
    ],
)
def test_a_number_in_the_wrong_format_is_refused_with_what_it_should_look_like(
    carrier: str, number: str, hint: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        clean_tracking_number(carrier, number)
    message = caught.value.message_dict["tracking_number"][0]
    assert str(Carrier(carrier).label) in message
    assert hint in message


def test_carriers_are_recognised_by_the_names_people_write() -> None:
    assert carrier_from_text(" Colissimo ") == Carrier.LA_POSTE
    assert carrier_from_text("DHL  Express") == Carrier.DHL
    assert carrier_from_text("fedex") == Carrier.FEDEX
    assert carrier_from_text("Pigeon") is None
