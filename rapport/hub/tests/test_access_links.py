"""A hub link opens its one collaboration: forged and unknown tokens find nothing, revoked,
rotated and expired links show a friendly page, and nothing of another collaboration can be seen
or reached from a link."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Q
from django.test import Client
from django.urls import URLPattern, reverse
from django.utils import timezone

from rapport.hub import urls as hub_urls
from rapport.hub.models import HubLink
from rapport.hub.services.links import (
    LinkState,
    active_link,
    issue_link,
    note_opened,
    revoke_link,
    rotate_link,
    state_of,
    token_of,
)
from rapport.testing.factories import (
    CampaignFactory,
    CollaborationFactory,
    CreatorFactory,
    DeliverableFactory,
)
from rapport.workspaces.models import AuditEvent


def forged(path: str) -> str:
    """The same address with the token's last character changed."""
    token = path.strip("/").split("/")[-1]
    return reverse("hub:page", args=[token[:-1] + ("0" if token[-1] != "0" else "1")])


def test_a_valid_link_opens_its_collaboration_privately(db: None, hub_path) -> None:
    collaboration = CollaborationFactory.create(campaign__name="Spring Glow")
    answer = Client().get(hub_path(collaboration))
    assert answer.status_code == 200
    assert "Spring Glow" in answer.content.decode()
    assert answer["Cache-Control"] == "private, no-store"
    assert answer["Referrer-Policy"] == "same-origin"  # never to another site
    assert answer["X-Robots-Tag"] == "noindex, nofollow"


def test_forged_and_unknown_tokens_find_nothing(db: None, hub_path) -> None:
    collaboration = CollaborationFactory.create(campaign__name="Spring Glow")
    path = hub_path(collaboration)
    for address in (forged(path), "/h/" + "a" * 56 + "/", "/h/nothing/"):
        answer = Client().get(address)
        assert answer.status_code == 404
        page = answer.content.decode()
        assert "We could not find this link" in page
        assert "Spring Glow" not in page


def test_the_database_alone_does_not_hold_a_working_link(db: None, hub_path) -> None:
    collaboration = CollaborationFactory.create()
    hub_path(collaboration)
    link = HubLink.objects.get(collaboration=collaboration)
    # The lookup half on its own is not a token, nor is it padded with anything guessable.
    assert Client().get(f"/h/{link.lookup}/").status_code == 404
    assert Client().get(f"/h/{link.lookup + '0' * 32}/").status_code == 404


def test_a_revoked_link_shows_a_friendly_page(db: None, hub_path, manager) -> None:
    collaboration = CollaborationFactory.create(
        campaign__workspace=manager.workspace, campaign__name="Spring Glow"
    )
    path = hub_path(collaboration)
    revoke_link(collaboration=collaboration, actor=manager.user)
    answer = Client().get(path)
    assert answer.status_code == 410
    page = answer.content.decode()
    assert "This link is no longer active" in page
    assert "Lumen Skincare replaced or switched off this link" in page
    assert "Spring Glow" not in page
    assert answer["Cache-Control"] == "private, no-store"


def test_rotating_stops_the_old_link_and_the_new_one_opens(db: None, hub_path, manager) -> None:
    collaboration = CollaborationFactory.create(campaign__workspace=manager.workspace)
    old = hub_path(collaboration)
    new_link = rotate_link(collaboration=collaboration, actor=manager.user)
    assert Client().get(old).status_code == 410
    assert Client().get(reverse("hub:page", args=[token_of(new_link)])).status_code == 200
    assert active_link(collaboration) == new_link
    assert HubLink.objects.filter(collaboration=collaboration).count() == 2


def test_issuing_twice_keeps_one_link(db: None) -> None:
    collaboration = CollaborationFactory.create()
    first = issue_link(collaboration=collaboration, actor=None)
    assert issue_link(collaboration=collaboration, actor=None) == first


@pytest.mark.parametrize("stage", ["closed", "declined", "cancelled"])
def test_the_link_expires_the_workspaces_days_after_the_collaboration_ends(
    db: None, hub_path, stage: str
) -> None:
    collaboration = CollaborationFactory.create(
        stage=stage, campaign__workspace__hub_days_after_close=30, campaign__name="Spring Glow"
    )
    path = hub_path(collaboration)
    now = timezone.now()
    collaboration.stage_changed_at = now - dt.timedelta(days=29)  # one day before it expires
    collaboration.save(update_fields=["stage_changed_at"])
    assert Client().get(path).status_code == 200
    collaboration.stage_changed_at = now - dt.timedelta(days=30, minutes=1)
    collaboration.save(update_fields=["stage_changed_at"])
    answer = Client().get(path)
    assert answer.status_code == 410
    page = answer.content.decode()
    assert "This collaboration has ended" in page
    assert "Spring Glow" not in page


def test_a_running_collaboration_never_expires(db: None) -> None:
    collaboration = CollaborationFactory.create(
        stage="live", stage_changed_at=timezone.now() - dt.timedelta(days=3000)
    )
    link = issue_link(collaboration=collaboration, actor=None)
    assert state_of(link) == LinkState.ACTIVE


