"""Generate the benchmark data set: one workspace with N creators and about 2N social accounts.

The data is seeded (the same seed gives the same creators) and shaped like a real roster: most
creators are small, a few are very large; Instagram and TikTok dominate; most creators sit in the
early stages; tags follow a long tail; about 85% have an owner and 84% an e-mail address.

Rows are written with ``bulk_create`` in batches. The derived columns the list filters on
(``primary_email``, ``followers_max``, ``tier``, ``engagement_rate``, ``search_text``) are filled
following ``creators.services.refresh_derived`` (the tier through ``social.tier_for``), and
``check_derived`` proves on a sample that ``refresh_derived`` would store exactly the same values.
"""

from __future__ import annotations

import datetime as dt
import random
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from rapport.creators.demo import FIRST as DEMO_FIRST
from rapport.creators.demo import LAST as DEMO_LAST
from rapport.creators.demo import TAGS as DEMO_TAGS
from rapport.creators.models import (
    Creator,
    CreatorEmail,
    CreatorTag,
    CustomField,
    FieldType,
    Note,
    Platform,
    SocialAccount,
    Stage,
    Tag,
)
from rapport.creators.services import refresh_derived
from rapport.creators.social import parse_profile, tier_for
from rapport.workspaces.models import Membership, User, Workspace
from rapport.workspaces.roles import Role
from rapport.workspaces.services import create_workspace

BATCH = 5_000
OWNER_EMAIL = "owner@bench.rapport.test"

