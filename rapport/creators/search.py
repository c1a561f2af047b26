"""Free-text search over creators: one filter for the list, the API and exports.

Each creator keeps a lower-cased ``search_text`` (names, handles, e-mails, notes, niches; see
``services.refresh_derived``). A word matches anywhere inside it. PostgreSQL serves that with a
trigram index (migration 0004). SQLite has no such index, so there the words of three characters
or more go through an FTS5 trigram table kept in step with ``search_text`` by triggers.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

FTS_TABLE = "creators_creator_fts"
_Q = TypeVar("_Q", bound=QuerySet[Any])
# Written out in full (no string building): these statements take no outside input.
_TRIGGERS = {
    "creators_creator_fts_ai": """
        CREATE TRIGGER IF NOT EXISTS creators_creator_fts_ai AFTER INSERT ON creators_creator
        BEGIN
            INSERT INTO creators_creator_fts(rowid, search_text)
            VALUES (new.id, new.search_text);
        END""",
    "creators_creator_fts_ad": """
        CREATE TRIGGER IF NOT EXISTS creators_creator_fts_ad AFTER DELETE ON creators_creator
        BEGIN
            INSERT INTO creators_creator_fts(creators_creator_fts, rowid, search_text)
            VALUES ('delete', old.id, old.search_text);
        END""",
    "creators_creator_fts_au": """
        CREATE TRIGGER IF NOT EXISTS creators_creator_fts_au
        AFTER UPDATE OF search_text ON creators_creator
        BEGIN
            INSERT INTO creators_creator_fts(creators_creator_fts, rowid, search_text)
            VALUES ('delete', old.id, old.search_text);
            INSERT INTO creators_creator_fts(rowid, search_text)
            VALUES (new.id, new.search_text);
        END""",
}
MIN_FTS_WORD = 3  # the trigram index cannot look up shorter words


def install_sqlite_search(connection: BaseDatabaseWrapper) -> None:
    """Create the FTS5 table and its triggers where missing, and rebuild it if any was missing.

    Django's SQLite schema editor rebuilds a table to alter it, which drops its triggers, so this
    runs after every ``migrate`` (``apps.CreatorsConfig``) as well as in migration 0005.
    """
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger') AND name LIKE %s",
            [f"{FTS_TABLE}%"],
        )
        present = {row[0] for row in cursor.fetchall()}
        if {FTS_TABLE, *_TRIGGERS} <= present:
            return
        cursor.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS creators_creator_fts USING fts5(search_text, "
            "content='creators_creator', content_rowid='id', tokenize='trigram')"
        )
        for sql in _TRIGGERS.values():
            cursor.execute(sql)
        cursor.execute("INSERT INTO creators_creator_fts(creators_creator_fts) VALUES ('rebuild')")


def on_post_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    install_sqlite_search(connections[using])


def matching_text(qs: _Q, words: list[str]) -> _Q:
    """Narrow ``qs`` (creators) to those whose search text contains every word."""
    sqlite = connections[qs.db].vendor == "sqlite"
    for word in words:
        if sqlite and len(word) >= MIN_FTS_WORD:
            phrase = '"' + word.replace('"', '""') + '"'
            in_index = RawSQL(
                "SELECT rowid FROM creators_creator_fts WHERE creators_creator_fts MATCH %s",
                [phrase],
            )
            qs = qs.filter(pk__in=in_index)
        else:
            qs = qs.filter(search_text__contains=word)
    return qs
