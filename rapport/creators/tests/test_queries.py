"""Reads shared by the list page and the API."""

from __future__ import annotations

from django.utils import timezone

from rapport.creators.queries import countries_in_use
from rapport.testing.factories import CreatorFactory


def test_the_country_filter_offers_each_live_creators_country_once(
    workspace, other_workspace
) -> None:
    for country in ("US", "FR", "US", "", "BR"):
        CreatorFactory.create(workspace=workspace, country=country)
    CreatorFactory.create(workspace=workspace, country="DE", deleted_at=timezone.now())
    CreatorFactory.create(workspace=other_workspace, country="JP")
    assert countries_in_use(workspace) == ["BR", "FR", "US"]
    assert countries_in_use(other_workspace) == ["JP"]
