"""factory_boy factories shared by every app's tests."""

from __future__ import annotations

import factory
from django.utils import timezone

from rapport.campaigns.models import Campaign, Collaboration, Deliverable, Product
from rapport.creators.models import Creator, CreatorEmail, SocialAccount, Tag
from rapport.performance.models import MetricSnapshot, Post
from rapport.tracking.models import DiscountCode, Shop, TrackingLink
from rapport.workspaces.models import Membership, User, Workspace
from rapport.workspaces.roles import Role

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj: User, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            obj.save()


class WorkspaceFactory(factory.django.DjangoModelFactory[Workspace]):
    class Meta:
        model = Workspace

    name = factory.Sequence(lambda n: f"Brand {n}")
    slug = factory.Sequence(lambda n: f"brand-{n}")


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    workspace = factory.SubFactory(WorkspaceFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.MANAGER


class CreatorFactory(factory.django.DjangoModelFactory[Creator]):
    class Meta:
        model = Creator

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Faker("name")


class CreatorEmailFactory(factory.django.DjangoModelFactory[CreatorEmail]):
    class Meta:
        model = CreatorEmail

    creator = factory.SubFactory(CreatorFactory)
    workspace = factory.SelfAttribute("creator.workspace")
    email = factory.Sequence(lambda n: f"creator{n}@example.test")
    is_primary = True


class SocialAccountFactory(factory.django.DjangoModelFactory[SocialAccount]):
    class Meta:
        model = SocialAccount

    creator = factory.SubFactory(CreatorFactory)
    workspace = factory.SelfAttribute("creator.workspace")
    platform = "instagram"
    handle = factory.Sequence(lambda n: f"handle{n}")
    followers = 12_000


class TagFactory(factory.django.DjangoModelFactory[Tag]):
    class Meta:
        model = Tag

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Sequence(lambda n: f"tag-{n}")


class CampaignFactory(factory.django.DjangoModelFactory[Campaign]):
    class Meta:
        model = Campaign

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Sequence(lambda n: f"Campaign {n}")
    slug = factory.Sequence(lambda n: f"campaign-{n}")
    currency = "USD"
    er_denominator = "reach"


class CollaborationFactory(factory.django.DjangoModelFactory[Collaboration]):
    class Meta:
        model = Collaboration

    campaign = factory.SubFactory(CampaignFactory)
    workspace = factory.SelfAttribute("campaign.workspace")
    creator = factory.SubFactory(CreatorFactory, workspace=factory.SelfAttribute("..workspace"))


class DeliverableFactory(factory.django.DjangoModelFactory[Deliverable]):
    class Meta:
        model = Deliverable

    collaboration = factory.SubFactory(CollaborationFactory)
    workspace = factory.SelfAttribute("collaboration.workspace")
    kind = "reel"
    platform = "instagram"


class ProductFactory(factory.django.DjangoModelFactory[Product]):
    class Meta:
        model = Product

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Sequence(lambda n: f"Product {n}")
    sku = factory.Sequence(lambda n: f"SKU-{n:04d}")
    value = "25.00"
    currency = "USD"


class TrackingLinkFactory(factory.django.DjangoModelFactory[TrackingLink]):
    """A link row as the links service would store it (use the service to test its rules)."""

    class Meta:
        model = TrackingLink

    collaboration = factory.SubFactory(CollaborationFactory)
    workspace = factory.SelfAttribute("collaboration.workspace")
    platform = "instagram"
    placement = "bio"
    slug = factory.Sequence(lambda n: f"link{n:04d}x")
    destination = "https://shop.example.com/products/glow"
    utm_source = "instagram"
    utm_medium = "influencer"
    utm_campaign = factory.LazyAttribute(lambda o: o.collaboration.campaign.slug)
    utm_content = factory.Sequence(lambda n: f"creator{n}-bio")
    target_url = factory.LazyAttribute(
        lambda o: (
            f"{o.destination}?utm_source={o.utm_source}&utm_medium={o.utm_medium}"
            f"&utm_campaign={o.utm_campaign}&utm_content={o.utm_content}"
        )
    )


class DiscountCodeFactory(factory.django.DjangoModelFactory[DiscountCode]):
    class Meta:
        model = DiscountCode

    collaboration = factory.SubFactory(CollaborationFactory)
    workspace = factory.SelfAttribute("collaboration.workspace")
    code = factory.Sequence(lambda n: f"GLOW{n}X15")
    kind = "percent"
    value = 15


class ShopFactory(factory.django.DjangoModelFactory[Shop]):
    class Meta:
        model = Shop

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Sequence(lambda n: f"Shop {n}")
    platform = "shopify"
    domain = "glow-shop.myshopify.com"
    key = factory.Sequence(lambda n: f"shopkey{n:08d}")
    secret = "test-webhook-secret"


class PostFactory(factory.django.DjangoModelFactory[Post]):
    class Meta:
        model = Post

    deliverable = factory.SubFactory(DeliverableFactory)
    collaboration = factory.SelfAttribute("deliverable.collaboration")
    workspace = factory.SelfAttribute("deliverable.workspace")
    platform = factory.SelfAttribute("deliverable.platform")
    url = factory.Sequence(lambda n: f"https://www.instagram.com/p/post{n}/")


class MetricSnapshotFactory(factory.django.DjangoModelFactory[MetricSnapshot]):
    class Meta:
        model = MetricSnapshot

    post = factory.SubFactory(PostFactory)
    workspace = factory.SelfAttribute("post.workspace")
    collected_on = factory.LazyFunction(lambda: timezone.localdate())
    source = "entered"
    recorded_at = factory.LazyFunction(timezone.now)
