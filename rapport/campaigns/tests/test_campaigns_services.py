"""Planning a campaign: the rules a new or changed campaign must follow, and its audit trail."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from rapport.campaigns.models import Campaign
from rapport.campaigns.services.campaigns import (
    KpiTarget,
    add_experiment,
    change_status,
    create_campaign,
    delete_experiment,
    update_campaign,
    update_experiment,
)
from rapport.testing.factories import CampaignFactory
from rapport.workspaces.models import AuditEvent
from rapport.workspaces.roles import Role


def test_a_new_campaign_takes_the_workspace_defaults_and_a_slug_from_its_name(
    workspace, manager
) -> None:
    workspace.default_currency = "EUR"
    workspace.er_denominator = "impressions"
    workspace.save()
    campaign = create_campaign(workspace=workspace, actor=manager.user, name="Spring Glow 2025")
    assert campaign.slug == "spring-glow-2025"
    assert campaign.currency == "EUR"
    assert campaign.er_denominator == "impressions"
    assert campaign.status == "draft"
    event = AuditEvent.objects.get(kind="campaign.created")
    assert event.campaign == campaign


def test_the_slug_is_unique_in_the_workspace(workspace, other_workspace, manager) -> None:
    CampaignFactory.create(workspace=workspace, slug="spring-glow")
    CampaignFactory.create(workspace=other_workspace, slug="summer")
    # A slug made from the name steps aside…
    made = create_campaign(workspace=workspace, actor=manager.user, name="Spring glow")
    assert made.slug == "spring-glow-2"
    # …one given by hand is refused with the reason…
    with pytest.raises(ValidationError) as caught:
        create_campaign(workspace=workspace, actor=manager.user, name="Other", slug="spring-glow")
    assert "already uses the slug “spring-glow”" in str(caught.value.message_dict["slug"])
    # …but another workspace's slugs do not count.
    assert (
        create_campaign(workspace=workspace, actor=manager.user, name="Summer", slug="summer").slug
        == "summer"
    )


def test_a_slug_must_be_a_slug(workspace, manager) -> None:
    with pytest.raises(ValidationError) as caught:
        create_campaign(workspace=workspace, actor=manager.user, name="X", slug="Not a slug!")
    assert "slug" in caught.value.message_dict


@pytest.mark.parametrize("code", ["XYZ", "QQQ", "EURO", "12$"])
def test_the_currency_must_be_a_real_iso_code(workspace, manager, code) -> None:
    with pytest.raises(ValidationError) as caught:
        create_campaign(workspace=workspace, actor=manager.user, name="Spring", currency=code)
    assert "is not a currency code" in caught.value.message_dict["currency"][0]
    assert not Campaign.objects.exists()


def test_the_decision_maker_and_delegates_must_have_review_rights(workspace, member) -> None:
    manager, reviewer = member(Role.MANAGER), member(Role.REVIEWER)
    finance = member(Role.FINANCE, name="Fran Finance")
    with pytest.raises(ValidationError) as caught:
        create_campaign(
            workspace=workspace, actor=manager.user, name="A", decision_maker=finance.user
        )
    assert "Fran Finance cannot decide on content" in caught.value.message_dict["decision_maker"][0]
    with pytest.raises(ValidationError) as caught:
        create_campaign(
            workspace=workspace,
            actor=manager.user,
            name="A",
            decision_maker=reviewer.user,
            delegates=[manager.user, finance.user],
        )
    assert "Fran Finance" in caught.value.message_dict["delegates"][0]
    campaign = create_campaign(
        workspace=workspace,
        actor=manager.user,
        name="A",
        decision_maker=reviewer.user,
        delegates=[manager.user],
    )
    assert campaign.decision_maker == reviewer.user
    assert list(campaign.delegates.all()) == [manager.user]


def test_someone_outside_the_workspace_cannot_decide(workspace, other_workspace, manager) -> None:
    from rapport.testing.factories import MembershipFactory

    outsider = MembershipFactory.create(workspace=other_workspace, role=Role.OWNER)
    with pytest.raises(ValidationError) as caught:
        create_campaign(
            workspace=workspace, actor=manager.user, name="A", decision_maker=outsider.user
        )
    assert "decision_maker" in caught.value.message_dict


def test_a_campaign_cannot_end_before_it_starts(workspace, manager) -> None:
    with pytest.raises(ValidationError) as caught:
        create_campaign(
            workspace=workspace,
            actor=manager.user,
            name="A",
            starts_on=dt.date(2025, 5, 10),
            ends_on=dt.date(2025, 5, 9),
        )
    assert "cannot end (2025-05-09) before it starts (2025-05-10)" in str(
        caught.value.message_dict["ends_on"]
    )
    campaign = create_campaign(
        workspace=workspace, actor=manager.user, name="A", starts_on=dt.date(2025, 5, 10)
    )
    with pytest.raises(ValidationError):
        update_campaign(campaign=campaign, actor=manager.user, ends_on=dt.date(2025, 5, 1))
    assert Campaign.objects.get(pk=campaign.pk).ends_on is None


def test_kpis_have_one_target_per_metric(workspace, manager) -> None:
    with pytest.raises(ValidationError) as caught:
        create_campaign(
            workspace=workspace,
            actor=manager.user,
            name="A",
            kpis=[KpiTarget("reach", Decimal(10)), KpiTarget("reach", Decimal(20))],
        )
    assert "Reach is listed twice" in caught.value.message_dict["kpis"][0]
    campaign = create_campaign(
        workspace=workspace,
        actor=manager.user,
        name="A",
        kpis=[{"metric": "reach", "target": "500000"}, {"metric": "cpa", "target": "45"}],
    )
    assert [(k.metric, k.target) for k in campaign.kpis.all()] == [
        ("reach", Decimal("500000")),
        ("cpa", Decimal("45")),
    ]
    update_campaign(campaign=campaign, actor=manager.user, kpis=[{"metric": "cpa", "target": 40}])
    event = AuditEvent.objects.filter(kind="campaign.updated").get()
    assert event.changes["kpis"] == [["Reach: 500000", "CPA: 45"], ["CPA: 40"]]


def test_changes_are_audited_on_the_campaign_with_before_and_after(workspace, manager) -> None:
    campaign = create_campaign(workspace=workspace, actor=manager.user, name="A", budget="1000")
    update_campaign(campaign=campaign, actor=manager.user, budget=Decimal("2500.50"), name="B")
    event = AuditEvent.objects.get(kind="campaign.updated")
    assert event.campaign_id == campaign.pk
    assert event.changes == {"name": ["A", "B"], "budget": ["1000.00", "2500.50"]}


def test_status_moves_follow_the_rules_and_are_audited(workspace, manager) -> None:
    campaign = CampaignFactory.create(workspace=workspace)
    with pytest.raises(ValidationError) as caught:
        change_status(campaign=campaign, status="wrapping_up", actor=manager.user)
    assert "cannot go from Draft to Wrapping up" in caught.value.message_dict["status"][0]
    campaign = change_status(campaign=campaign, status="active", actor=manager.user, reason="Go")
    campaign = change_status(campaign=campaign, status="closed", actor=manager.user)
    with pytest.raises(ValidationError) as caught:
        change_status(campaign=campaign, status="wrapping_up", actor=manager.user)
    assert "reason" in caught.value.message_dict
    change_status(
        campaign=campaign, status="wrapping_up", actor=manager.user, reason="Late invoices"
    )
    events = AuditEvent.objects.filter(kind="campaign.status", campaign=campaign).order_by("id")
    assert [e.changes["status"] for e in events] == [
        ["draft", "active"],
        ["active", "closed"],
        ["closed", "wrapping_up"],
    ]
    assert events[2].reason == "Late invoices"


def test_the_experiment_log_is_audited(workspace, manager) -> None:
    campaign = CampaignFactory.create(workspace=workspace)
    with pytest.raises(ValidationError):
        add_experiment(campaign=campaign, actor=manager.user, hypothesis="  ")
    experiment = add_experiment(
        campaign=campaign,
        actor=manager.user,
        hypothesis="Hooks in the first second lift views",
        varied="Opening shot",
    )
    update_experiment(experiment=experiment, actor=manager.user, result="+18% views")
    delete_experiment(experiment=experiment, actor=manager.user)
    kinds = list(
        AuditEvent.objects.filter(campaign=campaign).order_by("id").values_list("kind", "changes")
    )
    assert kinds == [
        ("experiment.added", {}),
        ("experiment.updated", {"result": ["", "+18% views"]}),
        (
            "experiment.deleted",
            {
                "hypothesis": ["Hooks in the first second lift views", ""],
                "varied": ["Opening shot", ""],
                "result": ["+18% views", ""],
            },
        ),
    ]
