"""The ``rapport`` console command.

``rapport serve | worker | demo | import-creators | createuser | token create`` and any Django
management command (``rapport migrate``, ``rapport shell``...). Each is a thin management command
that calls the services.
"""

from __future__ import annotations

import os
import sys

# Friendly names for the management commands behind them.
ALIASES = {
    "import-creators": "import_creators",
    "export-creators": "export_creators",
    "compile-translations": "compile_translations",
}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    if len(args) > 1:
        args[1] = ALIASES.get(args[1], args[1])
    args[0] = "rapport"
    try:
        # Load the settings first: unsafe production settings stop every command, not just some.
        settings.INSTALLED_APPS  # noqa: B018
        execute_from_command_line(args)
    except ImproperlyConfigured as exc:
        # The message lists what to fix; a traceback would only bury it.
        print(exc, file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
