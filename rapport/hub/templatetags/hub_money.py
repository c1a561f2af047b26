"""``{% load hub_money %}``: ``{{ amount|money:currency }}`` on hub pages."""

from __future__ import annotations

from typing import Any

from django import template

from rapport.hub.money import money as _money

register = template.Library()


@register.filter
def money(amount: Any, currency: str) -> str:
    """The amount with its currency, as :func:`rapport.hub.money.money` writes it."""
    return _money(amount, currency)
