"""The demo's creator hubs: a link for every collaboration of the launch campaign, and some of what
creators do there, so the team side and the hub both have something to show."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from rapport.campaigns.models import BriefVersion, Campaign, Collaboration, CollabStage
from rapport.creators.models import PayoutMethod
from rapport.creators.services import update_creator
from rapport.finance.services import receive_invoice
from rapport.hub.models import BriefAcknowledgement, HubLink, HubState
from rapport.hub.services.links import issue_link
from rapport.hub.services.messages import send_message
from rapport.workspaces.models import User, Workspace
from rapport.workspaces.services import acting_as

# The smallest PDF a viewer opens: one empty page.
_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def build_hubs(workspace: Workspace, users: dict[str, User]) -> HubLink | None:
    """Issue the launch campaign's hub links; return the one to show off (a collaboration that
    is approved and about to post), if the demo has it."""
    launch = Campaign.objects.filter(workspace=workspace, name="Spring Glow Launch").first()
    if launch is None:
        return None
    maya = users["maya@demo.rapport.test"]
    showcase = None
    for collaboration in launch.collaborations.select_related("creator").order_by("pk"):
        link = issue_link(collaboration=collaboration, actor=maya)
        if collaboration.stage == CollabStage.APPROVED:
            showcase = link
            _came_back_to_a_new_brief(collaboration)
            with acting_as(collaboration.creator.name):
                send_message(
                    collaboration=collaboration,
                    body="Could I post the two stories on the same day as the video?",
                )
        if collaboration.stage == CollabStage.LIVE:
            with acting_as(collaboration.creator.name):
                _sent_an_invoice(collaboration)
    return showcase


def _came_back_to_a_new_brief(collaboration: Collaboration) -> None:
    """The creator confirmed version 1 three days ago; version 2 came out since, so their next
    visit highlights what changed and asks them to confirm again. (Visits are not a service:
    they are what the hub page records when it is opened.)"""
    first = BriefVersion.objects.filter(brief__campaign=collaboration.campaign, number=1).first()
    if first is None:
        return
    seen = timezone.now() - dt.timedelta(days=3)
    HubState.objects.create(
        workspace=collaboration.workspace,
        collaboration=collaboration,
        visit_started_at=seen,
        last_seen_at=seen,
        seen_brief_version=1,
    )
    BriefAcknowledgement.objects.create(
        workspace=collaboration.workspace,
        collaboration=collaboration,
        version=first,
        acknowledged_at=seen,
    )


def _sent_an_invoice(collaboration: Collaboration) -> None:
    """The creator gave their PayPal address and sent their invoice from the hub."""
    creator = collaboration.creator
    update_creator(
        creator=creator,
        actor=None,
        payout_method=PayoutMethod.PAYPAL,
        payout_email=f"payments+{creator.pk}@example.com",
    )
    receive_invoice(
        collaboration=collaboration,
        number=f"INV-{timezone.now():%Y}-014",
        amount=collaboration.committed_cost or Decimal("1000"),
        currency=collaboration.currency or "USD",
        file=SimpleUploadedFile("invoice.pdf", _PDF, content_type="application/pdf"),
        actor=None,
    )
