"""Hub API: faq. Stub: its part fills it in."""

from ninja import Router

router = Router(tags=["hub"])
