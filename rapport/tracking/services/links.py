"""Tracking links: a creator's short link on our own host for one platform placement.

A link's slug is short and cannot be guessed from its neighbours: an optional prefix from the
creator's handle, then random characters from an alphabet without look-alikes (``mayaglow-k7p3xq``).
Its destination must be an http or https address on one of the workspace's allowed domains (or a
subdomain of one), so ``/r/<slug>`` can never send anyone elsewhere: no open redirect. The UTM
parameters of PRODUCT.md are added once, when the link is saved, into ``target_url``.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from rapport.campaigns.models import Collaboration, CollabStage
from rapport.campaigns.services.collaborations import record_on_timelines
from rapport.creators.models import Creator, Platform
from rapport.tracking.models import DiscountCode, Placement, TrackingLink
from rapport.tracking.queries.clicks import forget_targets
from rapport.workspaces.models import User, Workspace
from rapport.workspaces.services import diff

# Lower-case letters and digits without 0/o, 1/l/i: a slug read aloud or retyped stays right.
SLUG_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
SLUG_RANDOM_LENGTH = 6
HANDLE_PREFIX_LENGTH = 20
SLUG_ATTEMPTS = 8
UTM_MEDIUM = "influencer"
DESTINATION_LENGTH = 2000
# A host name after IDNA encoding: letters, digits, hyphens and dots (IPv4 literals included).
HOST_PATTERN = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)*$")
CLOSED_STAGES = frozenset({CollabStage.DECLINED, CollabStage.CANCELLED})
# Well-known public suffixes of two labels: under them anyone may register a domain, so allowing
# one would allow every shop there (a bare top-level domain such as "com" is refused as well).
PUBLIC_SUFFIXES = frozenset(
    {
        "co.uk", "org.uk", "me.uk", "ac.uk", "gov.uk", "ltd.uk", "plc.uk", "net.uk",
        "com.au", "net.au", "org.au", "co.nz", "org.nz", "net.nz", "co.jp", "ne.jp", "or.jp",
        "com.br", "net.br", "org.br", "co.za", "org.za", "co.in", "net.in", "org.in", "co.kr",
        "com.cn", "net.cn", "org.cn", "com.mx", "com.ar", "com.tr", "com.tw", "com.hk",
        "com.sg", "com.my", "co.id", "co.il", "com.co", "com.pe", "com.ph", "gov.au", "edu.au",
    }
)  # fmt: skip


def is_public_suffix(domain: str) -> bool:
    """Whether a normalised domain is one anyone may register under: a top-level domain (no dot;
    ``localhost`` excepted, for a shop run locally) or a well-known two-label public suffix."""
    return ("." not in domain and domain != "localhost") or domain in PUBLIC_SUFFIXES


# ---------------------------------------------------------------------------------------------
# Allowed domains and destinations


def normalise_host(host: str) -> str:
    """``host`` as it is compared: IDNA-encoded (``bücher.de`` → ``xn--bcher-kva.de``, full-width
    characters folded), lower case, without a trailing dot. Raises ``ValueError`` when it is not
    a host name."""
    host = host.strip().rstrip(".")
    if not host:
        raise ValueError("empty host")
    try:
        encoded = host.encode("idna").decode("ascii").lower()
    except UnicodeError as exc:
        raise ValueError(str(exc)) from None
    encoded = encoded.rstrip(".")
    if not HOST_PATTERN.match(encoded):
        raise ValueError(f"not a host name: {host!r}")
    return encoded


def clean_tracking_domains(value: Any) -> list[str]:
    """The workspace's allowed destination domains from a list, or from text with one per line
    (or separated by commas or spaces). Each may be pasted as an address (``https://shop.com/``):
    only its host is kept. Raises ``ValidationError`` on ``tracking_domains`` naming the entry."""
    if isinstance(value, str):
        entries = [e for e in re.split(r"[\s,]+", value) if e]
    elif isinstance(value, list | tuple):
        entries = [str(e).strip() for e in value if str(e).strip()]
    else:
        raise ValidationError({"tracking_domains": _("Give the domains as a list.")})
    domains: list[str] = []
    for entry in entries:
        host = urlsplit(entry).hostname if "//" in entry else entry.split("/")[0]
        try:
            domain = normalise_host(host or "")
        except ValueError:
            raise ValidationError(
                {
                    "tracking_domains": _("“%(d)s” is not a domain: write it as shop.example.com.")
                    % {"d": entry}
                }
            ) from None
        if is_public_suffix(domain):
            raise ValidationError(
                {
                    "tracking_domains": _(
                        "“%(d)s” is not a domain of its own but a top-level domain or public "
                        "suffix: allowing it would allow every site under it. Write the shop's "
                        "own domain, such as shop.example.com."
                    )
                    % {"d": entry}
                }
            )
        if domain not in domains:
            domains.append(domain)
    return domains


def allowed_domains(workspace: Workspace) -> list[str]:
    """The workspace's allowed destination domains, normalised."""
    stored = workspace.tracking_domains if isinstance(workspace.tracking_domains, list) else []
    domains = []
    for entry in stored:
        try:
            domain = normalise_host(str(entry))
        except ValueError:
            continue  # an entry saved before the rules were this strict never matches
        if not is_public_suffix(domain):
            domains.append(domain)
    return domains


def host_allowed(host: str, domains: list[str]) -> bool:
    """Whether ``host`` (normalised) is one of ``domains`` or a subdomain of one."""
    return any(host == d or host.endswith("." + d) for d in domains)


def _refuse(message: str) -> ValidationError:
    return ValidationError({"destination": message})


def clean_destination(workspace: Workspace, destination: str) -> str:
    """The destination as it will be stored: an http or https address whose host is one of the
    workspace's allowed domains or a subdomain of one, with its host normalised.

    Refused, each with the reason: other schemes and protocol-relative addresses, a user name or
    password before the host (``https://shop.com@evil.com``), backslashes, spaces and control
    characters anywhere, a host outside the allowed domains, and any destination while the
    workspace has no allowed domain yet."""
    destination = (destination or "").strip()
    if not destination:
        raise _refuse(_("Give the page the link leads to, such as https://shop.example.com/."))
    if len(destination) > DESTINATION_LENGTH:
        raise _refuse(_("The address is longer than %(n)s characters.") % {"n": DESTINATION_LENGTH})
    if any(ch.isspace() or unicodedata.category(ch)[0] == "C" for ch in destination):
        raise _refuse(_("The address contains spaces or invisible characters; remove them."))
    if "\\" in destination:
        raise _refuse(_("The address contains a backslash (\\); browsers read it as a slash."))
    if destination.startswith("//"):
        raise _refuse(_("Start the address with https:// (or http://)."))
    parts = urlsplit(destination)
    if parts.scheme.lower() not in ("http", "https"):
        raise _refuse(_("Only http:// and https:// addresses can be tracking destinations."))
    if not parts.netloc or "@" in parts.netloc:
        raise _refuse(
            _(
                "The address has no host, or a name and password before it (“…@”): give a plain "
                "address such as https://shop.example.com/page."
            )
        )
    try:
        host = normalise_host(parts.hostname or "")
        port = parts.port
    except ValueError:
        raise _refuse(_("“%(h)s” is not a valid host.") % {"h": parts.netloc}) from None
    domains = allowed_domains(workspace)
    if not domains:
        raise _refuse(
            _(
                "This workspace has no allowed destination domain yet: an owner adds the shop's "
                "domain under Workspace settings, Tracking."
            )
        )
    if not host_allowed(host, domains):
        raise _refuse(
            _("%(host)s is not one of the workspace's allowed domains (%(domains)s).")
            % {"host": host, "domains": ", ".join(domains)}
        )
    netloc = host if port is None else f"{host}:{port}"
    return urlunsplit((parts.scheme.lower(), netloc, parts.path, parts.query, parts.fragment))


def build_target_url(destination: str, utm: dict[str, str]) -> str:
    """The address ``/r/<slug>`` redirects to: the destination with ``utm`` in its query, in
    place of any ``utm_*`` it had; its other parameters and its fragment are kept."""
    parts = urlsplit(destination)
    kept = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith("utm_")
    ]
    query = urlencode([*kept, *utm.items()])
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


