"""The language Rapport writes to a creator in."""

from __future__ import annotations

import pytest

from rapport.testing.factories import CreatorFactory


@pytest.mark.parametrize(
    ("languages", "expected"),
    [(["fr", "en"], "fr"), (["de", "fr-CA"], "fr"), (["de", "es"], "en"), ([], "en")],
)
def test_the_first_language_rapport_speaks_else_english(db, languages, expected) -> None:
    assert CreatorFactory.build(languages=languages).message_language == expected
