"""The demo workspace: a believable skincare brand's creator program, rebuilt on demand."""

from __future__ import annotations

import random
from decimal import Decimal

from django.db import transaction

from rapport.creators.models import Creator, CustomField, FieldType, Platform, Stage
from rapport.creators.services import AccountData, add_note, change_stage, create_creator
from rapport.workspaces.models import Membership, User, Workspace
from rapport.workspaces.roles import Role
from rapport.workspaces.services import create_workspace

DEMO_SLUG = "demo"
DEMO_PASSWORD = "rapport-demo"
DEMO_OWNER = "owner@demo.rapport.test"
TEAM = [
    (DEMO_OWNER, "Olivia Owner", Role.OWNER, "Europe/London"),
    ("maya@demo.rapport.test", "Maya Moreau", Role.MANAGER, "Europe/Paris"),
    ("sam@demo.rapport.test", "Sam Okafor", Role.MANAGER, "America/New_York"),
    ("rita@demo.rapport.test", "Rita Reviewer", Role.REVIEWER, "Europe/London"),
    ("finn@demo.rapport.test", "Finn Finance", Role.FINANCE, "Europe/London"),
    ("omar@demo.rapport.test", "Omar Ops", Role.OPS, "Europe/London"),
    ("vic@demo.rapport.test", "Vic Viewer", Role.VIEWER, "UTC"),
]
FIRST = [
    "Ava",
    "Noah",
    "Léa",
    "Mateo",
    "Zoe",
    "Kai",
    "Amara",
    "Lucas",
    "Chloé",
    "Ravi",
    "Ines",
    "Theo",
    "Priya",
    "Jonas",
    "Maya",
    "Elijah",
    "Sofia",
    "Hugo",
    "Aisha",
    "Leo",
    "Nina",
    "Omar",
    "Camille",
    "Yuki",
    "Marta",
    "Felix",
    "Jade",
    "Diego",
    "Hana",
    "Sami",
]
LAST = [
    "Martin",
    "Nguyen",
    "Dubois",
    "Garcia",
    "Kim",
    "Okafor",
    "Rossi",
    "Silva",
    "Bernard",
    "Patel",
    "Moreau",
    "Schmidt",
    "Lopez",
    "Haddad",
    "Laurent",
    "Cohen",
    "Fischer",
    "Ali",
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
    "mens grooming",
]
CITIES = [
    ("US", "Austin", "America/Chicago"),
    ("US", "Brooklyn", "America/New_York"),
    ("FR", "Lyon", "Europe/Paris"),
    ("FR", "Paris", "Europe/Paris"),
    ("GB", "Manchester", "Europe/London"),
    ("DE", "Berlin", "Europe/Berlin"),
    ("CA", "Toronto", "America/Toronto"),
    ("ES", "Madrid", "Europe/Madrid"),
    ("AU", "Melbourne", "Australia/Melbourne"),
    ("BR", "São Paulo", "America/Sao_Paulo"),
]
TAGS = [
    "gifting-list",
    "spring-launch",
    "ugc",
    "top-performer",
    "needs-rates",
    "long-term",
    "video-first",
    "french-market",
]
NOTES = [
    "Prefers briefs with clear do and don't lists; turned around drafts in two days last time.",
    "Asked about usage rights before anything else, so put the window in the first e-mail.",
    "Audience skews 18-24; strong saves on tutorials.",
    "Agent handles rates, loop @maya in on any offer.",
    "Sensitive skin, only send the fragrance-free range.",
]
STAGE_REASONS = {
    Stage.QUALIFIED: "Audience and tone fit the spring launch",
    Stage.CONTACTED: "First e-mail sent with rates and usage terms",
    Stage.NEGOTIATING: "Asked for a usage fee on paid ads",
    Stage.ACTIVE: "Rates agreed",
    Stage.ADVOCATE: "Third collaboration, posts about us unprompted",
    Stage.PAUSED: "On parental leave until the autumn",
    Stage.DECLINED: "Exclusive with a competitor this year",
}
PLATFORM_WEIGHTS = [
    (Platform.INSTAGRAM, 5),
    (Platform.TIKTOK, 4),
    (Platform.YOUTUBE, 2),
    (Platform.PINTEREST, 1),
    (Platform.TWITCH, 1),
    (Platform.BLOG, 1),
    (Platform.PODCAST, 1),
]


def _followers(rng: random.Random) -> int:
    # Most creators are small; a few are very large, as in any real roster.
    bucket = rng.random()
    if bucket < 0.35:
        return rng.randint(1_500, 9_900)
    if bucket < 0.75:
        return rng.randint(10_000, 99_000)
    if bucket < 0.92:
        return rng.randint(100_000, 480_000)
    if bucket < 0.98:
        return rng.randint(500_000, 990_000)
    return rng.randint(1_000_000, 4_000_000)


def team_user(email: str, name: str, tz: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=DEMO_PASSWORD, name=name)
    user.time_zone = tz
    user.save(update_fields=["time_zone"])
    return user