# The demo's first names, and more for a data set this size.
FIRST = [
    *DEMO_FIRST,
    "Emma",
    "Liam",
    "Olivia",
    "Ethan",
    "Mia",
    "Arjun",
    "Fatima",
    "Louis",
    "Alice",
    "Jules",
    "Ana",
    "Pedro",
    "Julia",
    "Mohammed",
    "Sara",
    "Tom",
    "Clara",
    "Victor",
    "Lina",
    "Nour",
    "Aiko",
    "Kenji",
    "Freya",
    "Oscar",
    "Elena",
    "Marco",
    "Giulia",
    "Anton",
    "Ingrid",
    "Rosa",
    "Tariq",
    "Ada",
    "Malik",
    "Iris",
]
LAST = [
    *DEMO_LAST,
    "Smith",
    "Johnson",
    "Brown",
    "Müller",
    "Tanaka",
    "Sato",
    "Wang",
    "Li",
    "Chen",
    "Kowalski",
    "Novak",
    "Jensen",
    "Larsen",
    "Andersson",
    "Costa",
    "Pereira",
    "Santos",
    "Romano",
    "Bianchi",
    "Dupont",
    "Leroy",
    "Roux",
    "Fournier",
    "Weber",
    "Wagner",
    "Becker",
    "Hoffmann",
    "Singh",
    "Sharma",
    "Khan",
    "Ibrahim",
    "Mensah",
    "Diallo",
    "Adeyemi",
    "Hernández",
    "Torres",
    "Ramírez",
    "Flores",
    "Ortiz",
    "Murphy",
    "Kelly",
    "Walsh",
]
NICHES = [
    "skincare",
    "makeup",
    "wellness",
    "fitness",
    "sustainability",
    "fashion",
    "travel",
    "parenting",
    "food",
    "tech",
    "haircare",
    "grooming",
    "gaming",
    "books",
    "music",
    "diy",
    "home",
    "pets",
    "outdoors",
    "finance",
]
# (country, weight, [(city, time zone)], languages)
COUNTRIES: list[tuple[str, int, list[tuple[str, str]], list[str]]] = [
    (
        "US",
        30,
        [
            ("Austin", "America/Chicago"),
            ("Brooklyn", "America/New_York"),
            ("Los Angeles", "America/Los_Angeles"),
        ],
        ["en"],
    ),
    ("GB", 10, [("London", "Europe/London"), ("Manchester", "Europe/London")], ["en"]),
    ("FR", 9, [("Paris", "Europe/Paris"), ("Lyon", "Europe/Paris")], ["fr", "en"]),
    ("DE", 8, [("Berlin", "Europe/Berlin"), ("Munich", "Europe/Berlin")], ["de", "en"]),
    ("BR", 6, [("São Paulo", "America/Sao_Paulo")], ["pt"]),
    ("CA", 6, [("Toronto", "America/Toronto"), ("Montréal", "America/Toronto")], ["en", "fr"]),
    ("ES", 5, [("Madrid", "Europe/Madrid"), ("Barcelona", "Europe/Madrid")], ["es"]),
    ("IT", 5, [("Milan", "Europe/Rome")], ["it"]),
    ("MX", 4, [("Mexico City", "America/Mexico_City")], ["es"]),
    ("IN", 4, [("Mumbai", "Asia/Kolkata")], ["en", "hi"]),
    ("AU", 4, [("Melbourne", "Australia/Melbourne")], ["en"]),
    ("NL", 3, [("Amsterdam", "Europe/Amsterdam")], ["nl", "en"]),
    ("JP", 3, [("Tokyo", "Asia/Tokyo")], ["ja"]),
    ("SE", 2, [("Stockholm", "Europe/Stockholm")], ["sv", "en"]),
    ("NG", 1, [("Lagos", "Africa/Lagos")], ["en"]),
]
STAGES = [
    (Stage.DISCOVERED, 40),
    (Stage.QUALIFIED, 15),
    (Stage.CONTACTED, 14),
    (Stage.NEGOTIATING, 5),
    (Stage.ACTIVE, 10),
    (Stage.ADVOCATE, 4),
    (Stage.PAUSED, 5),
    (Stage.DECLINED, 6),
    (Stage.DO_NOT_CONTACT, 1),
]
PLATFORMS = [
    (Platform.INSTAGRAM, 30),
    (Platform.TIKTOK, 25),
    (Platform.YOUTUBE, 15),
    (Platform.X, 6),
    (Platform.FACEBOOK, 5),
    (Platform.PINTEREST, 4),
    (Platform.TWITCH, 4),
    (Platform.BLOG, 3),
    (Platform.LINKEDIN, 3),
    (Platform.SNAPCHAT, 2),
    (Platform.PODCAST, 2),
    (Platform.OTHER, 1),
]
ACCOUNT_COUNTS = [(1, 30), (2, 45), (3, 20), (4, 5)]  # 2.0 accounts per creator on average
TAG_COUNTS = [(0, 25), (1, 35), (2, 25), (3, 10), (4, 5)]
TAGS = [
    *DEMO_TAGS,
    "holiday-2024",
    "holiday-2025",
    "summer-drop",
    "ambassador",
    "affiliate",
    "paid-only",
    "gifted-only",
    "event-invite",
    "podcast-guest",
    "review-pending",
    "contract-signed",
    "exclusive",
    "eco-friendly",
    "budget-friendly",
    "luxury",
    "male-audience",
    "teen-audience",
    "parents",
    "pet-owners",
    "vegan",
    "sensitive-skin",
    "curly-hair",
    "fitness-challenge",
    "retreat-2025",
    "whitelisting",
    "usage-rights-12m",
    "no-reply",
    "agency-managed",
    "creator-fund",
    "trial-run",
    "q3-shortlist",
]
DOMAINS = ["gmail.com", "outlook.com", "yahoo.com", "icloud.com", "proton.me", "hey.com"]
PROFILE_NOTES = [
    "Prefers briefs with clear do and don't lists.",
    "Asked about usage rights before anything else.",
    "Audience skews 18-24; strong saves on tutorials.",
    "Agent handles rates; loop the manager in on any offer.",
    "Sensitive skin, only send the fragrance-free range.",
    "Great turnaround, two days for drafts last time.",
    "Wants a long-term deal rather than one-off posts.",
    "Has worked with competitors in the last six months.",
]
NOTE_BODIES = [
    "Replied to outreach, keen on the spring launch.",
    "Rates received: reel 800, story set 300.",
    "Shipped the sample kit, tracking sent by e-mail.",
    "Call went well; send the brief by Friday.",
    "Draft approved with one small caption change.",
    "Posted on time; saves well above average.",
]
SKIN_TYPES = ["dry", "oily", "combination", "sensitive", "normal"]
FORMATS = ["reel", "story", "short", "long-form", "live", "carousel"]


