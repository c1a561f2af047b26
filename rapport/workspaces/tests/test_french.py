"""Members who chose French read Rapport in French, from the catalogue our command compiles."""

from __future__ import annotations

import gettext
import io
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from rapport.testing.factories import CreatorFactory
from rapport.workspaces.models import Membership, Workspace

FRENCH_PO = Path(django_settings.LOCALE_PATHS[0]) / "fr" / "LC_MESSAGES" / "django.po"


@pytest.fixture(scope="session", autouse=True)
def _french_compiled() -> None:
    """Compile the catalogue when it is missing or stale (pytest run before ``make setup``)."""
    call_command("compile_translations", stdout=io.StringIO())


@pytest.fixture(autouse=True)
def _fresh_catalogues(settings: Any) -> None:
    # Changing LOCALE_PATHS makes Django forget the catalogues it loaded: an earlier test may
    # have loaded French before the .mo file existed.
    settings.LOCALE_PATHS = list(settings.LOCALE_PATHS)


@pytest.fixture
def french_member(workspace: Workspace, member: Callable[..., Membership]) -> Membership:
    return member(language="fr")


def test_the_creator_list_speaks_french(
    french_member: Membership, workspace: Workspace, client_for: Callable[[Membership], Client]
) -> None:
    CreatorFactory.create_batch(3, workspace=workspace)
    html = client_for(french_member).get(f"/w/{workspace.slug}/creators/").content.decode()
    assert '<html lang="fr">' in html
    assert "<title>Créateurs · Rapport</title>" in html
    assert "<h1>Créateurs</h1>" in html
    assert ">Ajouter un créateur</a>" in html
    assert ">Corbeille</a>" in html
    assert ">Exporter</summary>" in html
    assert "Vues enregistrées" in html
    assert "3 créateurs" in html
    assert "Add creator" not in html


def test_one_creator_is_singular_in_french(
    french_member: Membership, workspace: Workspace, client_for: Callable[[Membership], Client]
) -> None:
    CreatorFactory.create(workspace=workspace)
    html = client_for(french_member).get(f"/w/{workspace.slug}/creators/").content.decode()
    assert "1 créateur" in html
    assert "1 créateurs" not in html


def test_messages_from_python_code_are_french_too(
    french_member: Membership, workspace: Workspace, client_for: Callable[[Membership], Client]
) -> None:
    creators = CreatorFactory.create_batch(2, workspace=workspace)
    response = client_for(french_member).post(
        f"/w/{workspace.slug}/creators/bulk/",
        {"action": "tag", "tag": "printemps", "ids": [c.pk for c in creators]},
        follow=True,
    )
    # ngettext with French plural rules and typography (no-break spaces inside « »).
    assert "Étiquette «\u00a0printemps\u00a0» ajoutée à 2 créateurs." in response.content.decode()


def test_english_members_still_read_english(
    manager: Membership, workspace: Workspace, client_for: Callable[[Membership], Client]
) -> None:
    html = client_for(manager).get(f"/w/{workspace.slug}/creators/").content.decode()
    assert "<h1>Creators</h1>" in html
    assert ">Add creator</a>" in html


def test_the_sign_in_page_follows_a_french_browser(db: None) -> None:
    html = Client(HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9").get("/accounts/login/").content.decode()
    assert "<title>Se connecter · Rapport</title>" in html
    assert "<h1>Connexion à Rapport</h1>" in html
    assert ">Mot de passe</label>" in html
    assert '<button type="submit">Se connecter</button>' in html
    assert "Mot de passe oublié" in html


def test_the_french_catalogue_is_complete() -> None:
    with FRENCH_PO.open("rb") as source:
        catalog = read_po(source)
    strings = {m.id: m.string if isinstance(m.string, tuple) else (m.string,) for m in catalog}
    untranslated = [msgid for msgid, texts in strings.items() if msgid and not all(texts)]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert len(catalog) > 700
    assert untranslated == []
    assert fuzzy == []
    assert catalog.plural_forms == "nplurals=2; plural=(n > 1);"


def _copy_catalogue(tmp_path: Path) -> Path:
    po = tmp_path / "fr" / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True)
    shutil.copy(FRENCH_PO, po)
    return po


def test_compile_translations_writes_a_mo_file_once(settings: Any, tmp_path: Path) -> None:
    po = _copy_catalogue(tmp_path)
    mo = po.with_suffix(".mo")
    settings.LOCALE_PATHS = [tmp_path]

    out = io.StringIO()
    call_command("compile_translations", stdout=out)
    assert out.getvalue().startswith("fr: compiled ")
    with mo.open("rb") as compiled:
        french = gettext.GNUTranslations(compiled)
    assert french.gettext("Creators") == "Créateurs"
    assert french.ngettext("%(shown)s creator", "%(shown)s creators", 1) == "%(shown)s créateur"
    assert french.ngettext("%(shown)s creator", "%(shown)s creators", 3) == "%(shown)s créateurs"

    # Newer than its .po: left alone.
    os.utime(po, (1_000_000_000, 1_000_000_000))
    written = mo.stat().st_mtime_ns
    out = io.StringIO()
    call_command("compile_translations", stdout=out)
    assert out.getvalue().startswith("fr: up to date")
    assert mo.stat().st_mtime_ns == written

    # The .po changed after: compiled again.
    os.utime(po, None)
    os.utime(mo, (1_000_000_000, 1_000_000_000))
    out = io.StringIO()
    call_command("compile_translations", stdout=out)
    assert out.getvalue().startswith("fr: compiled ")
    assert mo.stat().st_mtime > 1_000_000_000


def test_compile_translations_refuses_a_broken_placeholder(settings: Any, tmp_path: Path) -> None:
    po = _copy_catalogue(tmp_path)
    text = po.read_text()
    broken = text.replace('msgstr "Bienvenue dans %(ws)s."', 'msgstr "Bienvenue dans %(espace)s."')
    assert broken != text
    po.write_text(broken)
    settings.LOCALE_PATHS = [tmp_path]
    with pytest.raises(CommandError, match=r"django\.po:\d+: unknown named placeholder .espace."):
        call_command("compile_translations", stdout=io.StringIO())
    assert not po.with_suffix(".mo").exists()