# ---------------------------------------------------------------------------------------------
# Handles, slugs and UTM parameters


def main_account_handle(creator: Creator) -> tuple[str, str]:
    """``(platform, handle)`` of the creator's largest account with a handle (``("", "")`` when
    none). Reads ``social_accounts`` (prefetch it when walking many creators)."""
    accounts = [a for a in creator.social_accounts.all() if a.handle]
    if not accounts:
        return "", ""
    main = max(accounts, key=lambda a: (a.followers or 0, -a.pk))
    return main.platform, main.handle


def handle_slug(creator: Creator) -> str:
    """The creator's main handle (else name) as a slug part: lower case, at most 20 characters."""
    _platform, handle = main_account_handle(creator)
    slug = slugify(handle.replace("_", "-").replace(".", "-")) or slugify(creator.name)
    return slug[:HANDLE_PREFIX_LENGTH].strip("-")


def new_slug(prefix: str = "") -> str:
    """A fresh slug: ``prefix-`` (when given) and six random characters of ``SLUG_ALPHABET``."""
    random_part = "".join(secrets.choice(SLUG_ALPHABET) for _ in range(SLUG_RANDOM_LENGTH))
    return f"{prefix}-{random_part}" if prefix else random_part


def utm_for(collaboration: Collaboration, platform: str, placement: str) -> dict[str, str]:
    """The UTM parameters of PRODUCT.md: source = platform, medium = influencer, campaign = the
    campaign's slug, content = the creator's handle and the placement."""
    handle = handle_slug(collaboration.creator) or f"creator{collaboration.creator_id}"
    return {
        "utm_source": platform,
        "utm_medium": UTM_MEDIUM,
        "utm_campaign": collaboration.campaign.slug,
        "utm_content": f"{handle}-{placement}",
    }


