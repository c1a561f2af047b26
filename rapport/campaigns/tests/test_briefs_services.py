"""Briefs: drafting, publishing versions with what changed, and templates."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from rapport.campaigns.models import BriefTemplate, BriefVersion, CampaignKpi
from rapport.campaigns.queries.briefs import approval_stages_for, changes_since, disclosure_for
from rapport.campaigns.services.briefs import (
    create_template,
    delete_template,
    publish_brief,
    save_brief,
    start_brief,
    template_from_brief,
    update_template,
)
from rapport.testing.factories import CampaignFactory, WorkspaceFactory
from rapport.workspaces.models import AuditEvent

RULES = ["Show the product in the first 3 seconds", "Say #ad out loud", "No competitor in frame"]


@pytest.fixture
def campaign(workspace):
    return CampaignFactory.create(workspace=workspace, objective="conversion")


def test_a_new_brief_starts_from_the_campaigns_objective_and_kpis(campaign, manager) -> None:
    CampaignKpi.objects.create(
        workspace=campaign.workspace, campaign=campaign, metric="cpa", target="45"
    )
    brief = start_brief(campaign=campaign, actor=manager.user)
    assert brief.objective == "conversion"
    assert brief.kpis == [{"metric": "cpa", "target": "45"}]
    assert start_brief(campaign=campaign, actor=manager.user) == brief  # one per campaign


def test_a_brief_can_start_from_a_template(campaign, manager) -> None:
    template = create_template(
        workspace=campaign.workspace,
        actor=manager.user,
        name="Launch",
        brand_voice="Warm, plain, a little funny",
        non_negotiables=RULES,
    )
    brief = save_brief(campaign=campaign, actor=manager.user, template=template, disclosure="#ad")
    assert brief.brand_voice == "Warm, plain, a little funny"
    assert brief.non_negotiables == RULES
    assert brief.disclosure == "#ad"


def test_lists_are_read_one_item_per_line_and_links_must_be_web_addresses(
    campaign, manager
) -> None:
    brief = save_brief(
        campaign=campaign, actor=manager.user, talking_points="Gentle\n\n  Fragrance-free  \n"
    )
    assert brief.talking_points == ["Gentle", "Fragrance-free"]
    with pytest.raises(ValidationError) as caught:
        save_brief(
            campaign=campaign,
            actor=manager.user,
            inspiration_links=["https://example.com/a", "javascript:alert(1)", "ftp://x.test/f"],
        )
    message = caught.value.message_dict["inspiration_links"][0]
    assert "javascript:alert(1), ftp://x.test/f" in message
    assert "http://" in message


def test_kpis_and_approval_stages_are_checked(campaign, manager) -> None:
    with pytest.raises(ValidationError) as caught:
        save_brief(
            campaign=campaign,
            actor=manager.user,
            kpis=[{"metric": "likes", "target": "5"}, {"metric": "cpa", "target": "cheap"}],
            approval_stages=["concept", "vibe"],
        )
    errors = caught.value.message_dict
    assert "“likes” is not a metric" in errors["kpis"][0]
    assert "not “cheap”" in errors["kpis"][1]
    assert "approval_stages" in errors
    brief = save_brief(
        campaign=campaign, actor=manager.user, approval_stages=["final", "script", "concept"]
    )
    assert brief.approval_stages == ["concept", "script", "final"]  # in the order they happen


def test_publishing_needs_three_to_five_non_negotiables(campaign, manager) -> None:
    save_brief(campaign=campaign, actor=manager.user, non_negotiables=RULES[:2])
    with pytest.raises(ValidationError) as caught:
        publish_brief(campaign=campaign, actor=manager.user)
    assert (
        "3 to 5 non-negotiables (this one has 2)" in caught.value.message_dict["non_negotiables"][0]
    )
    save_brief(campaign=campaign, actor=manager.user, non_negotiables=[*RULES, "d", "e", "f"])
    with pytest.raises(ValidationError) as caught:
        publish_brief(campaign=campaign, actor=manager.user)
    assert "(this one has 6)" in caught.value.message_dict["non_negotiables"][0]
    save_brief(campaign=campaign, actor=manager.user, non_negotiables=RULES)
    assert publish_brief(campaign=campaign, actor=manager.user).number == 1


def test_publishing_keeps_versions_with_what_changed_field_by_field(campaign, manager) -> None:
    save_brief(
        campaign=campaign,
        actor=manager.user,
        non_negotiables=RULES,
        disclosure="#ad",
        approval_stages=["concept", "final"],
    )
    first = publish_brief(campaign=campaign, actor=manager.user)
    assert first.number == 1 and first.published_by == manager.user
    assert [c["field"] for c in first.changes] == [
        "objective",
        "non_negotiables",
        "disclosure",
        "approval_stages",
    ]
    save_brief(
        campaign=campaign,
        actor=manager.user,
        disclosure="#ad #partner",
        non_negotiables=[*RULES, "Post between 6 and 9 pm"],
        kpis=[{"metric": "cpa", "target": "45.00"}],
    )
    second = publish_brief(campaign=campaign, actor=manager.user, summary="Evening posting")
    assert second.number == 2 and second.summary == "Evening posting"
    assert second.changes == [
        {
            "field": "non_negotiables",
            "label": "Non-negotiables",
            "before": "\n".join(RULES),
            "after": "\n".join([*RULES, "Post between 6 and 9 pm"]),
        },
        {
            "field": "disclosure",
            "label": "Required disclosure",
            "before": "#ad",
            "after": "#ad #partner",
        },
        {"field": "kpis", "label": "KPIs and targets", "before": "", "after": "CPA: 45"},
    ]
    # The old version is kept as it was.
    first.refresh_from_db()
    assert first.content["disclosure"] == "#ad"
    assert BriefVersion.objects.filter(brief__campaign=campaign).count() == 2
    event = AuditEvent.objects.filter(kind="brief.published").order_by("-id")[0]
    assert event.campaign == campaign
    assert event.changes["disclosure"] == ["#ad", "#ad #partner"]
    # What the hub shows a creator who last saw version 1.
    assert [c["field"] for c in changes_since(campaign, 1)] == [
        "non_negotiables",
        "disclosure",
        "kpis",
    ]
    assert changes_since(campaign, 2) == []
    assert disclosure_for(campaign) == "#ad #partner"
    assert approval_stages_for(campaign) == ["concept", "final"]


def test_publishing_an_unchanged_brief_is_refused(campaign, manager) -> None:
    save_brief(campaign=campaign, actor=manager.user, non_negotiables=RULES)
    publish_brief(campaign=campaign, actor=manager.user)
    save_brief(campaign=campaign, actor=manager.user, non_negotiables=RULES)  # the same again
    with pytest.raises(ValidationError) as caught:
        publish_brief(campaign=campaign, actor=manager.user)
    assert "Nothing changed since version 1" in caught.value.message_dict["brief"][0]
    assert BriefVersion.objects.count() == 1


def test_publishing_without_a_brief_is_refused(campaign, manager) -> None:
    with pytest.raises(ValidationError) as caught:
        publish_brief(campaign=campaign, actor=manager.user)
    assert "brief" in caught.value.message_dict


def test_templates_are_created_changed_deleted_and_saved_from_a_brief(campaign, manager) -> None:
    workspace = campaign.workspace
    with pytest.raises(ValidationError):
        create_template(workspace=workspace, actor=manager.user, name=" ")
    template = create_template(
        workspace=workspace, actor=manager.user, name="Seeding", disclosure="#gifted"
    )
    update_template(template=template, actor=manager.user, name="Gifting", disclosure="#gift")
    template.refresh_from_db()
    assert (template.name, template.disclosure) == ("Gifting", "#gift")
    save_brief(campaign=campaign, actor=manager.user, brand_voice="Calm", non_negotiables=RULES)
    copy = template_from_brief(campaign=campaign, actor=manager.user, name="From spring")
    assert (copy.brand_voice, copy.non_negotiables) == ("Calm", RULES)
    delete_template(template=template, actor=manager.user)
    assert list(BriefTemplate.objects.values_list("name", flat=True)) == ["From spring"]


def test_a_template_of_another_workspace_cannot_start_a_brief(campaign, manager) -> None:
    elsewhere = create_template(workspace=WorkspaceFactory.create(), actor=None, name="Theirs")
    with pytest.raises(ValidationError):
        start_brief(campaign=campaign, actor=manager.user, template=elsewhere)
