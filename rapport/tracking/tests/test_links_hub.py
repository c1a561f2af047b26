"""The creator finds their own links and code on the hub, each with where it goes and a copy
button; stopped ones are gone."""

from __future__ import annotations

from django.test import Client

from rapport.tracking.services import codes as code_services
from rapport.tracking.services import links as link_services
from rapport.tracking.tests.links_fixtures import SHOP, campaign, maya

__all__ = ["campaign", "maya"]  # fixtures


def handoff(path: str) -> str:
    html = Client().get(path).content.decode()
    start = html.index('id="tracking"')
    return html[start : html.index("</section>", start)]


def test_the_creator_sees_their_links_and_code_with_copy_buttons(maya, hub_path):
    bio = link_services.create_link(
        collaboration=maya, platform="instagram", destination=SHOP, actor=None
    )
    story = link_services.create_link(
        collaboration=maya, platform="instagram", placement="story", destination=SHOP, actor=None
    )
    stopped = link_services.create_link(
        collaboration=maya, platform="tiktok", destination=SHOP, actor=None
    )
    link_services.deactivate_link(link=stopped, actor=None)
    code_services.create_code(collaboration=maya, value=15, actor=None)

    section = handoff(hub_path(maya))

    assert section.count("data-copy=") == 3
    assert f'value="{link_services.short_url(bio)}"' in section
    assert f'value="{link_services.short_url(story)}"' in section
    assert stopped.slug not in section
    assert "Your link for Instagram" in section
    assert "Put it in your bio or profile." in section
    assert "Put it on your story&#x27;s link sticker." in section
    assert 'value="MAYAGLOW15"' in section and "Your audience enters it at checkout." in section
    assert "will appear here once they are ready" not in section