def short_url(link: TrackingLink) -> str:
    """The full short address of ``link``, to copy or give to the creator."""
    return settings.RAPPORT_BASE_URL + reverse("tracking_redirect", args=[link.slug])


# ---------------------------------------------------------------------------------------------
# Creating and changing links


def _clean_choice(field: str, value: str, choices: Any, message: str) -> str:
    if value not in choices.values:
        raise ValidationError({field: message % {"v": value}})
    return str(value)


def _apply_target(link: TrackingLink, collaboration: Collaboration) -> None:
    utm = utm_for(collaboration, link.platform, link.placement)
    link.utm_source, link.utm_medium = utm["utm_source"], utm["utm_medium"]
    link.utm_campaign, link.utm_content = utm["utm_campaign"], utm["utm_content"]
    link.target_url = build_target_url(link.destination, utm)


def _save_new(link: TrackingLink, prefix: str) -> None:
    """Insert ``link`` under a fresh slug, drawing again on the (rare) collision."""
    for _attempt in range(SLUG_ATTEMPTS):
        link.slug = new_slug(prefix)
        try:
            with transaction.atomic():
                link.save()
            return
        except IntegrityError:
            if not TrackingLink.objects.filter(slug=link.slug).exists():
                raise
    raise RuntimeError("No free slug after several draws")  # pragma: no cover - 31^6 slugs


def add_link(
    *,
    collaboration: Collaboration,
    platform: str,
    placement: str,
    destination: str,
    actor: User | None,
) -> TrackingLink:
    """Store a new link without recording it (``create_link`` and the campaign's preparation
    record theirs). ``destination`` must already be clean."""
    link = TrackingLink(
        workspace=collaboration.workspace,
        collaboration=collaboration,
        platform=platform,
        placement=placement,
        destination=destination,
        created_by=actor,
    )
    _apply_target(link, collaboration)
    _save_new(link, handle_slug(collaboration.creator))
    return link


def _check_open(collaboration: Collaboration) -> None:
    if collaboration.stage in CLOSED_STAGES:
        raise ValidationError(
            {
                "collaboration": _("This collaboration is %(stage)s: it needs no tracking link.")
                % {"stage": collaboration.get_stage_display().lower()}
            }
        )


def _check_free(
    collaboration: Collaboration, platform: str, placement: str, exclude: int | None = None
) -> None:
    taken = TrackingLink.objects.filter(
        collaboration=collaboration, platform=platform, placement=placement
    )
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise ValidationError(
            {
                "placement": _(
                    "%(creator)s already has a link for %(platform)s, %(placement)s; change that "
                    "one (or reactivate it) instead."
                )
                % {
                    "creator": collaboration.creator.name,
                    "platform": Platform(platform).label,
                    "placement": Placement(placement).label.lower(),
                }
            }
        )


