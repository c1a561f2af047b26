"""What the seeding tests share: a creator in a campaign with an address, and products."""

from __future__ import annotations

from typing import Any

from rapport.campaigns.models import Collaboration, Product, Shipment
from rapport.campaigns.services import seeding
from rapport.testing.factories import (
    CollaborationFactory,
    CreatorEmailFactory,
    CreatorFactory,
    ProductFactory,
)
from rapport.workspaces.models import User, Workspace

ADDRESS = "Mia Laurent\n12 rue des Lilas\n75011 Paris\nFrance"


def collaboration_with_address(workspace: Workspace, **creator: Any) -> Collaboration:
    email = creator.pop("email", "mia@example.test")
    person = CreatorFactory.create(
        workspace=workspace,
        name=creator.pop("name", "Mia Laurent"),
        shipping_address=creator.pop("shipping_address", ADDRESS),
        **creator,
    )
    CreatorEmailFactory.create(creator=person, workspace=workspace, email=email)
    person.primary_email = email
    person.save(update_fields=["primary_email"])
    return CollaborationFactory.create(
        workspace=workspace, creator=person, campaign__workspace=workspace, stage="briefed"
    )


def serum(workspace: Workspace, **values: Any) -> Product:
    defaults: dict[str, Any] = {
        "name": "Glow Serum",
        "sku": "SER-30",
        "value": "39.00",
        "currency": "EUR",
        "variants": ["30 ml", "50 ml"],
    }
    return ProductFactory.create(workspace=workspace, **(defaults | values))


def draft_shipment(
    collaboration: Collaboration, actor: User | None, product: Product | None = None
) -> Shipment:
    product = product or serum(collaboration.workspace)
    variant = product.variants[0] if product.variants else ""
    return seeding.create_shipment(
        collaboration=collaboration,
        actor=actor,
        items=[seeding.ItemData(product.pk, variant, 2)],
    )
