"""Writes of the hub FAQ: add, change, move and delete entries, or start from the defaults.

Only the workspace's managers (``Perm.MANAGE_WORKSPACE``) call these; the views and the API check
the role. Every change lands in the workspace's audit log.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from rapport.hub.models import FaqEntry, FaqTopic
from rapport.hub.queries.faq import default_entries, entries_for
from rapport.workspaces.models import User, Workspace
from rapport.workspaces.services import diff, record

QUESTION_MAX = 300


def _checked(topic: str, question: str, answer: str) -> dict[str, str]:
    """An entry's values, trimmed, or a ValidationError naming each field at fault."""
    question, answer = question.strip(), answer.strip()
    errors: dict[str, str] = {}
    if topic not in FaqTopic.values:
        errors["topic"] = _("Choose a topic from the list: %(topics)s.") % {
            "topics": ", ".join(FaqTopic.values)
        }
    if not question:
        errors["question"] = _("Write the question.")
    elif len(question) > QUESTION_MAX:
        errors["question"] = _(
            "The question is %(length)s characters long; keep it to %(max)s or fewer."
        ) % {"length": len(question), "max": QUESTION_MAX}
    if not answer:
        errors["answer"] = _("Write the answer.")
    if errors:
        raise ValidationError(errors)
    return {"topic": topic, "question": question, "answer": answer}


def _record(entry: FaqEntry, actor: User | None, kind: str, summary: str, **extra: Any) -> None:
    record(workspace=entry.workspace, actor=actor, kind=kind, summary=summary, obj=entry, **extra)


@transaction.atomic
def create_entry(
    *, workspace: Workspace, actor: User | None, topic: str, question: str, answer: str
) -> FaqEntry:
    """Add an entry at the end of the workspace's FAQ (its first one replaces the defaults)."""
    values = _checked(topic, question, answer)
    last = entries_for(workspace).aggregate(last=Max("position"))["last"] or 0
    entry = FaqEntry.objects.create(workspace=workspace, position=last + 1, **values)
    _record(entry, actor, "faq.created", _("FAQ entry added: %(q)s") % {"q": entry.question})
    return entry


@transaction.atomic
def update_entry(*, entry: FaqEntry, actor: User | None, **values: str) -> FaqEntry:
    """Change an entry's topic, question or answer (those left out keep their value)."""
    current = {"topic": entry.topic, "question": entry.question, "answer": entry.answer}
    checked = _checked(**(current | values))
    changes = diff(entry, checked)
    if changes:
        for name, value in checked.items():
            setattr(entry, name, value)
        entry.save()
        _record(
            entry,
            actor,
            "faq.updated",
            _("FAQ entry changed: %(q)s") % {"q": entry.question},
            changes=changes,
        )
    return entry


@transaction.atomic
def move_entry(*, entry: FaqEntry, actor: User | None, position: int) -> FaqEntry:
    """Put an entry at ``position`` (1 is the top) and renumber the others around it."""
    entries = list(entries_for(entry.workspace).select_for_update())
    if not 1 <= position <= len(entries):
        raise ValidationError(
            {"position": _("Choose a position from 1 to %(n)s.") % {"n": len(entries)}}
        )
    before = next(n for n, e in enumerate(entries, start=1) if e.pk == entry.pk)
    if before == position:
        return entry
    entries.insert(position - 1, entries.pop(before - 1))
    for n, row in enumerate(entries, start=1):
        row.position = n
    FaqEntry.objects.bulk_update(entries, ["position"])
    entry.position = position
    _record(
        entry,
        actor,
        "faq.moved",
        _("FAQ entry moved: %(q)s") % {"q": entry.question},
        changes={"position": (before, position)},
    )
    return entry


@transaction.atomic
def delete_entry(*, entry: FaqEntry, actor: User | None) -> None:
    """Remove an entry; once the last one goes, creators see the defaults again."""
    _record(entry, actor, "faq.deleted", _("FAQ entry deleted: %(q)s") % {"q": entry.question})
    entry.delete()


@transaction.atomic
def start_from_defaults(*, workspace: Workspace, actor: User | None) -> list[FaqEntry]:
    """Copy the built-in FAQ, in the active language (the editor's), into editable entries.
    Refused once the workspace has entries of its own, so nothing is doubled."""
    if entries_for(workspace).select_for_update().exists():
        raise ValidationError(
            _("Your FAQ already has entries; the defaults can only start an empty one.")
        )
    entries = FaqEntry.objects.bulk_create(default_entries(workspace))
    record(
        workspace=workspace,
        actor=actor,
        kind="faq.defaults_copied",
        summary=_("FAQ started from the %(n)s default entries") % {"n": len(entries)},
    )
    return entries