@transaction.atomic
def create_link(
    *,
    collaboration: Collaboration,
    platform: str,
    placement: str = Placement.BIO,
    destination: str,
    actor: User | None,
) -> TrackingLink:
    """Create the creator's link for one platform placement, recorded on the timelines."""
    platform = _clean_choice(
        "platform", platform, Platform, _("“%(v)s” is not a platform Rapport knows.")
    )
    placement = _clean_choice(
        "placement", placement, Placement, _("“%(v)s” is not a placement Rapport knows.")
    )
    _check_open(collaboration)
    clean = clean_destination(collaboration.workspace, destination)
    _check_free(collaboration, platform, placement)
    link = add_link(
        collaboration=collaboration,
        platform=platform,
        placement=placement,
        destination=clean,
        actor=actor,
    )
    record_on_timelines(
        collaboration,
        actor=actor,
        kind="tracking.link_created",
        summary=_("Tracking link /r/%(slug)s created for %(platform)s (%(placement)s)")
        % {
            "slug": link.slug,
            "platform": link.get_platform_display(),
            "placement": link.get_placement_display().lower(),
        },
        obj=link,
    )
    return link


@transaction.atomic
def update_link(
    *,
    link: TrackingLink,
    actor: User | None,
    destination: str | None = None,
    placement: str | None = None,
    is_active: bool | None = None,
) -> TrackingLink:
    """Change a link's destination or placement (its short address stays), or reactivate it.
    A change clears the last check's result: the link is checked again before launch."""
    collaboration = link.collaboration
    values: dict[str, Any] = {}
    if destination is not None:
        values["destination"] = clean_destination(link.workspace, destination)
    if placement is not None:
        values["placement"] = _clean_choice(
            "placement", placement, Placement, _("“%(v)s” is not a placement Rapport knows.")
        )
        _check_free(collaboration, link.platform, values["placement"], exclude=link.pk)
    if is_active is not None:
        if is_active:
            _check_open(collaboration)
        values["is_active"] = bool(is_active)
    changes = diff(link, values)
    if not changes:
        return link
    for name, value in values.items():
        setattr(link, name, value)
    _apply_target(link, collaboration)
    link.checked_at, link.check_result, link.check_message = None, "", ""
    link.save()
    # This process redirects the new way at once; other workers within TARGET_SECONDS.
    transaction.on_commit(forget_targets)
    record_on_timelines(
        collaboration,
        actor=actor,
        kind="tracking.link_changed",
        summary=_("Tracking link /r/%(slug)s changed: %(fields)s")
        % {"slug": link.slug, "fields": ", ".join(sorted(changes))},
        obj=link,
        changes=changes,
    )
    return link


def deactivate_asset(
    row: TrackingLink | DiscountCode, *, actor: User | None, kind: str, summary: str, reason: str
) -> None:
    """Stop a link or a code and note it, with ``summary``, on its collaboration's timelines;
    nothing when it is stopped already. Runs inside the caller's transaction."""
    if not row.is_active:
        return
    row.is_active = False
    row.save(update_fields=["is_active"])
    transaction.on_commit(forget_targets)
    record_on_timelines(
        row.collaboration, actor=actor, kind=kind, summary=summary, obj=row, reason=reason
    )


@transaction.atomic
def deactivate_link(*, link: TrackingLink, actor: User | None, reason: str = "") -> TrackingLink:
    """Stop a link: ``/r/<slug>`` answers "not found" from now on; its clicks stay counted."""
    deactivate_asset(
        link,
        actor=actor,
        kind="tracking.link_deactivated",
        summary=_("Tracking link /r/%(slug)s deactivated") % {"slug": link.slug},
        reason=reason,
    )
    return link


def links_missing(collaboration: Collaboration, platforms: Iterable[str]) -> list[str]:
    """The platforms among ``platforms`` on which the collaboration has no link at all (a
    deactivated link counts: preparing never brings back what someone stopped). Reads the
    prefetched ``tracking_links``."""
    have = {link.platform for link in collaboration.tracking_links.all()}
    return [p for p in dict.fromkeys(platforms) if p not in have]
