"""Invoices through the API. Stub: the finance part fills it in."""

from ninja import Router

router = Router(tags=["invoices"])
