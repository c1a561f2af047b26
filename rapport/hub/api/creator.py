"""Hub API: creator. Stub: its part fills it in."""

from ninja import Router

router = Router(tags=["hub"])
