"""The ``rapport`` command as an operator uses it."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from rapport.workspaces.models import ApiToken, Membership, hash_secret
from rapport.workspaces.roles import Role


def test_token_create_prints_only_the_token(manager: Membership) -> None:
    out = io.StringIO()
    call_command(
        "token",
        "create",
        "--workspace",
        manager.workspace.slug,
        "--user",
        manager.user.email,
        stdout=out,
    )
    printed = out.getvalue().strip()
    assert printed.startswith("rpt_") and "\n" not in printed
    token = ApiToken.objects.get(token_hash=hash_secret(printed))
    assert token.role == Role.MANAGER
    assert token.workspace == manager.workspace


def test_token_cannot_exceed_the_members_role(member) -> None:
    viewer = member(Role.VIEWER)
    with pytest.raises(CommandError, match="more rights"):
        call_command(
            "token",
            "create",
            "--workspace",
            viewer.workspace.slug,
            "--user",
            viewer.user.email,
            "--role",
            "owner",
            stdout=io.StringIO(),
        )
    assert not ApiToken.objects.exists()


def test_token_for_a_stranger_is_refused(manager: Membership, other_workspace) -> None:
    with pytest.raises(CommandError, match="not a member"):
        call_command(
            "token",
            "create",
            "--workspace",
            other_workspace.slug,
            "--user",
            manager.user.email,
            stdout=io.StringIO(),
        )


def test_demo_builds_a_believable_workspace(db) -> None:
    out = io.StringIO()
    call_command("demo", stdout=out)
    from rapport.creators.models import Creator

    creators = Creator.objects.filter(workspace__slug="demo")
    assert creators.count() >= 50
    assert len(set(creators.values_list("tier", flat=True))) >= 3
    assert len(set(creators.values_list("stage", flat=True))) >= 5
    assert "owner@demo.rapport.test" in out.getvalue()
    # Refreshing rebuilds rather than doubling.
    call_command("demo", stdout=io.StringIO())
    assert Creator.objects.filter(workspace__slug="demo").count() == creators.count()
