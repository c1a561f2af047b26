"""One click for the whole campaign: every contracted creator's missing links and code, once,
all or nothing, recorded once."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from rapport.campaigns.models import CollabStage
from rapport.testing.factories import CollaborationFactory, CreatorFactory, SocialAccountFactory
from rapport.tracking.models import DiscountCode, TrackingLink
from rapport.tracking.services import codes as code_services
from rapport.tracking.services.preparation import prepare_campaign
from rapport.tracking.tests.links_fixtures import SHOP, campaign, contracted, maya
from rapport.workspaces.models import AuditEvent

__all__ = ["campaign", "maya"]  # fixtures


def prepare(campaign, destination=SHOP, **kwargs):
    kwargs.setdefault("percent", 15)
    return prepare_campaign(campaign=campaign, destination=destination, actor=None, **kwargs)


def test_links_per_deliverable_platform_codes_for_each_and_only_from_the_contract_on(
    campaign, maya
):
    contracted(campaign, "Leo Park", "leo", platforms=("tiktok", "youtube", "tiktok"))
    live = contracted(campaign, "Ana Ruiz", "ana.ruiz", platforms=(), stage=CollabStage.LIVE)
    SocialAccountFactory.create(
        creator=live.creator, platform="tiktok", handle="ana", followers=9e5
    )
    contracted(campaign, "Invited Ivy", "ivy", stage=CollabStage.INVITED)
    contracted(campaign, "Declined Dan", "dan", stage=CollabStage.DECLINED)
    result = prepare(campaign)
    links = {
        (x.collaboration.creator.name, x.platform, x.placement) for x in TrackingLink.objects.all()
    }
    assert links == {
        ("Maya Chen", "instagram", "bio"),
        ("Leo Park", "tiktok", "bio"),
        ("Leo Park", "youtube", "bio"),
        ("Ana Ruiz", "tiktok", "bio"),  # no deliverable: the creator's largest account
    }
    assert sorted(DiscountCode.objects.values_list("code", flat=True)) == [
        "ANA15", "LEO15", "MAYAGLOW15",
    ]  # fmt: skip
    assert result.summary == "4 links and 3 codes created"
    assert AuditEvent.objects.filter(kind="tracking.prepared").count() == 1
    assert AuditEvent.objects.filter(kind="tracking.link_created").count() == 0


def test_a_second_run_creates_nothing_and_says_so(campaign, maya):
    prepare(campaign)
    contracted(campaign, "Leo Park", "leo")
    again = prepare(campaign)
    assert again.summary == "1 link and 1 code created; 1 collaboration already had its own"
    third = prepare(campaign)
    assert third.summary == "0 links and 0 codes created; 2 collaborations already had theirs"
    assert TrackingLink.objects.count() == 2 and DiscountCode.objects.count() == 2
    assert AuditEvent.objects.filter(kind="tracking.prepared").count() == 2


def test_what_someone_stopped_is_not_brought_back_but_a_missing_code_is_made(campaign, maya):
    prepare(campaign)
    link = TrackingLink.objects.get()
    link.is_active = False
    link.save()
    code = DiscountCode.objects.get()
    code_services.deactivate_code(discount_code=code, actor=None)
    result = prepare(campaign)
    assert len(result.links) == 0 and len(result.codes) == 1
    assert result.codes[0].code.startswith("MAYAGLOW15") and result.codes[0].code != "MAYAGLOW15"


def test_a_bad_destination_or_pattern_creates_nothing(campaign, maya):
    contracted(campaign, "Leo Park", "leo")
    with pytest.raises(ValidationError) as refused:
        prepare(campaign, "https://evil.test/")
    assert "destination" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        prepare(campaign, pattern="{HANDLE}{OOPS}")
    assert "pattern" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        prepare(campaign, percent=None)
    assert "percent" in refused.value.message_dict
    assert not TrackingLink.objects.exists() and not DiscountCode.objects.exists()
    assert not AuditEvent.objects.filter(kind="tracking.prepared").exists()


def test_two_creators_with_the_same_handle_get_different_codes(campaign):
    for name, handle in (("Maya A", "mayaglow"), ("Maya B", "maya_glow")):
        creator = CreatorFactory.create(workspace=campaign.workspace, name=name)
        SocialAccountFactory.create(creator=creator, handle=handle)
        CollaborationFactory.create(campaign=campaign, creator=creator, stage="briefed")
    prepare(campaign)
    codes = list(DiscountCode.objects.values_list("code", flat=True))
    assert len(set(codes)) == 2 and "MAYAGLOW15" in codes
