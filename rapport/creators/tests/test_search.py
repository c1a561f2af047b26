"""Free-text search finds a word anywhere in names, handles, e-mails, notes and niches."""

from __future__ import annotations

import pytest
from django.db import connection

from rapport.creators import services
from rapport.creators.models import Creator
from rapport.creators.queries import CreatorFilters, filtered_creators
from rapport.creators.search import install_sqlite_search
from rapport.creators.services import AccountData


def found(workspace, q: str) -> list[str]:
    return [c.name for c in filtered_creators(workspace, CreatorFilters.from_params({"q": q}))]


@pytest.fixture
def roster(workspace, manager):
    ava = services.create_creator(
        workspace=workspace,
        actor=manager.user,
        name="Ava Martin",
        emails=["ava@studio-north.test"],
        accounts=[AccountData(platform="instagram", handle="ava.glow")],
        niches=["skincare"],
    )
    services.add_note(creator=ava, author=manager.user, body="Loves the SPF range")
    services.create_creator(workspace=workspace, actor=manager.user, name="Noah Kim")
    return ava


def test_a_word_matches_inside_any_searchable_field(workspace, roster) -> None:
    for q in ("glow", "studio-north", "spf", "skinc", "martin", "AVA MAR"):
        assert found(workspace, q) == ["Ava Martin"], q
    assert found(workspace, "nobody") == []


def test_short_words_and_quotes_are_searched_too(workspace, roster) -> None:
    assert found(workspace, "oa") == ["Noah Kim"]
    assert found(workspace, 'ava "glow') == []


def test_changes_are_searchable_at_once(workspace, roster, manager) -> None:
    services.update_creator(creator=roster, actor=manager.user, name="Ava Lindqvist")
    assert found(workspace, "lindqvist") == ["Ava Lindqvist"]
    assert found(workspace, "martin") == []
    Creator.objects.filter(pk=roster.pk).delete()
    assert found(workspace, "lindqvist") == []


def test_search_survives_a_table_rebuild_that_drops_its_triggers(workspace, roster, manager):
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER creators_creator_fts_au")
    install_sqlite_search(connection)  # what runs after every migrate
    services.update_creator(creator=roster, actor=manager.user, name="Ava Berg")
    assert found(workspace, "berg") == ["Ava Berg"]
