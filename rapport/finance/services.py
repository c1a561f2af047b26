"""Invoices: received from the hub or entered by finance, each with the payment date the terms give.

Stub: the finance part fills it in (the signatures stay).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile

from rapport.campaigns.models import Collaboration
from rapport.finance.models import Invoice
from rapport.workspaces.models import User


def receive_invoice(
    *,
    collaboration: Collaboration,
    number: str,
    amount: Decimal | str,
    currency: str,
    file: UploadedFile | None,
    actor: User | None,
    received_at: dt.datetime | None = None,
) -> Invoice:
    """Record an invoice (``actor`` None: the creator sent it on the hub)."""
    raise NotImplementedError
