"""The deliverables, shipping and details sections cost a fixed number of queries, however many
deliverables, drafts and parcels a collaboration has."""

from __future__ import annotations

import pytest
from django.test import Client

from rapport.campaigns.models import Submission, Verdict
from rapport.campaigns.services import reviews, seeding
from rapport.hub.tests.work_fixtures import (
    Setting,
    collaboration_setting,
    hub_request,
    render_section,
)
from rapport.testing.factories import DeliverableFactory, ProductFactory

pytestmark = pytest.mark.django_db


def add_work(setting: Setting, n: int) -> None:
    product = ProductFactory.create(workspace=setting.collaboration.workspace)
    for i in range(n):
        deliverable = DeliverableFactory.create(
            collaboration=setting.collaboration, approval_stages=["concept", "final"]
        )
        Client().post(
            setting.url(f"deliverables/{deliverable.collaboration.deliverables.count()}/draft/"),
            {"stage": "concept", "link": f"https://drive.example.com/{i}"},
        )
        reviews.decide(
            submission=Submission.objects.filter(deliverable=deliverable).get(),
            actor=setting.reviewer,
            verdict=Verdict.CHANGES_REQUESTED,
            note="Closer shot",
        )
        seeding.create_shipment(
            collaboration=setting.collaboration,
            actor=setting.owner,
            items=[seeding.ItemData(product.pk, "", 1)],
        )


# What each section shows once per deliverable or parcel (None), or a fixed number of times.
SEEN = {
    "deliverables": ("Closer shot", None),
    "shipping": ("Parcel ", None),
    "details": ("Only you see", 1),
}


@pytest.mark.parametrize(
    ("part", "queries"), [("deliverables", 2), ("shipping", 2), ("details", 0)]
)
def test_each_section_costs_the_same_for_one_or_five(
    workspace, django_assert_num_queries, part, queries
) -> None:
    for n in (1, 5):
        setting = collaboration_setting(workspace, name=f"Creator {n}", shipping_address="1 Rue")
        add_work(setting, n)
        request, hub = hub_request(setting)
        with django_assert_num_queries(queries):
            html = render_section(part, request, hub)
        text, count = SEEN[part]
        assert html.count(text) == (n if count is None else count)
