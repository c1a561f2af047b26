"""API: seeding."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["seeding"])
