"""Read-only share links to a campaign's wrap report, for people without an account.

A link's token is shown once, when it is made; only its hash is stored (``hash_secret``), so a
database copy opens nothing. A link expires (30 days by default) and can be revoked; either way
it stops opening at once. Making and revoking links is audited; the caller checked
``Perm.MANAGE_CAMPAIGNS``.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rapport.campaigns.models import Campaign
from rapport.performance.models import ReportShare
from rapport.workspaces.models import User, hash_secret, new_secret
from rapport.workspaces.services import record

DEFAULT_DAYS = 30
MAX_DAYS = 365
TOKEN_PREFIX = "rpt"


class ShareState(models.TextChoices):
    ACTIVE = "active", gettext_lazy("Active")
    EXPIRED = "expired", gettext_lazy("Expired")
    REVOKED = "revoked", gettext_lazy("Revoked")


def state_of(share: ReportShare, now: dt.datetime | None = None) -> ShareState:
    """Whether the link opens: revoked wins over expired."""
    if share.revoked_at is not None:
        return ShareState.REVOKED
    if share.expires_at <= (now or timezone.now()):
        return ShareState.EXPIRED
    return ShareState.ACTIVE


@transaction.atomic
def create_share(
    *, campaign: Campaign, actor: User | None, days: int = DEFAULT_DAYS
) -> tuple[ReportShare, str]:
    """A new read-only link to ``campaign``'s report, open for ``days`` days (1 to 365); returns
    it with its token, which is never shown again."""
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_DAYS:
        raise ValidationError(
            {"days": _("A link stays open from 1 to %(max)s days.") % {"max": MAX_DAYS}}
        )
    token = new_secret(TOKEN_PREFIX)
    share = ReportShare.objects.create(
        workspace_id=campaign.workspace_id,
        campaign=campaign,
        token_hash=hash_secret(token),
        created_by=actor,
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    record(
        workspace=campaign.workspace,
        actor=actor,
        kind="performance.report_shared",
        summary=_("Read-only link to the report of %(campaign)s made (open %(days)s days)")
        % {"campaign": campaign.name, "days": days},
        obj=share,
        campaign=campaign,
    )
    return share, token


@transaction.atomic
def revoke_share(*, share: ReportShare, actor: User | None) -> ReportShare:
    """Stop the link at once (revoking a revoked link changes nothing)."""
    share = ReportShare.objects.select_for_update().select_related("campaign").get(pk=share.pk)
    if share.revoked_at is not None:
        return share
    share.revoked_at = timezone.now()
    share.save(update_fields=["revoked_at"])
    record(
        workspace=share.campaign.workspace,
        actor=actor,
        kind="performance.report_share_revoked",
        summary=_("Read-only link to the report of %(campaign)s revoked")
        % {"campaign": share.campaign.name},
        obj=share,
        campaign=share.campaign,
    )
    return share


def resolve(token: str) -> ReportShare | None:
    """The link ``token`` names (whatever its state), or None when it names none."""
    if not token.startswith(TOKEN_PREFIX + "_") or len(token) > 100:
        return None
    return (
        ReportShare.objects.select_related("campaign__workspace")
        .filter(token_hash=hash_secret(token))
        .first()
    )


def note_viewed(share: ReportShare) -> None:
    """Remember when the link was last opened (shown to the team beside it)."""
    share.last_viewed_at = timezone.now()
    ReportShare.objects.filter(pk=share.pk).update(last_viewed_at=share.last_viewed_at)
