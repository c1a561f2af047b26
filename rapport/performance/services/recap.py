"""The team's note in a creator's hub recap: what was learned and what comes next."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from rapport.campaigns.models import Collaboration
from rapport.workspaces.models import User
from rapport.workspaces.services import record

MAX_LENGTH = 4000


@transaction.atomic
def set_recap_note(*, collaboration: Collaboration, note: str, actor: User | None) -> Collaboration:
    """Write (or clear, with an empty note) what the creator reads in their recap; audited. The
    caller checked ``Perm.MANAGE_CAMPAIGNS``."""
    note = (note or "").strip()
    if len(note) > MAX_LENGTH:
        raise ValidationError(
            {"recap_note": _("Keep the recap under %(max)s characters.") % {"max": MAX_LENGTH}}
        )
    collaboration = Collaboration.objects.select_for_update().get(pk=collaboration.pk)
    if collaboration.recap_note == note:
        return collaboration
    before = collaboration.recap_note
    collaboration.recap_note = note
    collaboration.save(update_fields=["recap_note", "updated_at"])
    record(
        workspace=collaboration.workspace,
        actor=actor,
        kind="collaboration.recap_written",
        summary=_("Recap for %(creator)s written") % {"creator": collaboration.creator.name},
        obj=collaboration,
        creator=collaboration.creator,
        campaign=collaboration.campaign,
        changes={"recap_note": (before, note)},
    )
    return collaboration
