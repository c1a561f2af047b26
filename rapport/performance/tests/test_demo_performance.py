"""The demo's performance data: built by ``rapport demo``, believable, and never doubled."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db.models import Count

from rapport.campaigns.models import Campaign, CollabStage, Deliverable
from rapport.creators.demo import TEAM
from rapport.finance.models import InvoiceStatus
from rapport.performance.demo import EXPIRED, build_performance
from rapport.performance.models import (
    MetricSnapshot,
    MetricSource,
    PlatformConnection,
    Post,
    SurveyResponse,
)
from rapport.performance.queries.figures import Level, figures_by, totals
from rapport.workspaces.models import User

pytestmark = pytest.mark.django_db

POSTING = (CollabStage.LIVE, CollabStage.REPORTED, CollabStage.PAID)


def counts() -> dict[str, int]:
    return {
        "posts": Post.objects.count(),
        "snapshots": MetricSnapshot.objects.count(),
        "connections": PlatformConnection.objects.count(),
        "surveys": SurveyResponse.objects.count(),
        "experiments": Campaign.objects.filter(name="Spring Glow Launch").aggregate(
            n=Count("experiments")
        )["n"],
    }


def snapshot_values() -> list[tuple[object, ...]]:
    return list(
        MetricSnapshot.objects.order_by("post__url", "collected_on", "source").values_list(
            "post__url", "collected_on", "source", "reach", "impressions", "views", "likes"
        )
    )


def test_the_demo_has_figures_to_report_and_a_second_run_adds_nothing() -> None:
    call_command("demo", "--skip-checks", stdout=io.StringIO())
    launch = Campaign.objects.get(name="Spring Glow Launch")
    workspace = launch.workspace

    # Every live deliverable of a live, reported or paid collaboration has its post...
    live = Deliverable.objects.filter(
        collaboration__campaign=launch, collaboration__stage__in=POSTING
    )
    assert live.count() >= 8
    assert set(live.values_list("live_url", flat=True)) == set(
        Post.objects.filter(collaboration__campaign=launch).values_list("url", flat=True)
    )
    stages = set(launch.collaborations.values_list("stage", flat=True))
    assert {CollabStage.LIVE, CollabStage.REPORTED, CollabStage.PAID} <= stages
    # ... with figures collected over time, from the team, the creator and the platform.
    per_post = Post.objects.filter(collaboration__campaign=launch).annotate(
        n=Count("snapshots"), days=Count("snapshots__collected_on", distinct=True)
    )
    assert all(post.n >= 2 and post.days >= 2 for post in per_post)
    assert set(MetricSnapshot.objects.values_list("source", flat=True)) == {
        MetricSource.ENTERED,
        MetricSource.CREATOR,
        MetricSource.API,
    }
    # Figures grow over time: each post's reach never falls from one collection to the next.
    for post in per_post:
        reaches = [s.reach or 0 for s in post.snapshots.order_by("collected_on", "recorded_at")]
        assert reaches == sorted(reaches)

    # The report has real figures, different for each tier, in dollars.
    whole = totals(workspace, currency="USD", campaign=launch)
    assert whole.reach > 100_000 and whole.impressions > whole.reach and whole.views > 0
    assert whole.engagements > 0 and whole.conversions > 0 and whole.spend > 0
    tiers = figures_by(workspace, level=Level.TIER, currency="USD", campaign=launch)
    reached = {tier: figures.reach for tier, figures in tiers.items() if figures.reach}
    assert {"nano", "micro", "macro"} <= set(reached)
    assert reached["nano"] < reached["micro"] < reached["macro"]

    # One post shows the connector's error; the connections' credentials are made up and kept.
    failing = Post.objects.exclude(fetch_error="")
    assert [post.fetch_error for post in failing] == [EXPIRED]
    assert failing[0].fetch_error_at is not None
    assert not failing[0].snapshots.filter(source=MetricSource.API).exists()
    connections = PlatformConnection.objects.filter(workspace=workspace)
    assert {c.provider for c in connections} == {"youtube", "instagram"}
    assert all(c.credential for c in connections)
    assert connections.filter(last_error=EXPIRED).count() == 1

    # The paid collaboration's invoice is paid and its creator answered the survey.
    survey = SurveyResponse.objects.get()
    assert survey.collaboration.stage == CollabStage.PAID
    assert survey.collaboration.campaign == launch and 1 <= survey.satisfaction <= 5
    assert survey.collaboration.invoices.get().status == InvoiceStatus.PAID

    # The experiment log holds results and decisions.
    assert launch.experiments.exclude(result="").exclude(decision="").count() == 2

    # Building again changes nothing, on its own or as part of the whole demo.
    before, values = counts(), snapshot_values()
    users = {u.email: u for u in User.objects.filter(email__in=[t[0] for t in TEAM])}
    build_performance(workspace, users)
    assert counts() == before and snapshot_values() == values
    call_command("demo", "--skip-checks", stdout=io.StringIO())
    assert counts() == before