def test_opening_the_link_is_remembered_at_most_once_a_minute(
    db: None, hub_path, django_assert_num_queries
) -> None:
    collaboration = CollaborationFactory.create()
    hub_path(collaboration)
    link = HubLink.objects.get(collaboration=collaboration)
    with django_assert_num_queries(1):
        note_opened(link)
    first = link.last_opened_at
    assert first is not None
    with django_assert_num_queries(0):
        note_opened(link)
    # Another worker's stale copy: the database still says "within the minute", nothing changes.
    stale = HubLink.objects.get(pk=link.pk)
    stale.last_opened_at = None
    with django_assert_num_queries(1):
        note_opened(stale)
    assert HubLink.objects.get(pk=link.pk).last_opened_at == first
    # A minute later, the next visit is written.
    earlier = first - dt.timedelta(minutes=2)
    HubLink.objects.filter(pk=link.pk).update(last_opened_at=earlier)
    link.last_opened_at = earlier
    note_opened(link)
    latest = HubLink.objects.get(pk=link.pk).last_opened_at
    assert latest is not None and latest > first


def test_the_creator_opening_the_page_counts_but_a_signed_in_member_does_not(
    db: None, hub_path, manager, client_for
) -> None:
    collaboration = CollaborationFactory.create(campaign__workspace=manager.workspace)
    path = hub_path(collaboration)
    assert client_for(manager).get(path).status_code == 200
    assert HubLink.objects.get(collaboration=collaboration).last_opened_at is None
    Client().get(path)
    assert HubLink.objects.get(collaboration=collaboration).last_opened_at is not None


def test_the_hub_page_of_an_empty_collaboration_takes_few_queries(
    db: None, hub_path, django_assert_max_num_queries
) -> None:
    collaboration = CollaborationFactory.create()
    path = hub_path(collaboration)
    client = Client()
    # The link and its collaboration (1), "last opened" (1), then each part's section. Other
    # parts add their queries to this page: the bound is generous but finite.
    with django_assert_max_num_queries(40):
        assert client.get(path).status_code == 200


# --- Isolation between collaborations of one workspace -----------------------------------------


@pytest.fixture
def two_collaborations(workspace):
    """Collaboration A (Maya Lind in Spring Glow) and B (Theo Brandt in Winter Frost), with
    distinctive ids, each with a deliverable."""
    a = CollaborationFactory.create(
        pk=900001,
        campaign=CampaignFactory.create(pk=800001, workspace=workspace, name="Spring Glow"),
        creator=CreatorFactory.create(pk=700001, workspace=workspace, name="Maya Lind"),
    )
    b = CollaborationFactory.create(
        pk=900002,
        campaign=CampaignFactory.create(pk=800002, workspace=workspace, name="Winter Frost"),
        creator=CreatorFactory.create(pk=700002, workspace=workspace, name="Theo Brandt"),
    )
    DeliverableFactory.create(pk=600001, collaboration=a)
    DeliverableFactory.create(pk=600002, collaboration=b)
    return a, b


def test_a_link_shows_nothing_of_another_collaboration_nor_any_id(
    two_collaborations, hub_path
) -> None:
    a, b = two_collaborations
    hub_path(b)
    page = Client().get(hub_path(a)).content.decode()
    assert "Spring Glow" in page
    for absent in ("Theo Brandt", "Winter Frost"):
        assert absent not in page
    for pk in ("900001", "900002", "800001", "800002", "700001", "700002", "600001", "600002"):
        assert pk not in page


def _action_paths(token: str) -> list[str]:
    """Every hub action's address for this token, with 1 for each number in it."""
    paths = []
    for pattern in hub_urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        if pattern.name == "page":
            continue
        numbers = [1] * (len(pattern.pattern.converters) - 1)
        paths.append(reverse(f"hub:{pattern.name}", args=[token, *numbers]))
    return paths


def test_a_links_actions_cannot_touch_another_collaboration(two_collaborations, hub_path) -> None:
    a, b = two_collaborations
    hub_path(b)
    token = hub_path(a).strip("/").split("/")[-1]
    b_events = AuditEvent.objects.filter(Q(creator=b.creator) | Q(campaign=b.campaign))
    before = (b_events.count(), b.updated_at, list(b.deliverables.values()))
    client = Client(raise_request_exception=False)
    # Ids of B's rows under every name a form might read, which the hub must ignore.
    sneaky = {
        name: str(value)
        for name, value in {
            "collaboration": b.pk,
            "collaboration_id": b.pk,
            "deliverable": 600002,
            "deliverable_id": 600002,
            "creator": b.creator_id,
            "creator_id": b.creator_id,
            "campaign": b.campaign_id,
            "id": b.pk,
            "pk": b.pk,
        }.items()
    }
    data = sneaky | {"body": "Hello", "link": "https://example.com/v", "note": "n"}
    for path in _action_paths(token):
        client.post(path, data)
    b.refresh_from_db()
    assert (b_events.count(), b.updated_at, list(b.deliverables.values())) == before
