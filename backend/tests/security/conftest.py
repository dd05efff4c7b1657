"""Shared pieces of the OWASP API Top 10 tests: two users, their rows, the route walk, a WS call."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import EmotionEntry, User, Visualization
from tests.conftest import UserFactory

API = "/api/v1"


@dataclass(frozen=True)
class Party:
    user: User
    headers: dict[str, str]
    token: str


async def make_party(users: UserFactory) -> Party:
    user = await users.create()
    token = users.token(user)
    return Party(user=user, headers={"Authorization": f"Bearer {token}"}, token=token)


@pytest.fixture
async def owner(users: UserFactory) -> Party:
    return await make_party(users)


@pytest.fixture
async def intruder(users: UserFactory) -> Party:
    return await make_party(users)


@pytest.fixture
def db(users: UserFactory) -> AsyncSession:
    """The factory's own session: rows written through it share the users' savepoints."""
    return users.session


async def insert_entry(session: AsyncSession, user: User, situation: str = "Owned") -> EmotionEntry:
    entry = EmotionEntry(
        user_id=user.id, situation=situation, emotions=["joy"], intensity=Decimal("0.40")
    )
    session.add(entry)
    await session.flush()
    return entry


async def insert_visualization(
    session: AsyncSession, entry: EmotionEntry, status: str = "pending"
) -> Visualization:
    visualization = Visualization(entry_id=entry.id, user_id=entry.user_id, status=status)
    session.add(visualization)
    await session.flush()
    return visualization


# --- every route the app serves ----------------------------------------------------------------
@dataclass(frozen=True)
class RouteInfo:
    path: str
    method: str  # "WEBSOCKET" for the WebSocket route


def _walk(routes: list[Any]) -> Iterator[RouteInfo]:
    # Every route sits on the app itself with its full path (app.core.routes).
    for route in routes:
        methods = getattr(route, "methods", None)
        if not methods:
            yield RouteInfo(route.path, "WEBSOCKET")
            continue
        for method in sorted(methods - {"HEAD"}):
            yield RouteInfo(route.path, method)


def all_routes(app: FastAPI) -> set[RouteInfo]:
    """Every (path, method) the app answers: the OpenAPI operations plus undocumented routes."""
    found = set(_walk(app.routes))
    for path, operations in app.openapi()["paths"].items():
        found.update(RouteInfo(path, method.upper()) for method in operations)
    return found


def concrete_path(template: str) -> str:
    """A template with its parameters filled by values of the right shape for no real row."""
    path = template.replace("{key:path}", "{key}").replace(
        "{key}", f"visualizations/{uuid.uuid4()}/image.png"
    )
    for name in ("entry_id", "visualization_id"):
        path = path.replace("{" + name + "}", str(uuid.uuid4()))
    assert "{" not in path, f"fill the parameters of {template} in concrete_path"
    return path


# --- a WebSocket handshake straight through ASGI (httpx's transport has no WebSocket) ---------
@dataclass
class WebSocketOutcome:
    accepted: bool
    close_code: int | None
    messages: list[dict[str, Any]]


async def websocket_call(app: FastAPI, path: str, query: str = "") -> WebSocketOutcome:
    """Connect, read until the server closes or sends its first message, then disconnect."""
    incoming: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    await incoming.put({"type": "websocket.connect"})
    outcome = WebSocketOutcome(accepted=False, close_code=None, messages=[])

    async def receive() -> dict[str, Any]:
        return await incoming.get()

    async def send(message: MutableMapping[str, Any]) -> None:
        if message["type"] == "websocket.accept":
            outcome.accepted = True
        elif message["type"] == "websocket.close":
            outcome.close_code = message.get("code", 1000)
        elif message["type"] == "websocket.send":
            outcome.messages.append(dict(message))
            await incoming.put({"type": "websocket.disconnect", "code": 1000})

    scope = {
        "type": "websocket",
        "asgi": {"version": "3.0"},
        "scheme": "ws",
        "http_version": "1.1",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": query.encode(),
        "headers": [(b"host", b"test")],
        "client": ("127.0.0.1", 50000),
        "server": ("test", 80),
        "subprotocols": [],
        "state": {},
    }
    await asyncio.wait_for(app(scope, receive, send), timeout=10)
    return outcome


def assert_refused(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["success"] is False
    assert body["error"]["code"] == code


def body_schema_name(operation: dict[str, Any]) -> str | None:
    """The component name of an operation's JSON body schema (an optional body is anyOf
    [schema, null]), or None when it takes no JSON body."""
    body = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if body is None:
        return None
    schema = body["schema"]
    refs = [s["$ref"] for s in schema.get("anyOf", [schema]) if "$ref" in s]
    assert len(refs) == 1, schema
    ref: str = refs[0]
    return ref.rsplit("/", 1)[1]
