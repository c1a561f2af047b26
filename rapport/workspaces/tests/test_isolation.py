"""Workspace isolation, proven for every page and endpoint and every workspace-scoped model.

Every model with a ``workspace`` foreign key gets one row in workspace A (id 800001) and one in
workspace B (id 900001), made generically from the model's fields so that models added later are
covered without touching this file. Then every URL pattern is walked (``get_resolver``):

- a page under ``/w/<ws>/`` with B's slug is a 404 for a member of A;
- a page or endpoint addressed by ids answers B's ids exactly as ids that exist nowhere (a 404,
  or the same 403/405/422 that comes before any lookup), while A's own ids are found (not 404),
  which shows that the test reaches the object;
- nothing of B changes, and no list of A shows anything of B.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from rapport.testing.factories import MembershipFactory, UserFactory, WorkspaceFactory
from rapport.workspaces.models import Membership, User, Workspace
from rapport.workspaces.roles import Role
from rapport.workspaces.services import create_api_token

A_ID, B_ID, NOWHERE_ID = 800_001, 900_001, 700_001
B_MARK = "isobmark"  # in every text of B's rows; must never show in A's pages
ROLES = [Role.OWNER, Role.MANAGER, Role.FINANCE, Role.OPS, Role.REVIEWER, Role.VIEWER]
PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def scoped_models() -> list[type[models.Model]]:
    """Every model that belongs to a workspace through a ``workspace`` foreign key."""
    return [
        model
        for model in apps.get_models()
        if any(f.many_to_one and f.related_model is Workspace for f in model._meta.concrete_fields)
    ]


def test_the_models_named_in_the_issue_are_all_covered() -> None:
    names = {model.__name__ for model in scoped_models()}
    assert names >= {
        "Creator", "CreatorEmail", "SocialAccount", "Tag", "CustomField", "Note", "SavedView",
        "AuditEvent", "Invitation", "ApiToken", "Membership",
    }  # fmt: skip


def _sample(f: models.Field, mark: str, pk: int) -> Any:
    if f.choices:
        return f.choices[0][0]
    if isinstance(f, models.EmailField):
        return f"{mark}{pk}@example.test"
    if isinstance(f, models.FileField):
        return f"{mark}/{pk}.csv"
    if isinstance(f, models.CharField | models.TextField):
        return f"{mark}{pk}"[: f.max_length or 100]
    if isinstance(f, models.BooleanField):
        return False
    if isinstance(f, models.IntegerField | models.DecimalField | models.FloatField):
        return 1
    if isinstance(f, models.DateTimeField):
        return timezone.now()
    if isinstance(f, models.DateField):
        return dt.date.today()
    if isinstance(f, models.JSONField):
        return {}
    if isinstance(f, models.UUIDField):
        return uuid.uuid4()
    raise AssertionError(f"Teach test_isolation to fill {f.model.__name__}.{f.name}")


@dataclass
class Side:
    """One workspace with a row of every scoped model, all with the same id."""

    workspace: Workspace
    owner: User
    pk: int
    mark: str
    rows: dict[type[models.Model], models.Model] = field(default_factory=dict)
    building: set[type[models.Model]] = field(default_factory=set)

    def row(self, model: type[models.Model]) -> models.Model:
        if model not in self.rows:
            self.rows[model] = self._make(model)
        return self.rows[model]

    def _make(self, model: type[models.Model]) -> models.Model:
        self.building.add(model)
        values: dict[str, Any] = {"pk": self.pk}
        for f in model._meta.concrete_fields:
            if f.primary_key:
                continue
            if f.is_relation:
                target = f.related_model
                if target is Workspace:
                    values[f.name] = self.workspace
                elif target is User:
                    # A membership needs its own person; any other row is the owner's.
                    values[f.name] = UserFactory.create() if model is Membership else self.owner
                elif target in self.building and f.null:
                    continue  # a cycle (a collaboration's accepted package): leave it empty
                elif target in scoped_models():
                    values[f.name] = self.row(target)
                elif not f.null:
                    raise AssertionError(f"Teach test_isolation to make a {target}")
                continue
            if f.has_default() or f.null or getattr(f, "auto_now", False):
                continue
            if getattr(f, "auto_now_add", False):
                continue
            if f.blank and not f.unique:
                continue
            values[f.name] = _sample(f, self.mark, self.pk)
        self.building.discard(model)
        if model in self.rows:  # made on the way, through a cycle
            return self.rows[model]
        return model._base_manager.create(**values)

    def fill(self) -> Side:
        for model in scoped_models():
            self.row(model)
        return self

    def snapshot(self) -> dict[str, list[dict[str, Any]]]:
        return {
            model.__name__: list(
                model._base_manager.filter(workspace=self.workspace).order_by("pk").values()
            )
            for model in scoped_models()
        }


@dataclass
class World:
    a: Side
    b: Side
    clients: dict[str, Client]
    api_clients: dict[str, Client]


@pytest.fixture
def world(db: None) -> World:
    a_ws = WorkspaceFactory.create(name="Alpha", slug="alpha")
    b_ws = WorkspaceFactory.create(name=f"Beta {B_MARK}", slug="beta")
    members = {role: MembershipFactory.create(workspace=a_ws, role=role) for role in ROLES}
    b_owner = MembershipFactory.create(workspace=b_ws, role=Role.OWNER)
    a = Side(a_ws, members[Role.OWNER].user, A_ID, "isoamark").fill()
    b = Side(b_ws, b_owner.user, B_ID, B_MARK).fill()
    clients: dict[str, Client] = {}
    api_clients: dict[str, Client] = {}
    hub_token = _hub_token(a)
    for role, membership in members.items():
        clients[role] = Client()
        clients[role].force_login(membership.user)
        _token, raw = create_api_token(workspace=a_ws, user=membership.user)
        # The creator's endpoints (/hub/me...) open with A's hub token, the others with A's
        # bearer token; each ignores the other's header.
        api_clients[role] = Client(
            headers={"Authorization": f"Bearer {raw}", "X-Hub-Token": hub_token}
        )
    return World(a, b, clients, api_clients)


def _hub_token(side: Side) -> str:
    """The token of ``side``'s hub link, its lookup made the length a real one has."""
    from rapport.hub.models import HubLink
    from rapport.hub.services.links import LOOKUP_LENGTH, token_of

    link = side.rows[HubLink]
    assert isinstance(link, HubLink)
    link.lookup = f"{side.mark}{side.pk}".ljust(LOOKUP_LENGTH, "0")
    link.save(update_fields=["lookup"])
    return token_of(link)


