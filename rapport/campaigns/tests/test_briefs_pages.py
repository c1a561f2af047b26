"""The brief pages: writing the draft, publishing, the version history, templates."""

from __future__ import annotations

import pytest

from rapport.campaigns.models import Brief, BriefTemplate, BriefVersion
from rapport.campaigns.services.briefs import create_template, publish_brief, save_brief
from rapport.testing.factories import CampaignFactory
from rapport.workspaces.roles import Role

RULES = "Show the jar in the first 3 seconds\nSay #ad out loud\nNo competitor in frame"


@pytest.fixture
def campaign(workspace):
    return CampaignFactory.create(workspace=workspace, name="Glow", objective="awareness")


def _url(campaign, tail: str = "") -> str:
    return f"/w/{campaign.workspace.slug}/campaigns/{campaign.pk}/brief/{tail}"


def _form(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "objective": "awareness",
        "brand_voice": "Warm and plain",
        "non_negotiables": RULES,
        "talking_points": "Gentle\nFragrance-free",
        "disclosure": "#ad",
        "approval_stages": ["concept", "final"],
        "inspiration_links": "https://example.com/reel",
        "kpi_reach": "250000",
    }
    return data | overrides


def test_writing_and_publishing_the_first_version(campaign, manager, client_for) -> None:
    client = client_for(manager)
    page = client.get(_url(campaign)).content.decode()
    assert "The brief is shared by every creator of this campaign" in page
    assert "Start the brief" in page
    template = create_template(
        workspace=campaign.workspace, actor=None, name="House style", brand_voice="Cheeky"
    )
    client.post(_url(campaign, "start/"), {"template": template.pk})
    assert Brief.objects.get(campaign=campaign).brand_voice == "Cheeky"
    assert "Cheeky" in client.get(_url(campaign, "edit/")).content.decode()
    response = client.post(_url(campaign, "edit/"), _form())
    assert response.status_code == 302
    page = client.get(_url(campaign)).content.decode()
    assert "Not published yet" in page
    assert "Fragrance-free" in page and 'href="https://example.com/reel"' in page
    response = client.post(_url(campaign, "publish/"), {"summary": "First cut"})
    assert response.status_code == 302
    page = client.get(_url(campaign)).content.decode()
    assert "Creators see version 1" in page and "Version 1 published" in page


def test_the_edit_form_shows_errors_and_saves_nothing(campaign, manager, client_for) -> None:
    client = client_for(manager)
    response = client.post(_url(campaign, "edit/"), _form(inspiration_links="javascript:alert(1)"))
    assert response.status_code == 400
    assert "must be web addresses starting with http" in response.content.decode()
    assert not Brief.objects.filter(campaign=campaign, brand_voice="Warm and plain").exists()


def test_publishing_shows_why_it_is_refused(campaign, manager, client_for) -> None:
    client = client_for(manager)
    client.post(_url(campaign, "edit/"), _form(non_negotiables="Only one rule"))
    response = client.post(_url(campaign, "publish/"), {})
    assert response.status_code == 400
    assert "3 to 5 non-negotiables (this one has 1)" in response.content.decode()
    client.post(_url(campaign, "edit/"), _form())
    client.post(_url(campaign, "publish/"), {})
    response = client.post(_url(campaign, "publish/"), {})
    assert response.status_code == 400
    assert "Nothing changed since version 1" in response.content.decode()
    assert BriefVersion.objects.count() == 1


def test_the_version_history_lists_changes_and_every_version_opens(
    campaign, manager, client_for
) -> None:
    save_brief(campaign=campaign, actor=manager.user, non_negotiables=RULES, disclosure="#ad")
    first = publish_brief(campaign=campaign, actor=manager.user)
    save_brief(campaign=campaign, actor=manager.user, disclosure="#ad #partner")
    publish_brief(campaign=campaign, actor=manager.user, summary="Clearer label")
    client = client_for(manager)
    history = client.get(_url(campaign, "versions/")).content.decode()
    assert history.index("Version 2") < history.index("Version 1")
    assert "Clearer label" in history and "Required disclosure" in history
    assert "#ad #partner" in history
    old = client.get(_url(campaign, f"versions/{first.pk}/")).content.decode()
    assert "Brief, version 1" in old and "#ad #partner" not in old
    assert '<span class="chip">current</span>' not in old


def test_the_brief_pages_show_pending_changes_against_the_published_version(
    campaign, manager, client_for
) -> None:
    save_brief(campaign=campaign, actor=manager.user, non_negotiables=RULES, brand_voice="Warm")
    publish_brief(campaign=campaign, actor=manager.user)
    save_brief(campaign=campaign, actor=manager.user, brand_voice="Warmer")
    page = client_for(manager).get(_url(campaign)).content.decode()
    assert "differs from version 1 in 1 field" in page
    assert "Publish version 2" in page


def test_a_viewer_reads_the_brief_but_cannot_change_it(campaign, member, client_for) -> None:
    save_brief(campaign=campaign, actor=None, non_negotiables=RULES)
    client = client_for(member(Role.VIEWER))
    page = client.get(_url(campaign)).content.decode()
    assert "Say #ad out loud" in page and "Edit the draft" not in page
    assert client.post(_url(campaign, "edit/"), _form()).status_code == 403
    assert client.post(_url(campaign, "publish/"), {}).status_code == 403


def test_templates_are_listed_created_edited_deleted_and_saved_from_a_brief(
    campaign, manager, client_for
) -> None:
    client = client_for(manager)
    base = f"/w/{campaign.workspace.slug}/campaigns/brief-templates/"
    assert "No template yet" in client.get(base).content.decode()
    response = client.post(f"{base}new/", _form(name="Launch"))
    assert response.status_code == 302
    template = BriefTemplate.objects.get()
    assert template.non_negotiables == RULES.splitlines()
    client.post(f"{base}{template.pk}/", _form(name="Launch v2", brand_voice="Calm"))
    template.refresh_from_db()
    assert (template.name, template.brand_voice) == ("Launch v2", "Calm")
    save_brief(campaign=campaign, actor=manager.user, brand_voice="Bold")
    client.post(_url(campaign, "save-as-template/"), {"name": "From Glow"})
    assert "From Glow" in client.get(base).content.decode()
    client.post(f"{base}{template.pk}/delete/")
    assert list(BriefTemplate.objects.values_list("name", flat=True)) == ["From Glow"]
