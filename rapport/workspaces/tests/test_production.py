"""Production mode: the ``rapport`` command refuses unsafe settings with a plain list of reasons."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

GOOD = {
    "RAPPORT_SECRET_KEY": "k" * 50,
    "ALLOWED_HOSTS": "crm.example.com",
    "RAPPORT_BASE_URL": "https://crm.example.com",
}


def rapport_check(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """``rapport check`` in production mode, with only the given settings in its environment."""
    clean = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("RAPPORT_", "DJANGO_", "EMAIL_"))
        and name not in {"ALLOWED_HOSTS", "DATABASE_URL", "CSRF_TRUSTED_ORIGINS"}
    }
    clean |= {"RAPPORT_PRODUCTION": "1", "RAPPORT_DATA_DIR": str(tmp_path / "var")} | env
    return subprocess.run(
        [sys.executable, "-m", "rapport.cli", "check"],
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_missing_settings_are_listed_one_by_one_without_a_traceback(tmp_path: Path) -> None:
    result = rapport_check(tmp_path, RAPPORT_DEBUG="1")
    assert result.returncode == 1
    for reason in (
        "RAPPORT_SECRET_KEY is not set",
        "RAPPORT_DEBUG is on",
        "ALLOWED_HOSTS is empty",
        "RAPPORT_BASE_URL is not set",
    ):
        assert f"- {reason}" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"RAPPORT_BASE_URL": "http://crm.example.com"}, "RAPPORT_BASE_URL starts with http://"),
        ({"RAPPORT_BASE_URL": "crm.example.com"}, "RAPPORT_BASE_URL must start with https://"),
        ({"RAPPORT_SECRET_KEY": "short"}, "RAPPORT_SECRET_KEY is shorter than 40 characters"),
        ({"ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS contains '*'"),
        ({"RAPPORT_HSTS_SECONDS": "a year"}, "RAPPORT_HSTS_SECONDS must be a whole number"),
    ],
)
def test_each_unsafe_setting_is_refused(
    tmp_path: Path, changes: dict[str, str], reason: str
) -> None:
    result = rapport_check(tmp_path, **(GOOD | changes))
    assert result.returncode == 1
    assert reason in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"RAPPORT_BASE_URL": "http://crm.internal", "RAPPORT_ALLOW_HTTP": "1"},
        {"RAPPORT_HSTS_SECONDS": "31536000", "RAPPORT_SSL_REDIRECT": "1"},
    ],
)
def test_safe_settings_pass(tmp_path: Path, changes: dict[str, str]) -> None:
    result = rapport_check(tmp_path, **(GOOD | changes))
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
