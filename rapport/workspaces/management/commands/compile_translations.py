"""``rapport compile-translations``: turn the translation catalogues (.po) into .mo files.

Django reads translations from compiled .mo files, which are generated and never committed.
``make setup`` runs this command, so a fresh clone speaks every language we ship without GNU
gettext: Babel reads each ``<locale path>/<language>/LC_MESSAGES/django.po`` and writes the
``django.mo`` beside it. A catalogue whose .mo is already newer than its .po is left alone.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Compile the translation catalogues (LC_MESSAGES/django.po) into .mo files."

    # Compiling catalogues needs neither the database nor a healthy project.
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        catalogues = sorted(
            po
            for locale_dir in settings.LOCALE_PATHS
            for po in Path(locale_dir).glob("*/LC_MESSAGES/django.po")
        )
        if not catalogues:
            self.stdout.write("No translation catalogues to compile.")
            return
        for po in catalogues:
            language = po.parent.parent.name
            mo = po.with_suffix(".mo")
            if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
                self.stdout.write(f"{language}: up to date ({mo}).")
                continue
            count = compile_catalogue(po, mo, language)
            self.stdout.write(f"{language}: compiled {count} messages into {mo}.")


def compile_catalogue(po: Path, mo: Path, language: str) -> int:
    """Write ``mo`` from ``po``; refuse a catalogue whose placeholders do not match.

    Returns the number of translated messages written (fuzzy ones are left out, as gettext does).
    """
    with po.open("rb") as source:
        catalog = read_po(source, locale=language)
    problems = [
        f"{po}:{message.lineno}: {error}" for message, errors in catalog.check() for error in errors
    ]
    if problems:
        raise CommandError("The catalogue has errors:\n" + "\n".join(problems))
    partial = mo.with_name(mo.name + ".partial")
    with partial.open("wb") as target:
        write_mo(target, catalog, use_fuzzy=False)
    # Replace in one step: a running server never reads a half-written file.
    os.replace(partial, mo)
    return sum(1 for message in catalog if message.id and message.string and not message.fuzzy)
