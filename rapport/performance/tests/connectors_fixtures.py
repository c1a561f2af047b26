"""What the connector tests share: recorded platform answers (``payloads/``) served by an
``httpx.MockTransport`` in place of YouTube and Instagram, and live collaborations with posts.

``platform`` replaces the connectors' :data:`~rapport.performance.connectors.http.WIRE`: every
call goes to :class:`FakePlatform`, which answers from the routes a test sets and records each
request and each backoff wait (nothing sleeps)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from rapport.campaigns.models import Collaboration, CollabStage
from rapport.creators.models import Creator
from rapport.performance.connectors import http
from rapport.performance.models import PlatformConnection, Post
from rapport.testing.factories import (
    CampaignFactory,
    CollaborationFactory,
    CreatorFactory,
    DeliverableFactory,
    PostFactory,
)
from rapport.workspaces.models import Workspace

PAYLOADS = Path(__file__).parent / "payloads"
YOUTUBE_KEY = "AIzaSyD-3xampleKeyF0rTests0nly-q9Zk7Vw"
INSTAGRAM_TOKEN = "EAAGm0PX4ZCpsBAExampleTokenForTestsOnlyZBZCx9QmZD"
IG_ACCOUNT = "17841400008460056"


def payload(name: str) -> Any:
    return json.loads((PAYLOADS / f"{name}.json").read_text())


def answer(name: str, status: int = 200, headers: dict[str, str] | None = None) -> httpx.Response:
    """A recorded answer, as the platform sends it."""
    return httpx.Response(status, json=payload(name), headers=headers)


Answer = httpx.Response | Callable[[httpx.Request], httpx.Response]


class FakePlatform:
    """Answers by path ending: each route is a queue of answers (or functions of the request
    that give one) whose last one repeats."""

    def __init__(self) -> None:
        self.routes: dict[str, list[Answer]] = {}
        self.requests: list[httpx.Request] = []
        self.sleeps: list[float] = []

    def on(self, path_end: str, *answers: Answer) -> None:
        self.routes[path_end] = list(answers)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        for path_end, answers in sorted(self.routes.items(), key=lambda r: -len(r[0])):
            if request.url.path.endswith(path_end):
                given = answers.pop(0) if len(answers) > 1 else answers[0]
                return given(request) if callable(given) else given
        return httpx.Response(404, json={"error": {"code": 404, "message": "no route"}})

    def wire(self) -> http.Wire:
        return http.Wire(transport=httpx.MockTransport(self.handle), sleep=self.sleeps.append)

    def calls(self, path_end: str) -> list[httpx.Request]:
        return [r for r in self.requests if r.url.path.endswith(path_end)]


@pytest.fixture
def platform(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakePlatform]:
    fake = FakePlatform()
    monkeypatch.setattr(http, "WIRE", fake.wire())
    yield fake


def live_post(
    workspace: Workspace,
    *,
    platform: str,
    url: str,
    creator: Creator | None = None,
    stage: str = CollabStage.LIVE,
    collaboration: Collaboration | None = None,
    **kwargs: Any,
) -> Post:
    """A post on ``platform`` of a collaboration at ``stage``."""
    if collaboration is None:
        collaboration = CollaborationFactory.create(
            workspace=workspace,
            campaign=CampaignFactory.create(workspace=workspace),
            creator=creator or CreatorFactory.create(workspace=workspace),
            stage=stage,
        )
    deliverable = DeliverableFactory.create(
        collaboration=collaboration, workspace=workspace, platform=platform, kind="video"
    )
    return PostFactory.create(deliverable=deliverable, platform=platform, url=url, **kwargs)


def youtube_connection(workspace: Workspace, **kwargs: Any) -> PlatformConnection:
    return PlatformConnection.objects.create(
        workspace=workspace, provider="youtube", credential=YOUTUBE_KEY, **kwargs
    )


def instagram_connection(workspace: Workspace, **kwargs: Any) -> PlatformConnection:
    kwargs.setdefault("account_id", IG_ACCOUNT)
    kwargs.setdefault("credential", INSTAGRAM_TOKEN)
    return PlatformConnection.objects.create(workspace=workspace, provider="instagram", **kwargs)
