"""The hub's timeline: milestones soonest first in the creator's time zone (done and late ones
marked), and the time zone the creator confirms."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rapport.campaigns.models import Shipment, ShipmentStatus
from rapport.finance.models import Invoice, InvoiceSource, InvoiceStatus
from rapport.testing.factories import (
    CampaignFactory,
    CollaborationFactory,
    CreatorFactory,
    DeliverableFactory,
)
from rapport.workspaces.models import AuditEvent

UTC = dt.UTC


@pytest.fixture
def collaboration(workspace):
    workspace.time_zone = "America/New_York"
    workspace.save()
    return CollaborationFactory.create(
        campaign=CampaignFactory.create(workspace=workspace),
        creator=CreatorFactory.create(
            workspace=workspace, name="Ava Martin", time_zone="Europe/Paris"
        ),
    )


def timeline_text(response) -> str:
    html = response.content.decode()
    start = html.index('id="timeline"')
    part = html[start : html.index("</section>", start)]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", part))


def zone_url(path: str) -> str:
    return reverse("hub:timeline_time_zone", args=[path.strip("/").split("/")[-1]])


def test_milestones_show_in_the_creators_time_zone_soonest_first(collaboration, hub_path) -> None:
    DeliverableFactory.create(
        collaboration=collaboration,
        post_at=dt.datetime(2027, 1, 15, 17, 0, tzinfo=UTC),
        final_approval_due=dt.datetime(2027, 1, 13, 17, 0, tzinfo=UTC),
    )
    DeliverableFactory.create(
        collaboration=collaboration,
        kind="story",
        post_at=dt.datetime(2026, 1, 9, 17, 0, tzinfo=UTC),
        went_live_at=dt.datetime(2026, 1, 9, 16, 0, tzinfo=UTC),
    )
    DeliverableFactory.create(
        collaboration=collaboration,
        kind="post",
        post_at=dt.datetime(2026, 2, 6, 12, 0, tzinfo=UTC),
    )
    Shipment.objects.create(
        workspace=collaboration.workspace,
        collaboration=collaboration,
        address="1 rue de la Paix, Paris",
        status=ShipmentStatus.SHIPPED,
        expected_on=dt.date(2027, 1, 5),
    )
    Invoice.objects.create(
        workspace=collaboration.workspace,
        collaboration=collaboration,
        number="AV-7",
        amount=Decimal("1800"),
        currency="USD",
        received_at=timezone.now(),
        due_on=dt.date(2027, 2, 1),
        status=InvoiceStatus.SCHEDULED,
        source=InvoiceSource.HUB,
    )

    page = timeline_text(Client().get(hub_path(collaboration)))

    # Numbered as in the deliverables section (the order they were added), listed by date.
    assert "Times are in Europe/Paris." in page
    assert "Fri 15 Jan 2027, 18:00 Deliverable 1 (Reel on Instagram): posting day" in page
    assert "Wed 13 Jan 2027, 18:00 Deliverable 1 (Reel on Instagram): final draft approved" in (
        page
    )
    assert (
        "Fri 9 Jan 2026, 18:00 Deliverable 2 (Story frame on Instagram): posting day Done" in page
    )
    assert "Fri 6 Feb 2026, 13:00 Deliverable 3 (Feed post on Instagram): posting day Late" in page
    assert "Tue 5 Jan 2027 Your product is expected to arrive" in page
    assert "Mon 1 Feb 2027 Payment of your invoice AV-7 scheduled" in page
    order = [
        page.index(s)
        for s in ("9 Jan 2026", "6 Feb 2026", "5 Jan 2027", "13 Jan 2027", "15 Jan", "1 Feb")
    ]
    assert order == sorted(order)


def test_the_time_zone_offer_follows_the_confirmed_zone(collaboration, hub_path) -> None:
    html = Client().get(hub_path(collaboration)).content.decode()
    assert 'data-time-zone-offer="Europe/Paris" hidden' in html
    assert '<option value="Europe/Paris" selected>' in html

    collaboration.creator.time_zone = ""
    collaboration.creator.save()
    response = Client().get(hub_path(collaboration))
    page = timeline_text(response)
    assert "Times are in America/New_York." in page  # the workspace's until they confirm
    assert "Which time zone are you in?" in page


def test_a_confirmed_time_zone_is_stored_and_every_date_follows(collaboration, hub_path) -> None:
    DeliverableFactory.create(
        collaboration=collaboration, post_at=dt.datetime(2027, 1, 15, 17, 0, tzinfo=UTC)
    )
    path = hub_path(collaboration)
    client = Client()

    response = client.post(zone_url(path), {"time_zone": "Asia/Tokyo"})

    assert response.status_code == 302 and response["Location"].endswith("#timeline")
    collaboration.creator.refresh_from_db()
    assert collaboration.creator.time_zone == "Asia/Tokyo"
    event = AuditEvent.objects.get(kind="creator.updated", creator=collaboration.creator)
    assert event.actor_label == "Ava Martin"
    assert event.changes == {"time_zone": ["Europe/Paris", "Asia/Tokyo"]}
    response = client.get(path)
    page = timeline_text(response)
    assert "Times are in Asia/Tokyo." in page
    assert "Sat 16 Jan 2027, 02:00" in page
    assert "times are now shown in Asia/Tokyo" in response.content.decode()


def test_an_unknown_time_zone_is_refused_with_the_field_error(collaboration, hub_path) -> None:
    response = Client().post(zone_url(hub_path(collaboration)), {"time_zone": "Mars/Olympus"})

    assert response.status_code == 422
    html = response.content.decode()
    assert "“Mars/Olympus” is not a time zone; use a name such as Europe/Paris." in html
    assert 'aria-invalid="true" aria-describedby="hub-time-zone-error"' in html
    assert '<option value="Mars/Olympus" selected>' in html  # what they sent stays
    collaboration.creator.refresh_from_db()
    assert collaboration.creator.time_zone == "Europe/Paris"


def test_an_empty_time_zone_is_refused(collaboration, hub_path) -> None:
    response = Client().post(zone_url(hub_path(collaboration)), {"time_zone": ""})
    assert response.status_code == 422
    assert "Choose your time zone." in response.content.decode()


def test_a_posting_window_shows_its_start_and_end(collaboration, hub_path) -> None:
    DeliverableFactory.create(
        collaboration=collaboration,
        post_at=dt.datetime(2027, 3, 1, 8, 0, tzinfo=UTC),
        post_until=dt.datetime(2027, 3, 5, 20, 0, tzinfo=UTC),
    )
    page = timeline_text(Client().get(hub_path(collaboration)))
    assert "Mon 1 Mar 2027, 09:00 \N{EN DASH} Fri 5 Mar 2027, 21:00 Deliverable 1" in page
    assert "posting window" in page
