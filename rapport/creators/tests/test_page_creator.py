"""The creator's page: what each role sees, the timeline, notes, stage and the edit forms."""

from __future__ import annotations

import html
import re
from decimal import Decimal

import pytest
from django.test import Client

from rapport.creators import services
from rapport.creators.models import Creator, CustomField, FieldType, SocialAccount, Stage
from rapport.testing.factories import MembershipFactory
from rapport.workspaces.models import Membership, Notification, Workspace
from rapport.workspaces.roles import Role

ADDRESS = "12 Rue des Lilas, 69001 Lyon"


@pytest.fixture
def creator(workspace: Workspace, manager: Membership) -> Creator:
    CustomField.objects.create(
        workspace=workspace,
        key="skin",
        label="Skin type",
        field_type=FieldType.CHOICE,
        choices=["dry", "oily"],
    )
    ava = services.create_creator(
        workspace=workspace,
        actor=manager.user,
        name="Ava Martin",
        pronouns="she/her",
        emails=["ava@example.com", "ava.work@example.com"],
        accounts=[
            services.AccountData("instagram", "ava.makes", "", 42_000, 9_000, Decimal("4.25"))
        ],
        tags=["ugc"],
        owner=manager.user,
        country="FR",
        city="Lyon",
        languages=["fr", "en"],
        niches=["skincare"],
        audience={
            "age_bands": {"18-24": 40, "25-34": 35},
            "gender": {"female": 70},
            "countries": {"FR": 60},
        },
        preferences={"contact_channel": "email", "formats": ["reel"], "sizes": {"shirt": "M"}},
        rate_card=[
            {"platform": "instagram", "deliverable": "reel", "amount": "800", "currency": "EUR"}
        ],
        custom_fields={"skin": "dry"},
        shipping_address=ADDRESS,
        tax_details="FR-VAT-123",
    )
    return ava


def url(creator: Creator, suffix: str = "") -> str:
    return f"/w/{creator.workspace.slug}/creators/{creator.pk}/{suffix}"


