"""The FAQ on the hub: the built-in defaults in our own words, until the workspace has its own."""

from __future__ import annotations

from django.test import Client

from rapport.hub.models import FaqTopic
from rapport.hub.queries.faq import default_entries, faq_in_effect
from rapport.hub.services.faq import create_entry
from rapport.testing.factories import CollaborationFactory


def faq_part(path: str) -> str:
    html = Client().get(path).content.decode()
    start = html.index('id="faq"')
    return html[start : html.index("</section>", start)]


def test_the_defaults_cover_each_topic_and_say_the_workspaces_payment_terms(db, hub_path):
    collaboration = CollaborationFactory.create()
    workspace = collaboration.workspace
    workspace.sla_policy = workspace.sla_policy | {"payment_net_days": 30}
    workspace.save()
    part = faq_part(hub_path(collaboration))
    for topic in ("Shipping", "Payment", "Usage of your content", "Disclosure"):
        assert f'<h3 class="hub-faq-topic">{topic}</h3>' in part
    assert "<summary>When do I get paid?</summary>" in part
    assert "We pay within 30 days of receiving your invoice (Net 30)." in part
    assert part.count("<details") >= 8


def test_at_least_two_defaults_per_topic(db, workspace):
    entries = default_entries(workspace)
    for topic in (FaqTopic.SHIPPING, FaqTopic.PAYMENT, FaqTopic.USAGE, FaqTopic.DISCLOSURE):
        assert len([e for e in entries if e.topic == topic]) >= 2
    assert all(e.question and e.answer and len(e.question) <= 300 for e in entries)
    assert faq_in_effect(workspace).is_default


def test_the_workspaces_own_entries_replace_the_defaults(db, hub_path):
    collaboration = CollaborationFactory.create()
    create_entry(
        workspace=collaboration.workspace, actor=None, topic=FaqTopic.OTHER,
        question="Can I bring a friend?", answer="Of course.\nTag them too.",
    )  # fmt: skip
    part = faq_part(hub_path(collaboration))
    assert "<summary>Can I bring a friend?</summary>" in part
    assert "Of course.<br>Tag them too." in part
    assert "When do I get paid?" not in part
    assert not faq_in_effect(collaboration.workspace).is_default


def test_another_workspaces_entries_never_show(db, hub_path, other_workspace):
    create_entry(
        workspace=other_workspace, actor=None, topic=FaqTopic.OTHER,
        question="Other brand secret?", answer="Yes.",
    )  # fmt: skip
    part = faq_part(hub_path(CollaborationFactory.create()))
    assert "Other brand secret?" not in part
    assert "When do I get paid?" in part
