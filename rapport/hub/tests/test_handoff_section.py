"""The asset handoff on the hub: what the creator needs to make the content right."""

from __future__ import annotations

from django.test import Client

from rapport.campaigns.services.briefs import publish_brief, save_brief
from rapport.campaigns.services.seeding import ItemData, create_shipment
from rapport.testing.factories import CollaborationFactory, CreatorFactory, ProductFactory

DISCLOSURE = "#ad Paid partnership with Lumen"


def publish(collaboration, **values):
    content = {
        "non_negotiables": ["Show the label", "Film in daylight", "No competitor products"],
        "talking_points": ["Fragrance-free", "Made for sensitive skin"],
        "do_examples": ["Show your morning routine"],
        "dont_examples": ["Promise medical results"],
        "disclosure": DISCLOSURE,
        "tracking_instructions": "Use your link in every story.",
    }
    save_brief(campaign=collaboration.campaign, actor=None, **(content | values))
    return publish_brief(campaign=collaboration.campaign, actor=None)


def handoff(path):
    html = Client().get(path).content.decode()
    start = html.index('id="handoff"')
    return html[start : html.index("</section>", start)]


def test_the_handoff_shows_the_disclosure_to_copy_and_points_to_the_brief(db, hub_path):
    collaboration = CollaborationFactory.create()
    publish(collaboration)
    section = handoff(hub_path(collaboration))
    box = 'id="handoff-disclosure" readonly rows="3" aria-labelledby="handoff-disclosure-title">'
    assert box + DISCLOSURE in section
    assert 'data-copy="#handoff-disclosure"' in section
    assert 'href="#brief"' in section
    # Talking points, do's and don'ts are in the brief section just above, not repeated here.
    for said_in_the_brief in ("Fragrance-free", "Show your morning routine", "Film in daylight"):
        assert said_in_the_brief not in section


def test_a_draft_brief_is_not_handed_off(db, hub_path):
    collaboration = CollaborationFactory.create()
    save_brief(campaign=collaboration.campaign, actor=None, disclosure="#draft-only")
    section = handoff(hub_path(collaboration))
    assert "#draft-only" not in section
    assert "The brief is not published yet" in section


def test_the_handoff_lists_the_products_shipped_with_their_variant_and_agreed_description(
    db, hub_path
):
    creator = CreatorFactory.create(shipping_address="1 Rue de la Paix\n75002 Paris")
    collaboration = CollaborationFactory.create(
        creator=creator, workspace=creator.workspace, campaign__workspace=creator.workspace
    )
    serum = ProductFactory.create(
        workspace=collaboration.workspace, name="Glow Serum", variants=["30 ml"]
    )
    cream = ProductFactory.create(workspace=collaboration.workspace, name="Night Cream")
    collaboration.terms = {
        "label": "Reel",
        "base_fee": "500.00",
        "currency": "USD",
        "deliverables": "1 reel",
        "add_ons": [],
        "bonus": None,
        "seeding": [
            {
                "product_id": serum.pk,
                "description": "Vitamin C serum, fragrance-free",
                "quantity": 1,
                "unit_value": "40.00",
            },
            {
                "product_id": None,
                "description": "Travel pouch",
                "quantity": 2,
                "unit_value": "5.00",
            },
        ],
    }
    collaboration.save()
    create_shipment(
        collaboration=collaboration,
        actor=None,
        items=[ItemData(serum.pk, "30 ml"), ItemData(cream.pk, quantity=2)],
    )
    section = handoff(hub_path(collaboration))
    assert "<strong>Glow Serum</strong> · 30 ml" in section
    assert "Vitamin C serum, fragrance-free" in section
    assert "<strong>Night Cream</strong> · 2 pieces" in section
    assert "<strong>Travel pouch</strong> · 2 pieces" in section


def test_without_products_or_brief_the_handoff_says_so(db, hub_path):
    section = handoff(hub_path(CollaborationFactory.create()))
    assert "No product is being sent to you for this collaboration." in section


def test_the_tracking_link_and_code_have_their_place_until_they_exist(db, hub_path):
    section = handoff(hub_path(CollaborationFactory.create()))
    assert 'id="tracking"' in section
    assert "Your link and code" in section
    assert "Your personal link and code will appear here once they are ready." in section
