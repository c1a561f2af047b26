"""Money as a creator reads it: the amount with its currency, in the creator's language."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.numbers import format_currency
from django.utils import translation


def money(amount: Any, currency: str) -> str:
    """``amount`` in ``currency`` written for the active language ("$1,000", "1 000 $US",
    "$1,234.50"): whole amounts without cents. Empty for no amount."""
    if amount is None or amount == "":
        return ""
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        return f"{amount} {currency}"
    language = translation.to_locale(translation.get_language() or "en")
    try:
        locale = Locale.parse(language)
    except (UnknownLocaleError, ValueError):
        locale = Locale.parse("en")
    if value == value.to_integral_value():
        pattern = locale.currency_formats["standard"].pattern.replace(".00", "")
        return format_currency(
            value, currency, format=pattern, locale=locale, currency_digits=False
        )
    return format_currency(value, currency, locale=locale)
