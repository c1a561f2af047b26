"""What the hub's work tests share: a creator in Paris with a collaboration owned by one member
and reviewed by another, small real files, and the hub link."""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass
from html import unescape
from importlib import import_module
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from rapport.campaigns.models import Collaboration
from rapport.hub.context import Hub
from rapport.hub.services.links import issue_link, resolve, token_of
from rapport.testing.factories import (
    CampaignFactory,
    CollaborationFactory,
    CreatorFactory,
    MembershipFactory,
    UserFactory,
)
from rapport.workspaces.models import User, Workspace
from rapport.workspaces.roles import Role

ADDRESS = "Mia Laurent\n12 rue des Lilas\n75011 Paris\nFrance"


def png_bytes(padding: int = 0) -> bytes:
    """A real 1x1 PNG (optionally followed by ``padding`` bytes in an ignored chunk)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x80\x00")
    extra = chunk(b"tEXt", b"pad\x00" + b"x" * padding) if padding else b""
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + extra
        + chunk(b"IDAT", pixels)
        + chunk(b"IEND", b"")
    )


PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def png_file(name: str = "look.png", padding: int = 0) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(padding), content_type="image/png")


def pdf_file(name: str = "script.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


@dataclass
class Setting:
    """A collaboration as the tests need it, with its people and its hub path."""

    collaboration: Collaboration
    owner: User
    reviewer: User
    path: str

    def url(self, suffix: str) -> str:
        return self.path + suffix


def collaboration_setting(workspace: Workspace, **creator: Any) -> Setting:
    """Mia Laurent (Europe/Paris) in "Spring Glow", owned by Olivia, reviewed by Rex."""
    owner = MembershipFactory.create(
        workspace=workspace, role=Role.MANAGER, user=UserFactory.create(name="Olivia Owner")
    ).user
    reviewer = MembershipFactory.create(
        workspace=workspace, role=Role.REVIEWER, user=UserFactory.create(name="Rex Reviewer")
    ).user
    campaign = CampaignFactory.create(
        workspace=workspace, name="Spring Glow", decision_maker=reviewer, owner=owner
    )
    person = CreatorFactory.create(
        workspace=workspace,
        name=creator.pop("name", "Mia Laurent"),
        time_zone=creator.pop("time_zone", "Europe/Paris"),
        shipping_address=creator.pop("shipping_address", ADDRESS),
        **creator,
    )
    collaboration = CollaborationFactory.create(
        workspace=workspace, campaign=campaign, creator=person, owner=owner, stage="briefed"
    )
    link = issue_link(collaboration=collaboration, actor=None)
    return Setting(collaboration, owner, reviewer, reverse("hub:page", args=[token_of(link)]))


def visible_text(html: str) -> str:
    """What a reader sees of a page: tags dropped, entities decoded, spaces collapsed."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", body)).split())


def hub_request(setting: Setting) -> tuple[HttpRequest, Hub]:
    """A GET of the hub page as ``hub_view`` hands it to a section: the request and its hub."""
    token = setting.path.strip("/").rsplit("/", 1)[-1]
    link = resolve(token)
    assert link is not None
    hub = Hub(link=link, token=token)
    request = RequestFactory().get(setting.path)
    request.hub = hub  # type: ignore[attr-defined]
    return request, hub


def render_section(part: str, request: HttpRequest, hub: Hub) -> str:
    """One hub section rendered as the page renders it: its ``section()`` and its template."""
    context = {"hub": hub} | import_module(f"rapport.hub.views.{part}").section(request, hub)
    return render_to_string(f"hub/sections/{part}.html", context, request=request)
