"""API for creators and their social accounts (filled in by the API work)."""

from ninja import Router

router = Router(tags=["creators"])