def _walk(patterns: list[Any], prefix: str = "", name: str = "") -> Iterator[tuple[str, str]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{p.namespace}:" if p.namespace else ""
            yield from _walk(p.url_patterns, prefix + str(p.pattern), name + ns)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), name + (p.name or "")


ALL_ROUTES = sorted(set(_walk(get_resolver().url_patterns)))
WORKSPACE_PAGES = [(r, n) for r, n in ALL_ROUTES if "<slug:ws>" in r]
PAGES_WITH_IDS = [(r, n) for r, n in WORKSPACE_PAGES if len(PARAM.findall(r)) > 1]
API_WITH_PARAMS = [(r, n) for r, n in ALL_ROUTES if r.startswith("api/v1/") and PARAM.search(r)]
API_LISTS = [(r, n) for r, n in ALL_ROUTES if r.startswith("api/v1/") and not PARAM.search(r)]


def _url(route: str, side: Side | None, slug: str, pk: int) -> str:
    """The route with the slug, and each other parameter taken from ``side``'s rows (or ``pk``)."""

    def value(match: re.Match[str]) -> str:
        name = match["name"]
        if name == "ws":
            return slug
        if name == "pk" or name.endswith("_id") or match["converter"] == "int":
            return str(pk)
        # A parameter that is not an id (a custom field's key): the value a row of ``side`` has.
        for row in side.rows.values() if side else []:
            if hasattr(row, name):
                return str(getattr(row, name))
        return f"nowhere{pk}"

    return "/" + PARAM.sub(value, route)


def _ids(pattern: list[tuple[str, str]]) -> list[str]:
    return [name or route for route, name in pattern]


@pytest.mark.parametrize(("route", "name"), WORKSPACE_PAGES, ids=_ids(WORKSPACE_PAGES))
def test_another_workspaces_slug_is_a_404(world: World, route: str, name: str) -> None:
    """B's slug answers like a slug that exists nowhere: 404 (or 405 for a method checked first)."""
    before = world.b.snapshot()
    theirs = _url(route, world.b, world.b.workspace.slug, B_ID)
    nowhere = _url(route, None, "no-such-workspace", NOWHERE_ID)
    for client in world.clients.values():
        answers = {method: _answers(client, method, theirs) for method in ("GET", "POST")}
        assert answers == {method: _answers(client, method, nowhere) for method in answers}
        assert 404 in answers.values() and set(answers.values()) <= {404, 405}, (theirs, answers)
    assert world.b.snapshot() == before