def weighted(rng: random.Random, table: Sequence[tuple[Any, int]]) -> Any:
    return rng.choices([value for value, _ in table], weights=[w for _, w in table])[0]


def ascii_word(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def largest_following(rng: random.Random) -> int:
    """A creator's main following: most are nano or micro, a few are very large."""
    bucket = rng.random()
    if bucket < 0.40:
        return rng.randint(300, 9_999)
    if bucket < 0.78:
        return rng.randint(10_000, 99_999)
    if bucket < 0.93:
        return rng.randint(100_000, 499_999)
    if bucket < 0.98:
        return rng.randint(500_000, 999_999)
    return rng.randint(1_000_000, 12_000_000)


@dataclass
class Plan:
    """One creator's rows before they are written."""

    creator: Creator
    emails: list[str] = field(default_factory=list)
    accounts: list[SocialAccount] = field(default_factory=list)
    tag_ids: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Context:
    workspace: Workspace
    managers: list[User]
    tag_ids: list[int]
    tag_weights: list[float]
    used_handles: set[str] = field(default_factory=set)
    now: dt.datetime = field(default_factory=timezone.now)


def bench_slug(creators: int, seed: int) -> str:
    return f"bench-{creators}-s{seed}"


def set_up_workspace(slug: str) -> Context:
    """The workspace, its team (an owner and seven managers), tags and custom fields."""
    owner = User.objects.create_user(email=OWNER_EMAIL, name="Bench Owner")
    workspace = create_workspace(name=f"Benchmark {slug}", slug=slug, owner=owner)
    managers = [
        User.objects.create_user(email=f"manager{n}@bench.rapport.test", name=f"Manager {n}")
        for n in range(1, 8)
    ]
    Membership.objects.bulk_create(
        Membership(workspace=workspace, user=user, role=Role.MANAGER) for user in managers
    )
    tags = Tag.objects.bulk_create(Tag(workspace=workspace, name=name) for name in TAGS)
    CustomField.objects.bulk_create(
        [
            CustomField(
                workspace=workspace,
                key="skin_type",
                label="Skin type",
                field_type=FieldType.CHOICE,
                choices=SKIN_TYPES,
                position=1,
            ),
            CustomField(
                workspace=workspace,
                key="formats",
                label="Formats",
                field_type=FieldType.MULTI_CHOICE,
                choices=FORMATS,
                position=2,
            ),
            CustomField(
                workspace=workspace,
                key="shoe_size",
                label="Shoe size",
                field_type=FieldType.NUMBER,
                position=3,
            ),
            CustomField(
                workspace=workspace,
                key="media_kit",
                label="Media kit",
                field_type=FieldType.URL,
                position=4,
            ),
        ]
    )
    return Context(
        workspace=workspace,
        managers=[owner, *managers],
        tag_ids=[t.pk for t in tags],
        tag_weights=[1 / (rank + 1) ** 0.8 for rank in range(len(tags))],
    )


def unique_handle(rng: random.Random, ctx: Context, first: str, last: str) -> str:
    first, last = ascii_word(first), ascii_word(last)
    base = rng.choice(
        [
            f"{first}.{last}",
            f"{first}{last}",
            f"{first}_{last}",
            f"the{first}",
            f"{first}.{rng.choice(NICHES)}",
            f"{last}{first}",
        ]
    )
    handle, n = base, 1
    # TikTok gets the handle with "_" for "."; both spellings must be free.
    while {handle, handle.replace(".", "_")} & ctx.used_handles:
        n += 1
        handle = f"{base}{n}"
    ctx.used_handles |= {handle, handle.replace(".", "_")}
    return handle


def plan_accounts(rng: random.Random, ctx: Context, handle: str) -> list[SocialAccount]:
    count = weighted(rng, ACCOUNT_COUNTS)
    platforms: list[str] = []
    while len(platforms) < count:
        platform = weighted(rng, PLATFORMS)
        if platform not in platforms:
            platforms.append(platform)
    main = largest_following(rng)
    accounts = []
    for position, platform in enumerate(platforms):
        followers = main if position == 0 else max(50, int(main * rng.uniform(0.02, 0.9)))
        own = handle.replace(".", "_") if platform == Platform.TIKTOK else handle
        _platform, own, url = parse_profile(own, platform)
        if not url:  # blogs, podcasts and the like have no canonical profile URL
            url = f"https://{own.replace('_', '-').replace('.', '-')}.example.net"
        er = max(0.2, rng.gauss(6.0 - len(str(followers)) * 0.5, 1.4))
        accounts.append(
            SocialAccount(
                workspace=ctx.workspace,
                platform=platform,
                handle=own,
                url=url,
                followers=followers,
                average_views=int(followers * rng.uniform(0.03, 0.6)),
                engagement_rate=Decimal(f"{er:.2f}"),
                last_updated=ctx.now - dt.timedelta(days=rng.randint(0, 400)),
            )
        )
    return accounts


def plan_creator(rng: random.Random, ctx: Context) -> Plan:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    name = f"{first} {last}"
    handle = unique_handle(rng, ctx, first, last)
    country, _w, cities, languages = rng.choices(COUNTRIES, weights=[c[1] for c in COUNTRIES])[0]
    city, time_zone = rng.choice(cities)
    stage = weighted(rng, STAGES)
    niches = rng.sample(NICHES, k=rng.choice([1, 2, 2, 3]))
    custom: dict[str, Any] = {}
    if rng.random() < 0.6:
        custom["skin_type"] = rng.choice(SKIN_TYPES)
    if rng.random() < 0.4:
        custom["formats"] = sorted(rng.sample(FORMATS, k=rng.randint(1, 3)))
    if rng.random() < 0.25:
        custom["shoe_size"] = float(rng.randint(35, 46))
    if rng.random() < 0.2:
        custom["media_kit"] = f"https://kit.example.net/{handle}"
    accounts = plan_accounts(rng, ctx, handle)
    creator = Creator(
        workspace=ctx.workspace,
        name=name,
        pronouns=rng.choice(["", "", "", "she/her", "he/him", "they/them"]),
        phone=f"+1 555 {rng.randint(1_000_000, 9_999_999)}" if rng.random() < 0.3 else "",
        country=country,
        city=city,
        time_zone=time_zone,
        languages=languages,
        niches=niches,
        values_notes=rng.choice(["", "", "Warm, funny, science-first.", "Calm and honest."]),
        audience={
            "age_bands": {"18-24": rng.randint(10, 50), "25-34": rng.randint(20, 50)},
            "gender": {"female": rng.randint(30, 90)},
            "countries": {country: rng.randint(30, 80)},
        },
        preferences={"contact_channel": rng.choice(["email", "dm", "agent"])},
        rate_card=[
            {
                "platform": accounts[0].platform,
                "deliverable": rng.choice(["post", "reel", "video"]),
                "amount": str(rng.randrange(100, 6_000, 50)),
                "currency": "USD",
            }
        ],
        owner=rng.choice(ctx.managers) if rng.random() < 0.85 else None,
        custom_fields=custom,
        stage=stage,
        do_not_contact_reason="Asked not to be contacted." if stage == Stage.DO_NOT_CONTACT else "",
        notes=" ".join(rng.sample(PROFILE_NOTES, k=rng.randint(1, 2)))
        if rng.random() < 0.35
        else "",
        deleted_at=ctx.now if rng.random() < 0.01 else None,
    )
    plan = Plan(creator=creator, accounts=accounts)
    roll = rng.random()
    domain = rng.choice(DOMAINS)
    if roll < 0.84:
        plan.emails.append(f"{handle}@{domain}")
    if roll < 0.12:
        plan.emails.append(f"bookings+{handle}@agency-{rng.randint(1, 40)}.example.com")
    tag_count = weighted(rng, TAG_COUNTS)
    while len(plan.tag_ids) < tag_count:
        tag_id = rng.choices(ctx.tag_ids, weights=ctx.tag_weights)[0]
        if tag_id not in plan.tag_ids:
            plan.tag_ids.append(tag_id)
    roll = rng.random()
    if roll < 0.18:
        plan.notes = rng.sample(NOTE_BODIES, k=2 if roll < 0.03 else 1)
    fill_derived(plan, ctx.workspace)
    return plan


def fill_derived(plan: Plan, workspace: Workspace) -> None:
    """Set the derived columns as ``refresh_derived`` computes them, in the order it reads rows.

    E-mails come primary first then by address, accounts by following (largest first) then
    platform, notes newest first: the models' default orderings.
    """
    creator = plan.creator
    emails = plan.emails[:1] + sorted(plan.emails[1:])
    accounts = sorted(plan.accounts, key=lambda a: (-(a.followers or 0), a.platform))
    largest = accounts[0] if accounts else None
    followers = (largest.followers or 0) if largest else 0
    creator.primary_email = emails[0] if emails else ""
    creator.followers_max = followers
    creator.tier = tier_for(followers, workspace.tier_thresholds)
    creator.engagement_rate = largest.engagement_rate if largest else None
    creator.search_text = " ".join(
        [creator.name, creator.notes, " ".join(creator.niches or [])]
        + emails
        + [f"@{a.handle}" for a in accounts if a.handle]
        + list(reversed(plan.notes))
    ).lower()


def write_batch(plans: list[Plan], ctx: Context, rng: random.Random) -> None:
    creators = Creator.objects.bulk_create([p.creator for p in plans], batch_size=1_000)
    emails, accounts, tags, notes = [], [], [], []
    for plan, creator in zip(plans, creators, strict=True):
        for position, email in enumerate(plan.emails):
            emails.append(
                CreatorEmail(
                    workspace=ctx.workspace, creator=creator, email=email, is_primary=position == 0
                )
            )
        for account in plan.accounts:
            account.creator = creator
            accounts.append(account)
        tags += [CreatorTag(creator=creator, tag_id=tag_id) for tag_id in plan.tag_ids]
        notes += [
            Note(
                workspace=ctx.workspace, creator=creator, body=body, author=rng.choice(ctx.managers)
            )
            for body in plan.notes
        ]
    CreatorEmail.objects.bulk_create(emails, batch_size=2_000)
    SocialAccount.objects.bulk_create(accounts, batch_size=2_000)
    CreatorTag.objects.bulk_create(tags, batch_size=5_000)
    Note.objects.bulk_create(notes, batch_size=2_000)


def generate(*, creators: int, seed: int, out: Callable[[str], Any] = print) -> Workspace:
    """Create the benchmark workspace with ``creators`` creators; returns it."""
    started = time.monotonic()
    rng = random.Random(seed)
    with transaction.atomic():
        ctx = set_up_workspace(bench_slug(creators, seed))
    for start in range(0, creators, BATCH):
        with transaction.atomic():
            plans = [plan_creator(rng, ctx) for _ in range(min(BATCH, creators - start))]
            write_batch(plans, ctx, rng)
        if (start // BATCH) % 4 == 3 or start + BATCH >= creators:
            out(f"  {min(start + BATCH, creators):,} creators ({time.monotonic() - started:.0f} s)")
    accounts = SocialAccount.objects.filter(workspace=ctx.workspace).count()
    out(
        f"  {creators:,} creators and {accounts:,} social accounts in "
        f"{time.monotonic() - started:.0f} s"
    )
    return ctx.workspace


DERIVED = ("primary_email", "followers_max", "tier", "engagement_rate", "search_text")


def check_derived(workspace: Workspace, sample: int = 50) -> None:
    """Prove on a sample that ``refresh_derived`` keeps the generated derived columns as is."""
    ids = list(
        Creator.objects.filter(workspace=workspace).order_by("id").values_list("id", flat=True)
    )
    picked = ids[:: max(1, len(ids) // sample)][:sample]
    for creator in Creator.objects.filter(pk__in=picked).select_related("workspace"):
        before = {name: getattr(creator, name) for name in DERIVED}
        with transaction.atomic():
            refresh_derived(creator)
        after = {name: getattr(creator, name) for name in DERIVED}
        if before != after:
            changed = {k: (before[k], after[k]) for k in DERIVED if before[k] != after[k]}
            raise RuntimeError(f"Generated derived columns differ from refresh_derived: {changed}")
