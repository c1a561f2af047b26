"""What the invoice tests share: an agreed collaboration owned by a manager, a finance member,
and small real files (a PDF, a PNG) and fakes."""

from __future__ import annotations

import datetime as dt
import struct
import zlib
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from rapport.campaigns.models import Collaboration
from rapport.finance import services
from rapport.finance.models import Invoice
from rapport.testing.factories import (
    CollaborationFactory,
    CreatorFactory,
    MembershipFactory,
    UserFactory,
)
from rapport.workspaces.models import Membership, Workspace
from rapport.workspaces.roles import Role

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def png_bytes() -> bytes:
    """A real 1x1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x80\x00"))
        + chunk(b"IEND", b"")
    )


def pdf_file(name: str = "INV-001.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def html_as_pdf(name: str = "invoice.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, b"<!doctype html><html><body>pay me</body></html>", content_type="application/pdf"
    )


def big_pdf(megabytes: int = 11) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        "big.pdf", PDF_BYTES + b"0" * (megabytes * 1024 * 1024), content_type="application/pdf"
    )


def utc(year: int, month: int, day: int, hour: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=dt.UTC)


@pytest.fixture
def finance(workspace: Workspace) -> Membership:
    return MembershipFactory.create(
        workspace=workspace,
        role=Role.FINANCE,
        user=UserFactory.create(name="Farah Nasser", email="farah@lumen.test"),
    )


@pytest.fixture
def collaboration(workspace: Workspace, manager: Membership) -> Collaboration:
    """Ava Martin in Spring Glow, terms agreed at 1,500 EUR, owned by the manager."""
    manager.user.name = "Maya Moreau"
    manager.user.save()
    creator = CreatorFactory.create(workspace=workspace, name="Ava Martin", time_zone="UTC")
    return CollaborationFactory.create(
        campaign__workspace=workspace,
        campaign__name="Spring Glow",
        creator=creator,
        owner=manager.user,
        committed_cost=Decimal("1500.00"),
        currency="EUR",
    )


def invoice_of(collaboration: Collaboration, number: str = "INV-001", **values: Any) -> Invoice:
    """An invoice entered through the service, as finance would (no actor: as from the hub)."""
    values.setdefault("amount", "1500.00")
    values.setdefault("currency", "EUR")
    values.setdefault("file", pdf_file())
    values.setdefault("actor", None)
    return services.receive_invoice(collaboration=collaboration, number=number, **values)