@functools.cache
def _openapi() -> dict[str, Any]:
    from rapport.api.api import api

    return api.get_openapi_schema()


def _example(schema: dict[str, Any], pk: int) -> Any:
    """A value the schema accepts; ids are ``pk`` so that a body names the same workspace's rows."""
    if "$ref" in schema:
        schema = _openapi()["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    if "anyOf" in schema:
        return _example(schema["anyOf"][0], pk)
    if "enum" in schema:
        return schema["enum"][0]
    kind = str(schema.get("type"))
    if kind == "object":
        properties = schema.get("properties", {})
        return {name: _example(properties[name], pk) for name in schema.get("required", [])}
    return {"integer": pk, "number": 1, "boolean": False, "array": []}.get(kind, "x")


def _body(url: str, method: str, pk: int) -> dict[str, Any]:
    """The smallest valid JSON body of the endpoint, read from the OpenAPI document."""
    for path, operations in _openapi()["paths"].items():
        if re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", path), url):
            content = operations.get(method.lower(), {}).get("requestBody", {}).get("content", {})
            if "application/json" in content:
                return _example(content["application/json"]["schema"], pk)
    return {}


def _answers(client: Client, method: str, url: str, pk: int = NOWHERE_ID) -> int:
    if method == "GET":
        return client.get(url).status_code
    if method == "POST" and not url.startswith("/api/"):
        return client.post(url, {}).status_code
    body = json.dumps(_body(url, method, pk))
    return client.generic(method, url, body, content_type="application/json").status_code


def _prove(clients: dict[str, Client], methods: list[str], world: World, route: str) -> None:
    """For each method, with the first role allowed past the permission check, B's ids answer
    like ids that exist nowhere, and A's own ids are found."""
    before = world.b.snapshot()
    reached_b = False
    for method in methods:
        nowhere = _url(route, None, world.a.workspace.slug, NOWHERE_ID)
        mine = _url(route, world.a, world.a.workspace.slug, A_ID)
        theirs = _url(route, world.b, world.a.workspace.slug, B_ID)
        for client in clients.values():
            baseline = _answers(client, method, nowhere, NOWHERE_ID)
            if baseline != 403:
                break
        if baseline in (403, 405):
            continue  # no role may use this method here, whatever the object
        got = _answers(client, method, theirs, B_ID)
        assert got == baseline, (
            f"{method} {theirs}: {got}, but {baseline} for ids that do not exist"
        )
        assert got in (404, 422), f"{method} {theirs}: {got}"
        reached_b = reached_b or got == 404
        if method == "GET":
            found = _answers(client, method, mine, A_ID)
            assert found != 404, f"GET {mine}: A's own object should be found"
    assert reached_b, f"no method of {route} was checked against B's objects"
    assert world.b.snapshot() == before


@pytest.mark.parametrize(("route", "name"), PAGES_WITH_IDS, ids=_ids(PAGES_WITH_IDS))
def test_another_workspaces_objects_are_a_404_on_every_page(
    world: World, route: str, name: str
) -> None:
    _prove(world.clients, ["GET", "POST"], world, route)


@pytest.mark.parametrize(("route", "name"), API_WITH_PARAMS, ids=_ids(API_WITH_PARAMS))
def test_another_workspaces_objects_are_a_404_on_every_endpoint(
    world: World, route: str, name: str
) -> None:
    _prove(world.api_clients, ["GET", "PATCH", "PUT", "POST", "DELETE"], world, route)


@pytest.mark.parametrize(("route", "name"), WORKSPACE_PAGES, ids=_ids(WORKSPACE_PAGES))
def test_no_page_of_a_shows_anything_of_b(world: World, route: str, name: str) -> None:
    url = _url(route, world.a, world.a.workspace.slug, A_ID)
    for client in world.clients.values():
        response = client.get(url)
        if response.status_code == 200 and not response.streaming:
            assert B_MARK not in response.content.decode(errors="replace"), url


@pytest.mark.parametrize(("route", "name"), API_LISTS, ids=_ids(API_LISTS))
def test_no_endpoint_of_a_shows_anything_of_b(world: World, route: str, name: str) -> None:
    for client in world.api_clients.values():
        response = client.get("/" + route)
        if response.status_code == 200 and not response.streaming:
            assert B_MARK not in response.content.decode(errors="replace"), route