def page_html(client: Client, creator: Creator) -> str:
    response = client.get(url(creator))
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def page_text(client: Client, creator: Creator) -> str:
    """The page as a reader sees it: text without markup, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", page_html(client, creator)).split())


def test_the_page_shows_the_profile_channels_and_relationship(manager_client, creator):
    text = page_html(manager_client, creator)
    for expected in (
        "Ava Martin",
        "(she/her)",
        "Discovered",
        "Micro tier",
        "@ava.makes",
        "42,000",
        "9,000",
        "4.25 %",
        "ava@example.com",
        "primary",
        "ugc",
        "Lyon, FR",
        "fr, en",
        "skincare",
        "E-mail",
        "reel",
        "shirt: M",
        "800 EUR",
        "Skin type",
        "dry",
        "18-24",
        "40 %",
        "female",
        "70 %",
    ):
        assert expected in text, expected
    assert 'href="https://instagram.com/ava.makes" target="_blank" rel="noopener noreferrer"' in (
        text
    )
    assert '<h2 id="campaigns-title">Campaigns</h2>' in text
    assert "Not in any campaign yet." in text
    assert '<h2 id="money-title">Money</h2>' in text
    assert "No invoice yet. Invoices arrive from the creator's hub" in text


@pytest.mark.parametrize(
    ("role", "sees_private"),
    [
        (Role.OWNER, False),
        (Role.MANAGER, False),
        (Role.REVIEWER, False),
        (Role.FINANCE, True),
        (Role.OPS, True),
        (Role.VIEWER, False),
    ],
)
def test_only_finance_and_ops_see_address_and_tax(member, client_for, creator, role, sees_private):
    text = page_text(client_for(member(role)), creator)
    assert (ADDRESS in text) is sees_private
    assert ("FR-VAT-123" in text) is sees_private
    assert ("Shipping and tax" in text) is sees_private


@pytest.mark.parametrize(
    ("role", "edits", "notes"),
    [
        (Role.OWNER, True, True),
        (Role.MANAGER, True, True),
        (Role.REVIEWER, False, True),
        (Role.FINANCE, False, True),
        (Role.OPS, False, True),
        (Role.VIEWER, False, False),
    ],
)
def test_each_role_gets_the_controls_it_may_use(member, client_for, creator, role, edits, notes):
    text = page_text(client_for(member(role)), creator)
    assert ("Edit profile" in text) is edits
    assert ("Change stage" in text) is edits
    assert ("Add a social account" in text) is edits
    assert ("Add note" in text) is notes


def test_another_workspaces_creator_is_404(manager_client, other_workspace):
    theirs = services.create_creator(workspace=other_workspace, actor=None, name="Theirs")
    assert manager_client.get(url(theirs)).status_code == 404
    assert manager_client.get(f"/w/lumen/creators/{theirs.pk}/").status_code == 404
    for suffix in ("edit/", "timeline/"):
        assert manager_client.get(f"/w/lumen/creators/{theirs.pk}/{suffix}").status_code == 404
    for suffix in ("stage/", "tags/", "emails/", "notes/", "accounts/"):
        response = manager_client.post(
            f"/w/lumen/creators/{theirs.pk}/{suffix}", {"stage": "active", "tag": "x", "body": "hi"}
        )
        assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.stage == Stage.DISCOVERED


def test_change_stage_with_a_reason_shows_on_the_timeline(manager_client, creator):
    response = manager_client.post(
        url(creator, "stage/"), {"stage": "contacted", "reason": "Sent the brief"}
    )
    assert response.status_code == 302
    text = page_text(manager_client, creator)
    assert "Stage: Discovered → Contacted" in text
    assert "Reason: Sent the brief" in text


def test_do_not_contact_needs_a_reason_and_shows_a_banner(manager_client, creator):
    refused = manager_client.post(url(creator, "stage/"), {"stage": "do_not_contact"})
    assert refused.status_code == 400
    assert "Say why this creator must not be contacted." in html.unescape(refused.content.decode())
    creator.refresh_from_db()
    assert creator.stage == Stage.DISCOVERED
    manager_client.post(
        url(creator, "stage/"), {"stage": "do_not_contact", "reason": "Asked for no more offers"}
    )
    text = page_text(manager_client, creator)
    assert "Do not contact." in text
    assert "Asked for no more offers" in text


def test_the_timeline_filters_by_kind(manager_client, creator):
    services.change_stage(creator=creator, actor=None, stage=Stage.QUALIFIED, reason="Fit")
    services.add_note(creator=creator, author=None, body="Lovely call today")
    stage_only = manager_client.get(
        url(creator, "timeline/"), {"kind": "stage"}, headers={"HX-Request": "true"}
    )
    text = html.unescape(stage_only.content.decode())
    assert "Stage: Discovered → Qualified" in text
    assert "Lovely call today" not in text
    assert "<html" not in text
    notes_only = html.unescape(
        manager_client.get(url(creator, "timeline/"), {"kind": "notes"}).content.decode()
    )
    assert "Lovely call today" in notes_only
    assert "Stage:" not in notes_only
    everything = page_text(manager_client, creator)
    assert "Creator Ava Martin added" in everything


def test_a_note_with_a_mention_notifies_the_teammate(member, client_for, creator, workspace):
    sam = member(Role.MANAGER, name="Sam Okafor", time_zone="America/New_York").user
    reviewer = member(Role.REVIEWER, name="Rita Reviewer", time_zone="Asia/Tokyo")
    client = client_for(reviewer)
    response = client.post(url(creator, "notes/"), {"body": "Can @sam send the contract?"})
    assert response.status_code == 302
    note = creator.note_entries.get()
    assert note.author == reviewer.user
    notification = Notification.objects.get(recipient=sam)
    assert "Rita Reviewer mentioned you on Ava Martin" in notification.text
    text = page_text(client, creator)
    assert "Can @sam send the contract?" in text
    # Times are shown in the reader's own time zone.
    assert "JST" in text


def test_an_empty_note_is_refused(manager_client, creator):
    response = manager_client.post(url(creator, "notes/"), {"body": "  "})
    assert response.status_code == 400
    assert not creator.note_entries.exists()


def test_a_viewer_cannot_write_anything(member, client_for, creator):
    client = client_for(member(Role.VIEWER))
    posts = {
        "stage/": {"stage": "active"},
        "tags/": {"tag": "new"},
        "emails/": {"emails": "x@example.com"},
        "notes/": {"body": "hello"},
        "accounts/": {"new-profile": "https://tiktok.com/@ava"},
        "private/": {"shipping_address": "Elsewhere"},
        "edit/": {"name": "Renamed"},
    }
    for suffix, data in posts.items():
        assert client.post(url(creator, suffix), data).status_code == 403, suffix
    creator.refresh_from_db()
    assert creator.name == "Ava Martin"
    assert creator.stage == Stage.DISCOVERED
    assert creator.shipping_address == ADDRESS
    assert not creator.note_entries.exists()


def test_a_manager_cannot_change_private_details(manager_client, creator):
    response = manager_client.post(url(creator, "private/"), {"shipping_address": "Elsewhere"})
    assert response.status_code == 403
    creator.refresh_from_db()
    assert creator.shipping_address == ADDRESS


def test_finance_changes_the_shipping_address(member, client_for, creator):
    client = client_for(member(Role.FINANCE))
    response = client.post(
        url(creator, "private/"), {"shipping_address": "1 New Street", "tax_details": "FR-VAT-123"}
    )
    assert response.status_code == 302
    creator.refresh_from_db()
    assert creator.shipping_address == "1 New Street"
    # The timeline says it changed, without the address itself.
    text = page_text(client_for(member(Role.VIEWER)), creator)
    assert "Changed shipping address" in text
    assert "1 New Street" not in text


def test_tags_are_added_and_removed(manager_client, creator):
    manager_client.post(url(creator, "tags/"), {"tag": "spring launch"})
    assert sorted(creator.tags.values_list("name", flat=True)) == ["spring launch", "ugc"]
    manager_client.post(url(creator, "tags/"), {"remove": "ugc"})
    assert list(creator.tags.values_list("name", flat=True)) == ["spring launch"]


def test_emails_are_replaced_and_the_primary_chosen(manager_client, creator):
    manager_client.post(url(creator, "emails/"), {"primary": "ava.work@example.com"})
    creator.refresh_from_db()
    assert creator.primary_email == "ava.work@example.com"
    manager_client.post(url(creator, "emails/"), {"emails": "new@example.com\nava@example.com"})
    assert list(creator.emails.values_list("email", "is_primary")) == [
        ("new@example.com", True),
        ("ava@example.com", False),
    ]


def test_an_email_of_another_creator_is_refused(manager_client, creator, workspace):
    services.create_creator(
        workspace=workspace, actor=None, name="Noah", emails=["noah@example.com"]
    )
    response = manager_client.post(url(creator, "emails/"), {"emails": "noah@example.com"})
    assert response.status_code == 400
    assert "noah@example.com belongs to another creator." in html.unescape(
        response.content.decode()
    )
    assert creator.emails.count() == 2


def test_accounts_are_added_from_a_pasted_url_edited_and_removed(manager_client, creator):
    response = manager_client.post(
        url(creator, "accounts/"),
        {"new-profile": "https://www.tiktok.com/@Ava.Makes?lang=en", "new-followers": "12.5k"},
    )
    assert response.status_code == 302
    tiktok = creator.social_accounts.get(platform="tiktok")
    assert (tiktok.handle, tiktok.followers) == ("ava.makes", 12_500)
    manager_client.post(
        url(creator, f"accounts/{tiktok.pk}/"),
        {
            f"a{tiktok.pk}-platform": "tiktok",
            f"a{tiktok.pk}-profile": "ava.makes",
            f"a{tiktok.pk}-followers": "2M",
            f"a{tiktok.pk}-engagement_rate": "3.5",
        },
    )
    tiktok.refresh_from_db()
    assert tiktok.followers == 2_000_000
    creator.refresh_from_db()
    assert creator.tier == "mega"
    manager_client.post(url(creator, f"accounts/{tiktok.pk}/delete/"))
    assert not SocialAccount.objects.filter(pk=tiktok.pk).exists()
    assert "Removed TikTok @ava.makes" in page_text(manager_client, creator)


def test_an_account_of_another_creator_is_refused_with_its_name(manager_client, creator, workspace):
    services.create_creator(
        workspace=workspace,
        actor=None,
        name="Noah Kim",
        accounts=[services.AccountData("youtube", "noahkim")],
    )
    response = manager_client.post(
        url(creator, "accounts/"), {"new-profile": "https://youtube.com/@noahkim"}
    )
    assert response.status_code == 400
    assert "This account belongs to Noah Kim." in html.unescape(response.content.decode())


def test_bad_follower_counts_are_explained(manager_client, creator):
    response = manager_client.post(
        url(creator, "accounts/"), {"new-profile": "https://x.com/ava", "new-followers": "lots"}
    )
    assert response.status_code == 400
    assert "“lots” is not a number of followers." in html.unescape(response.content.decode())
    assert creator.social_accounts.count() == 1


def test_the_profile_form_saves_every_section(manager_client, creator, workspace):
    form = manager_client.get(url(creator, "edit/"))
    assert form.status_code == 200
    assert "18-24: 40, 25-34: 35" in form.content.decode()
    response = manager_client.post(
        url(creator, "edit/"),
        {
            "name": "Ava M. Martin",
            "pronouns": "she/her",
            "owner": "",
            "phone": "+33 6 00",
            "country": "fr",
            "city": "Paris",
            "time_zone": "Europe/Paris",
            "languages": "FR, en",
            "niches": "skincare, travel",
            "values_notes": "Warm",
            "notes": "Met at a fair",
            "age_bands": "18-24: 50, 25-34: 50",
            "gender": "female: 80, male: 20",
            "audience_countries": "fr: 70",
            "contact_channel": "dm",
            "formats": "reel, story",
            "sizes": "shirt: S",
            "rate_card": "instagram, reel, 900, eur\ntiktok, video, 500, EUR",
            "cf-skin": "oily",
        },
    )
    assert response.status_code == 302, response.content.decode()
    creator.refresh_from_db()
    assert creator.name == "Ava M. Martin"
    assert creator.owner is None
    assert creator.country == "FR"
    assert creator.languages == ["fr", "en"]
    assert creator.audience == {
        "age_bands": {"18-24": 50, "25-34": 50},
        "gender": {"female": 80, "male": 20},
        "countries": {"FR": 70},
    }
    assert creator.preferences == {
        "contact_channel": "dm",
        "formats": ["reel", "story"],
        "sizes": {"shirt": "S"},
    }
    assert creator.rate_card[0] == {
        "platform": "instagram",
        "deliverable": "reel",
        "amount": "900",
        "currency": "EUR",
    }
    assert creator.custom_fields == {"skin": "oily"}
    text = page_text(manager_client, creator)
    assert "Direct message" in text
    assert "Ava Martin" in text and "Ava M. Martin" in text  # before and after on the timeline


def test_the_profile_form_explains_bad_input_and_saves_nothing(manager_client, creator):
    response = manager_client.post(
        url(creator, "edit/"),
        {
            "name": "Ava",
            "country": "ZZ",
            "age_bands": "young",
            "gender": "",
            "rate_card": "instagram, reel, lots, EUR",
            "cf-skin": "",
        },
    )
    assert response.status_code == 400
    text = html.unescape(response.content.decode())
    assert "“ZZ” is not a country we know: write its two-letter ISO code" in text
    assert "“young” in age bands should read like “label: 40” (a percentage)." in text
    assert "Line 1: “lots” is not an amount." in text
    creator.refresh_from_db()
    assert creator.country == "FR"
    assert creator.name == "Ava Martin"


def test_a_deleted_creator_shows_in_the_bin_with_restore(manager_client, creator, workspace):
    services.delete_creators(workspace=workspace, actor=None, ids=[creator.pk])
    text = page_html(manager_client, creator)
    assert "This creator is in the bin" in text
    assert 'value="restore"' in text
    assert "Edit profile" not in text
    assert manager_client.get(url(creator, "edit/")).status_code == 404


def test_the_page_takes_a_fixed_number_of_queries(
    manager_client, creator, workspace, django_assert_max_num_queries
):
    for n in range(10):
        services.add_note(creator=creator, author=None, body=f"Note {n}")
        services.save_account(
            creator=creator, actor=None, data=services.AccountData("other", f"site{n}")
        )
    with django_assert_max_num_queries(30):
        manager_client.get(url(creator))


# Adding a creator


def test_add_a_creator_from_a_pasted_profile_url(manager_client, manager, workspace):
    response = manager_client.post(
        "/w/lumen/creators/new/",
        {
            "name": "Léa Dubois",
            "emails": "lea@example.com",
            "profile": "instagram.com/lea.d/",
            "followers": "1.2M",
            "owner": manager.user.pk,
            "stage": "qualified",
            "tags": "ugc, fr",
        },
    )
    lea = Creator.objects.get(name="Léa Dubois")
    assert response["Location"] == f"/w/lumen/creators/{lea.pk}/"
    assert (lea.stage, lea.tier, lea.owner, lea.primary_email) == (
        "qualified",
        "mega",
        manager.user,
        "lea@example.com",
    )
    assert sorted(lea.tags.values_list("name", flat=True)) == ["fr", "ugc"]
    assert lea.social_accounts.get().handle == "lea.d"


def test_a_duplicate_is_caught_and_linked(manager_client, creator):
    response = manager_client.post(
        "/w/lumen/creators/new/",
        {"name": "Ava Again", "emails": "AVA@example.com", "stage": "discovered"},
    )
    assert response.status_code == 400
    text = html.unescape(response.content.decode())
    assert "This creator seems to be in your list already" in text
    assert f'<a href="/w/lumen/creators/{creator.pk}/">Ava Martin</a>' in text
    assert "same e-mail ava@example.com" in text
    assert not Creator.objects.filter(name="Ava Again").exists()
    again = manager_client.post(
        "/w/lumen/creators/new/",
        {
            "name": "Ava Again",
            "emails": "AVA@example.com",
            "stage": "discovered",
            "allow_duplicate": "on",
        },
    )
    assert again.status_code == 302
    assert Creator.objects.filter(name="Ava Again").exists()


def test_adding_a_do_not_contact_creator_needs_a_reason(manager_client, workspace):
    response = manager_client.post(
        "/w/lumen/creators/new/", {"name": "Quiet One", "stage": "do_not_contact"}
    )
    assert response.status_code == 400
    assert "Say why this creator is not contacted." in html.unescape(response.content.decode())
    assert not Creator.objects.exists()


def test_only_editors_may_add_creators(member, client_for, workspace):
    client = client_for(member(Role.REVIEWER))
    assert client.get("/w/lumen/creators/new/").status_code == 403
    assert (
        client.post("/w/lumen/creators/new/", {"name": "X", "stage": "discovered"}).status_code
        == 403
    )
    assert not Creator.objects.exists()


# Notifications


def test_notifications_list_and_mark_read(client_for, member, creator, other_workspace):
    sam = member(Role.MANAGER, name="Sam Okafor")
    services.add_note(creator=creator, author=None, body="@sam please call her")
    client = client_for(sam)
    assert "Notifications (1)" in page_text(client, creator)
    page = html.unescape(client.get("/w/lumen/creators/notifications/").content.decode())
    assert "mentioned you on Ava Martin: @sam please call her" in page
    assert f'href="/w/lumen/creators/{creator.pk}/"' in page
    client.post("/w/lumen/creators/notifications/")
    assert not Notification.objects.filter(recipient=sam.user, read_at__isnull=True).exists()


def test_one_cannot_mark_someone_elses_notifications(client_for, member, creator):
    sam = member(Role.MANAGER, name="Sam Okafor")
    services.add_note(creator=creator, author=None, body="@sam please call her")
    other = client_for(member(Role.VIEWER, name="Vic Viewer"))
    note = Notification.objects.get()
    other.post("/w/lumen/creators/notifications/", {"id": note.pk})
    note.refresh_from_db()
    assert note.read_at is None
    assert "please call her" not in other.get("/w/lumen/creators/notifications/").content.decode()
    assert sam.user == note.recipient


def test_a_stranger_gets_404_for_the_page_and_notifications(client_for, other_workspace, creator):
    stranger = MembershipFactory(workspace=other_workspace, role=Role.OWNER)
    client: Client = client_for(stranger)
    assert client.get(url(creator)).status_code == 404
    assert client.get("/w/lumen/creators/notifications/").status_code == 404
