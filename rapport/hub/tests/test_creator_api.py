"""The creator's own API under /api/v1/hub/me: opened by the hub token in ``X-Hub-Token`` (never a
workspace's bearer token), checked like a hub page (unknown, revoked, expired, too many bad
tries), and answering with what the hub page shows: positions, never database ids. Each action
lands in the CRM as the page's form does."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from rapport.campaigns.models import (
    CollabStage,
    Moment,
    Question,
    ShipmentStatus,
    SlaClock,
    Submission,
    Verdict,
)
from rapport.campaigns.services import reviews, seeding
from rapport.campaigns.services.briefs import publish_brief, save_brief
from rapport.creators.models import Creator
from rapport.finance.models import Invoice
from rapport.hub import throttle
from rapport.hub.models import BriefAcknowledgement
from rapport.hub.services.links import revoke_link
from rapport.hub.tests.test_brief_changes import first_brief
from rapport.hub.tests.test_terms_plain import launch_package, sent_round
from rapport.hub.tests.work_fixtures import (
    PDF_BYTES,
    Setting,
    collaboration_setting,
    png_file,
)
from rapport.testing.factories import DeliverableFactory, ProductFactory
from rapport.workspaces.models import AuditEvent, Notification, Workspace
from rapport.workspaces.services import create_api_token

pytestmark = pytest.mark.django_db

ME = "/api/v1/hub/me"


def token_of(setting: Setting) -> str:
    return setting.path.strip("/").rsplit("/", 1)[-1]


def creator_client(setting: Setting) -> Client:
    return Client(headers={"X-Hub-Token": token_of(setting)})


@pytest.fixture
def setting(workspace: Workspace) -> Setting:
    return collaboration_setting(workspace)


@pytest.fixture
def api(setting: Setting) -> Client:
    return creator_client(setting)


def reel(setting: Setting, **values: Any) -> Any:
    defaults = {
        "approval_stages": ["concept", "final"],
        "post_at": dt.datetime(2030, 3, 15, 17, 0, tzinfo=dt.UTC),
    }
    return DeliverableFactory.create(collaboration=setting.collaboration, **(defaults | values))


def shipped_parcel(setting: Setting) -> Any:
    serum = ProductFactory.create(workspace=setting.collaboration.workspace, name="Glow Serum")
    parcel = seeding.create_shipment(
        collaboration=setting.collaboration,
        actor=setting.owner,
        items=[seeding.ItemData(serum.pk, "", 1)],
        expected_on=dt.date(2030, 3, 14),
    )
    parcel = seeding.create_label(
        shipment=parcel, actor=setting.owner, carrier="ups", tracking_number="1Z999AA10123456784"
    )
    return seeding.mark_shipped(shipment=parcel, actor=setting.owner)


def agree(setting: Setting) -> None:
    collaboration = setting.collaboration
    collaboration.committed_cost = Decimal("1500.00")
    collaboration.currency = "EUR"
    collaboration.save(update_fields=["committed_cost", "currency"])


def fields_of(response: Any) -> dict[str | None, str]:
    assert response.status_code == 422, response.content
    return {e["field"]: e["message"] for e in response.json()["detail"]}


def keys_of(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys_of(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys_of(v)}
    return set()


# ---------------------------------------------------------------------------------------------
# The door


def test_a_workspace_bearer_token_does_not_open_the_hub_api(setting, manager) -> None:
    _token, raw = create_api_token(workspace=setting.collaboration.workspace, user=manager.user)
    response = Client(headers={"Authorization": f"Bearer {raw}"}).get(ME)
    assert response.status_code == 401
    assert "X-Hub-Token" in response.json()["detail"]


def test_an_unknown_token_is_a_401_and_counts_towards_the_slow_down(setting) -> None:
    forged = token_of(setting)[:-4] + "abcd"
    response = Client(headers={"X-Hub-Token": forged}).get(ME)
    assert response.status_code == 401
    assert response.json() == {
        "detail": "This hub token opens nothing: check you copied all of it from your link."
    }
    assert response["Cache-Control"] == "private, no-store"
    assert len(throttle.cache.get(throttle._key(response.wsgi_request))) == 1


def test_a_revoked_link_is_a_410_in_the_creators_language(setting, api) -> None:
    revoke_link(collaboration=setting.collaboration, actor=setting.owner)
    response = api.get(ME)
    assert response.status_code == 410
    assert response.json()["detail"].startswith("This link is no longer active: Lumen Skincare")
    assert throttle.retry_after(response.wsgi_request) == 0  # a real token is not a bad one


def test_an_expired_link_is_a_410(setting, api) -> None:
    collaboration = setting.collaboration
    collaboration.stage = CollabStage.CLOSED
    collaboration.stage_changed_at = timezone.now() - dt.timedelta(days=91)
    collaboration.save(update_fields=["stage", "stage_changed_at"])
    response = api.post(f"{ME}/messages", {"body": "Hello?"}, content_type="application/json")
    assert response.status_code == 410
    assert "has ended and its link has expired" in response.json()["detail"]
    assert not Question.objects.exists()


def test_too_many_bad_tokens_are_refused_with_retry_after_but_a_real_one_opens(
    setting, api, monkeypatch
) -> None:
    now = 1_000_000.0
    monkeypatch.setattr(throttle, "_clock", lambda: now)
    stranger = Client(headers={"X-Hub-Token": "x" * 56})
    for _ in range(throttle.FREE_FAILURES):
        assert stranger.get(ME).status_code == 401
    refused = stranger.get(ME)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "1"
    assert refused.json() == {
        "detail": "Too many tokens that open nothing were tried from this connection. Wait 1 "
        "second and try again."
    }
    # The same address with the creator's own token: a neighbour cannot lock them out.
    assert api.get(ME).status_code == 200
    now += 1
    assert stranger.get(ME).status_code == 401


def test_a_team_member_previews_but_cannot_act(setting, api, client_for, manager) -> None:
    member = client_for(manager)
    member.defaults["HTTP_X_HUB_TOKEN"] = token_of(setting)

    assert member.get(ME).json()["creator"] == "Mia Laurent"
    response = member.post(f"{ME}/messages", {"body": "Hi"}, content_type="application/json")

    assert response.status_code == 403
    assert "only the creator can act on it" in response.json()["detail"]
    assert not Question.objects.exists()
    assert setting.collaboration.hub_links.get().last_opened_at is None


def test_a_token_reaches_only_its_own_collaboration(setting, api, workspace) -> None:
    other = collaboration_setting(workspace, name="Noor Haddad", time_zone="Asia/Dubai")
    reel(setting)
    reel(other)
    reel(other, kind="story")
    before = list(Submission.objects.values_list("pk", flat=True))

    mine = api.get(ME).json()
    assert mine["creator"] == "Mia Laurent" and len(mine["deliverables"]) == 1
    assert "Noor" not in json.dumps(mine)
    # Position 2 exists only in the other collaboration: not for this token.
    response = api.post(f"{ME}/deliverables/2/submissions", {"link": "https://example.com/d"})
    assert response.status_code == 404
    assert list(Submission.objects.values_list("pk", flat=True)) == before
    theirs = creator_client(other).get(ME).json()
    assert theirs["creator"] == "Noor Haddad" and len(theirs["deliverables"]) == 2


# ---------------------------------------------------------------------------------------------
# Reading


def test_me_is_the_hub_page_as_data_without_any_id(setting, api) -> None:
    first_brief(setting.collaboration.campaign, setting.owner)
    deliverable = reel(setting)
    submission = reviews.submit(
        deliverable=deliverable, stage="concept", actor=None, file=png_file(), note="Take one"
    )
    reviews.decide(
        submission=submission,
        actor=setting.reviewer,
        verdict=Verdict.CHANGES_REQUESTED,
        note="Warmer light, please.",
    )
    shipped_parcel(setting)
    agree(setting)
    api.post(f"{ME}/messages", {"body": "When do you ship?"}, content_type="application/json")

    with_ids = api.get(ME)

    assert with_ids.status_code == 200
    me = with_ids.json()
    assert not {k for k in keys_of(me) if k == "id" or k.endswith("_id") or k == "pk"}
    assert me["brand"] == "Lumen Skincare" and me["campaign"] == "Spring Glow"
    assert me["contact"] == {"name": "Olivia Owner", "answers_within_business_days": 1}
    assert me["stage"] == "in_production" and me["stage_label"] == "In production"
    assert me["time_zone"] == "Europe/Paris"
    assert me["brief"]["version"] == 1
    assert me["brief"]["changed_fields"] == []
    assert {f["name"] for f in me["brief"]["fields"]} >= {"brand_voice", "non_negotiables"}
    (row,) = me["deliverables"]
    assert row["position"] == 1 and row["status"] == "changes"
    assert row["post_at"] == "2030-03-15T18:00:00+01:00"  # in Paris
    (draft,) = row["drafts"]
    assert draft["file_name"] == "look.png" and draft["note"] == "Take one"
    assert draft["decision"]["verdict"] == "changes_requested"
    assert draft["decision"]["note"] == "Warmer light, please."
    assert "rating" not in draft["decision"] and "decided_by" not in draft["decision"]
    (parcel,) = me["shipments"]
    assert parcel["status"] == "shipped" and parcel["carrier"] == "ups"
    assert parcel["tracking_url"].startswith("https://") and parcel["can_confirm"] is True
    assert parcel["items"] == [{"name": "Glow Serum", "variant": "", "quantity": 1}]
    assert me["messages"][0]["body"] == "When do you ship?"
    assert len(me["faq"]) == 10 and me["faq"][0]["topic"] == "shipping"
    assert me["terms"]["payment_days"] == 15 and me["terms"]["currency"] == "EUR"
    assert me["details"]["shipping_address"].startswith("Mia Laurent")
    assert token_of(setting) not in with_ids.content.decode()


def test_me_shows_the_brief_change_since_the_last_visit(setting, api) -> None:
    campaign = setting.collaboration.campaign
    first_brief(campaign, setting.owner)
    assert api.get(ME).json()["brief"]["changed_fields"] == []
    save_brief(campaign=campaign, actor=setting.owner, brand_voice="Warm and a little funny")
    publish_brief(campaign=campaign, actor=setting.owner)
    later = timezone.now() + dt.timedelta(hours=2)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: later)
        brief = api.get(ME).json()["brief"]
    assert brief["version"] == 2 and brief["changed_since_version"] == 1
    assert brief["changed_fields"] == ["brand_voice"]
    voice = next(f for f in brief["fields"] if f["name"] == "brand_voice")
    assert voice["changed"] is True and voice["text"] == "Warm and a little funny"


def negotiating(setting: Setting) -> None:
    setting.collaboration.stage = CollabStage.NEGOTIATING
    setting.collaboration.save(update_fields=["stage"])


def test_me_offers_the_packages_while_one_is_to_be_chosen(setting, api) -> None:
    negotiating(setting)
    sent_round(setting.collaboration, setting.owner, launch_package(), launch_package(label="B"))
    terms = api.get(ME).json()["terms"]
    assert terms["agreed"] is None and terms["offer_round"] == 1
    assert [p["position"] for p in terms["packages"]] == [1, 2]
    assert terms["packages"][0]["fee"] == "$1,500"
    assert terms["packages"][0]["bonus"]["rungs"][0] == "+$250 if your CPA is under $60"


def test_me_makes_a_fixed_number_of_queries(setting, api, django_assert_max_num_queries) -> None:
    first_brief(setting.collaboration.campaign, setting.owner)
    for _ in range(3):
        deliverable = reel(setting)
        reviews.submit(deliverable=deliverable, stage="concept", actor=None, file=png_file())
    shipped_parcel(setting)
    shipped_parcel(setting)
    agree(setting)
    for n in range(3):
        api.post(f"{ME}/messages", {"body": f"Question {n}"}, content_type="application/json")
    api.post(f"{ME}/invoices", {"number": "A-1", "amount": "700", "file": pdf()})
    api.post(f"{ME}/invoices", {"number": "A-2", "amount": "800", "file": pdf()})
    api.get(ME)
    # The link, the contact, then one or two per section whatever the number of rows (the
    # tracking links and the code are one each).
    with django_assert_max_num_queries(21):
        response = api.get(ME)
    assert response.status_code == 200
    assert len(response.json()["deliverables"]) == 3 and len(response.json()["invoices"]) == 2


# ---------------------------------------------------------------------------------------------
# Acting


def pdf(name: str = "invoice.pdf") -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def test_acknowledging_the_brief(setting, api) -> None:
    first_brief(setting.collaboration.campaign, setting.owner)
    url = f"{ME}/brief/acknowledge"
    stale = api.post(url, {"version": 3}, content_type="application/json")
    assert "Version 1 of the brief was published" in fields_of(stale)["brief"]
    assert fields_of(api.post(url, {}, content_type="application/json")) == {
        "version": "Field required"
    }

    response = api.post(url, {"version": 1}, content_type="application/json")

    assert response.status_code == 200 and response.json()["version"] == 1
    assert BriefAcknowledgement.objects.get().version.number == 1
    event = AuditEvent.objects.get(kind="brief.acknowledged")
    assert event.actor is None and event.actor_label == "Mia Laurent"
    assert Notification.objects.filter(recipient=setting.owner).count() == 1


def test_choosing_a_package(setting, api) -> None:
    negotiating(setting)
    sent_round(setting.collaboration, setting.owner, launch_package(), launch_package(label="B"))
    missing = api.post(f"{ME}/packages/3/choose")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "There is no package 3 on offer."}
    stale = api.post(f"{ME}/packages/2/choose?offer_round=7")
    assert "already decided, withdrawn or replaced" in fields_of(stale)["package"]

    response = api.post(f"{ME}/packages/2/choose?offer_round=1")

    assert response.status_code == 200, response.content
    terms = response.json()
    assert terms["agreed"]["label"] == "B" and terms["packages"] == []
    assert terms["agreed"]["total"] == "$1,800" and terms["currency"] == "USD"
    setting.collaboration.refresh_from_db()
    assert setting.collaboration.stage == CollabStage.CONTRACTED
    assert AuditEvent.objects.get(kind="offer.accepted").actor_label == "Mia Laurent"
    assert Notification.objects.get(recipient=setting.owner).text.startswith("Mia Laurent chose B")


def test_sending_a_draft(setting, api) -> None:
    reel(setting)
    url = f"{ME}/deliverables/1/submissions"
    assert fields_of(api.post(url, {"note": "nothing attached"})) == {
        "file": "Attach the draft or give a link to it."
    }
    wrong_stage = api.post(url, {"link": "https://example.com/d", "stage": "script"})
    assert fields_of(wrong_stage) == {"stage": "Choose what this draft is: Concept, Final."}
    assert api.post(f"{ME}/deliverables/9/submissions", {"link": "https://x.test"}).status_code == (
        404
    )

    response = api.post(url, {"file": png_file(), "note": "First cut"})

    assert response.status_code == 201, response.content
    row = response.json()
    assert row["status"] == "in_review" and row["drafts"][0]["version"] == 1
    assert row["drafts"][0]["stage"] == "concept" and row["drafts"][0]["file_name"] == "look.png"
    submission = Submission.objects.get()
    assert submission.submitted_by is None
    clock = SlaClock.objects.get(subject_id=submission.pk)
    assert clock.moment == Moment.CONCEPT_APPROVAL and clock.owner == setting.reviewer
    told = set(Notification.objects.values_list("recipient__name", flat=True))
    assert told == {"Olivia Owner", "Rex Reviewer"}
    assert AuditEvent.objects.get(kind="submission.created").actor_label == "Mia Laurent"


def test_marking_a_deliverable_live(setting, api) -> None:
    reel(setting, approval_stages=["final"])
    url = f"{ME}/deliverables/1/live"
    early = api.post(url, {"live_url": "https://instagram.com/p/1"}, "application/json")
    assert "Wait for your draft to be approved" in fields_of(early)["live_url"]
    submission = reviews.submit(
        deliverable=setting.collaboration.deliverables.get(),
        stage="final",
        actor=None,
        file=png_file(),
    )
    reviews.decide(submission=submission, actor=setting.reviewer, verdict=Verdict.APPROVED)

    response = api.post(
        url,
        {"live_url": "https://instagram.com/p/1", "went_live_at": "2025-03-15T18:30:00"},
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    row = response.json()
    assert row["status"] == "live" and row["live_url"] == "https://instagram.com/p/1"
    assert row["went_live_at"] == "2025-03-15T18:30:00+01:00"  # the creator's own clock
    assert Notification.objects.filter(recipient=setting.owner, text__contains="posted").exists()


def test_confirming_a_parcel_arrived(setting, api) -> None:
    parcel = shipped_parcel(setting)
    assert api.post(f"{ME}/shipments/2/received").status_code == 404

    response = api.post(f"{ME}/shipments/1/received")

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "received" and response.json()["can_confirm"] is False
    parcel.refresh_from_db()
    assert parcel.status == ShipmentStatus.RECEIVED
    assert Notification.objects.get(recipient=setting.owner).text == (
        "Mia Laurent received shipment 1"
    )
    again = api.post(f"{ME}/shipments/1/received")
    assert fields_of(again) == {"shipment": "You already told us this parcel arrived."}


def test_sending_an_invoice(setting, api) -> None:
    early = api.post(f"{ME}/invoices", {"number": "A-1", "amount": "1500", "file": pdf()})
    assert "once the terms are agreed" in fields_of(early)["__all__"]
    agree(setting)
    missing = api.post(f"{ME}/invoices", {"number": "A-1", "amount": "-3"})
    assert set(fields_of(missing)) == {"amount", "file"}

    response = api.post(f"{ME}/invoices", {"number": "A-1", "amount": "1500", "file": pdf()})

    assert response.status_code == 201, response.content
    invoice = Invoice.objects.get()
    today = timezone.localdate()
    assert response.json() | {"received_at": None} == {
        "position": 1,
        "number": "A-1",
        "amount": "1500.00",
        "currency": "EUR",
        "status": "received",
        "status_label": "Received",
        "received_at": None,
        "scheduled_for": (today + dt.timedelta(days=15)).isoformat(),
        "paid_on": None,
        "note": "",
    }
    assert SlaClock.objects.get(moment=Moment.PAYMENT, subject_id=invoice.pk)
    assert Notification.objects.filter(recipient=setting.owner, text__contains="A-1").exists()


def test_updating_the_details(setting, api) -> None:
    url = f"{ME}/details"
    bank = {"shipping_address": "1 Main St", "payout_method": "bank", "bank_account_name": "Mia"}
    assert set(fields_of(api.put(url, bank, content_type="application/json"))) == {
        "bank_account_number"
    }

    response = api.put(
        url,
        {"shipping_address": "1 Main St", "payout_method": "paypal", "payout_email": "m@x.test"},
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["changed"] == ["payout_email", "payout_method", "shipping_address"]
    assert body["payout_email"] == "m@x.test" and body["bank_account_number"] == ""
    creator = Creator.objects.get(pk=setting.collaboration.creator_id)
    assert creator.payout_method == "paypal" and creator.shipping_address == "1 Main St"
    assert Notification.objects.get(recipient=setting.owner).text == (
        "Mia Laurent updated their shipping address and payment details"
    )


def test_confirming_the_time_zone(setting, api) -> None:
    url = f"{ME}/time-zone"
    assert "time_zone" in fields_of(
        api.put(url, {"time_zone": "Mars/Olympus"}, content_type="application/json")
    )
    response = api.put(url, {"time_zone": "Asia/Tokyo"}, content_type="application/json")
    assert response.json() == {"time_zone": "Asia/Tokyo"}
    reel(setting)
    assert api.get(ME).json()["deliverables"][0]["post_at"] == "2030-03-16T02:00:00+09:00"


def test_messaging_the_contact(setting, api) -> None:
    url = f"{ME}/messages"
    assert fields_of(api.post(url, {"body": "   "}, content_type="application/json")) == {
        "body": "Write your message."
    }

    response = api.post(
        url, {"body": "Can I film outside?", "is_clarification": True}, "application/json"
    )

    assert response.status_code == 201, response.content
    assert response.json()["body"] == "Can I film outside?" and response.json()["answer"] == ""
    question = Question.objects.get()
    assert question.is_clarification
    clock = SlaClock.objects.get(moment=Moment.FIRST_RESPONSE)
    assert clock.collaboration == setting.collaboration
    assert Notification.objects.get(recipient=setting.owner).text == (
        "Mia Laurent sent a message: Can I film outside?"
    )
    assert AuditEvent.objects.get(kind="question.received").actor_label == "Mia Laurent"


def test_a_french_creator_gets_the_answers_in_french(workspace) -> None:
    french = collaboration_setting(workspace, languages=["fr"])
    reel(french)
    response = creator_client(french).post(f"{ME}/deliverables/1/submissions", {"note": "?"})
    assert fields_of(response) == {
        "file": "Joignez la version à relire ou donnez un lien vers celle-ci."
    }