@transaction.atomic
def build_demo(creators: int = 60, seed: int = 7) -> Workspace:
    """Create the demo workspace, or wipe and rebuild its creators; returns it."""
    rng = random.Random(seed)
    users = {email: team_user(email, name, tz) for email, name, _role, tz in TEAM}
    owner = users[DEMO_OWNER]
    workspace = Workspace.objects.filter(slug=DEMO_SLUG).first()
    if workspace is None:
        workspace = create_workspace(
            name="Lumen Skincare (demo)", slug=DEMO_SLUG, owner=owner, country="US"
        )
    Creator.objects.filter(workspace=workspace).delete()
    workspace.audit_events.all().delete()
    for email, _name, role, _tz in TEAM:
        Membership.objects.update_or_create(
            workspace=workspace, user=users[email], defaults={"role": role}
        )
    CustomField.objects.update_or_create(
        workspace=workspace,
        key="skin_type",
        defaults={
            "label": "Skin type",
            "field_type": FieldType.CHOICE,
            "choices": ["dry", "oily", "combination", "sensitive"],
            "position": 1,
        },
    )
    CustomField.objects.update_or_create(
        workspace=workspace,
        key="media_kit",
        defaults={"label": "Media kit", "field_type": FieldType.URL, "position": 2},
    )
    managers = [users["maya@demo.rapport.test"], users["sam@demo.rapport.test"]]
    stages = (
        [Stage.DISCOVERED] * 4
        + [Stage.QUALIFIED] * 3
        + [Stage.CONTACTED] * 3
        + [Stage.NEGOTIATING] * 2
        + [Stage.ACTIVE] * 4
        + [Stage.ADVOCATE] * 2
        + [Stage.PAUSED, Stage.DECLINED]
    )
    platforms = [p for p, weight in PLATFORM_WEIGHTS for _ in range(weight)]
    used: set[str] = set()
    for index in range(creators):
        name = f"{FIRST[index % len(FIRST)]} {rng.choice(LAST)}"
        handle_base = name.lower().replace(" ", ".").replace("é", "e").replace("ï", "i")
        handle = handle_base if handle_base not in used else f"{handle_base}{index}"
        used.add(handle)
        country, city, tz = rng.choice(CITIES)
        chosen = rng.sample(sorted(set(platforms)), k=rng.choice([1, 1, 2, 2, 3]))
        if Platform.INSTAGRAM not in chosen and rng.random() < 0.6:
            chosen[0] = Platform.INSTAGRAM
        accounts = []
        for p in dict.fromkeys(chosen):
            followers = _followers(rng)
            accounts.append(
                AccountData(
                    platform=p,
                    handle=handle.replace(".", "_") if p == Platform.TIKTOK else handle,
                    followers=followers,
                    # Views run at a fraction of the following, as they do in real life.
                    average_views=int(followers * rng.uniform(0.04, 0.35)),
                    engagement_rate=Decimal(str(round(rng.uniform(0.8, 9.5), 2))),
                )
            )
        creator = create_creator(
            workspace=workspace,
            actor=owner,
            name=name,
            emails=[f"{handle}@example.com"] if rng.random() < 0.9 else [],
            accounts=accounts,
            tags=rng.sample(TAGS, k=rng.choice([0, 1, 1, 2, 3])),
            owner=rng.choice(managers) if rng.random() < 0.85 else None,
            country=country,
            city=city,
            time_zone=tz,
            # Invented addresses (example.com people): product seeding needs somewhere to ship.
            shipping_address=f"{name}\n{rng.randint(2, 240)} Harbour Street\n{city}\n{country}",
            languages=["fr", "en"] if country == "FR" else ["en"],
            niches=rng.sample(NICHES, k=2),
            pronouns=rng.choice(["", "", "she/her", "he/him", "they/them"]),
            custom_fields={"skin_type": rng.choice(["dry", "oily", "combination", "sensitive"])},
            audience={
                "age_bands": {"18-24": 38, "25-34": 41, "35-44": 14, "45+": 7},
                "gender": {"female": 72, "male": 25, "other": 3},
                "countries": {country: 55, "US": 20},
            },
            rate_card=[
                {
                    "platform": accounts[0].platform,
                    "deliverable": "post",
                    "amount": str(rng.randrange(150, 4000, 50)),
                    "currency": "USD",
                }
            ],
        )
        stage = rng.choice(stages)
        if stage != Stage.DISCOVERED:
            change_stage(
                creator=creator,
                actor=rng.choice(managers),
                stage=stage,
                reason=STAGE_REASONS.get(stage, ""),
            )
        if rng.random() < 0.5:
            add_note(creator=creator, author=rng.choice(managers), body=rng.choice(NOTES))
    dnc = Creator.objects.filter(workspace=workspace).order_by("id").last()
    if dnc is not None:
        change_stage(
            creator=dnc,
            actor=owner,
            stage=Stage.DO_NOT_CONTACT,
            reason="Asked not to be contacted about paid work.",
        )
    return workspace
