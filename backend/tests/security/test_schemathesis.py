"""Schema-driven fuzzing: schemathesis against the ASGI app, authenticated.

Schemathesis drives the app on its own event loop in a portal thread, so the app here owns its
engine (built by its lifespan from DATABASE_URL, the test database) instead of joining a test
transaction; what the run commits is truncated afterwards. Before fuzzing, real rows are made
through the API (entries, a completed visualization with its image, an intake session) and
half of the generated cases point at them, so the success shapes are checked too, not only 404s.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast
from urllib.parse import parse_qs, urlsplit

import asyncpg
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.generation.modes import GenerationMode
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from app.main import create_app
from app.platform.db.database import libpq_url
from tests.helpers.database import TABLES
from tests.helpers.settings import make_settings

CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]
# Per operation and generation mode; ~20 operations keep the whole run well under 30 s.
EXAMPLES_PER_MODE = 12
PASSWORD = "Fuzzing-Passw0rd"
ENDS_THE_SESSION = "POST /api/v1/auth/logout"


@dataclass(frozen=True)
class FuzzTarget:
    schema: schemathesis.schemas.BaseSchema
    headers: dict[str, str]
    entry_ids: list[str]
    fresh_entry_id: str
    visualization_id: str
    session_id: str
    option_id: str
    media: dict[str, str]


async def _truncate(dsn: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(f"TRUNCATE {', '.join(TABLES)} CASCADE")
    finally:
        await conn.close()


def _draw(client: asgi.ASGIClient, headers: dict[str, str], entry_id: str) -> tuple[str, str]:
    """Queue a visualization and wait for the in-process worker (local provider) to draw it."""
    queued = client.post("/api/v1/visualizations", json={"entry_id": entry_id}, headers=headers)
    assert queued.status_code == 202, queued.text
    visualization_id: str = queued.json()["data"]["visualization_id"]
    deadline = time.monotonic() + 20
    while True:
        shown = client.get(f"/api/v1/visualizations/{visualization_id}", headers=headers)
        data = shown.json()["data"]
        if data["status"] == "completed":
            return visualization_id, str(data["image_url"])
        assert time.monotonic() < deadline, shown.text
        time.sleep(0.1)


def _seed(client: asgi.ASGIClient) -> dict[str, Any]:
    """Real rows made through the API itself, so they are exactly what the app would store."""
    email = f"fuzz-{uuid.uuid4().hex[:8]}@example.com"
    registered = client.post(
        "/api/v1/auth/register", json={"email": email, "password": PASSWORD, "name": "Fuzz"}
    )
    assert registered.status_code == 201, registered.text
    headers = {"Authorization": f"Bearer {registered.json()['data']['access_token']}"}
    entry_ids = []
    # The first gets the visualization; the middle two are the fuzzed entry ids (PUT and DELETE
    # may change or remove them); the last is the one POST /visualizations is pointed at.
    situations = ("A drawn day", "A fuzzed day", "Another fuzzed day", "A day to draw", "Media")
    for situation in situations:
        created = client.post(
            "/api/v1/entries",
            json={"situation": situation, "emotions": ["joy"], "intensity": 0.5},
            headers=headers,
        )
        assert created.status_code == 201, created.text
        entry_ids.append(created.json()["data"]["entry"]["id"])
    # Two drawn pictures: the fuzzed visualization routes may delete the first one (and its
    # files), the media route serves the second.
    visualization_id, _ = _draw(client, headers, entry_ids[0])
    _, image_url = _draw(client, headers, entry_ids[4])
    image = urlsplit(image_url)
    query = parse_qs(image.query)
    started = client.post(
        "/api/v1/intake/analyze",
        json={"situation": "My manager moved the deadline"},
        headers=headers,
    )
    assert started.status_code == 200, started.text
    return {
        "headers": headers,
        "entry_ids": entry_ids,
        "visualization_id": visualization_id,
        "session_id": started.json()["data"]["session_id"],
        "option_id": started.json()["data"]["scenarios"][0]["options"][0]["id"],
        "media": {
            "key": image.path.removeprefix("/api/v1/media/"),
            "expires": query["expires"][0],
            "signature": query["signature"][0],
        },
    }


@pytest.fixture(scope="module")
def fuzz_target(pg_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FuzzTarget]:
    media_dir: Path = tmp_path_factory.mktemp("fuzz-media")
    app_settings = make_settings(pg_url, worker_in_process=True, media_dir=media_dir)
    app = create_app(app_settings)
    try:
        schema = schemathesis.openapi.from_asgi("/openapi.json", app)
        with asgi.get_client(cast("asgi.ASGIApp", app)) as client:
            seeded = _seed(client)
        yield FuzzTarget(
            schema=schema,
            headers=seeded["headers"],
            entry_ids=seeded["entry_ids"][1:3],
            fresh_entry_id=seeded["entry_ids"][3],
            visualization_id=seeded["visualization_id"],
            session_id=seeded["session_id"],
            option_id=seeded["option_id"],
            media=seeded["media"],
        )
    finally:
        asgi.shutdown_lifespans()
        asyncio.run(_truncate(libpq_url(pg_url)))


def _pinned_parameters(target: FuzzTarget, names: set[str]) -> list[dict[str, str]]:
    """Path parameter sets that name real rows of the fuzzing user."""
    if "entry_id" in names:
        return [{"entry_id": entry_id} for entry_id in target.entry_ids]
    if "visualization_id" in names:
        return [{"visualization_id": target.visualization_id}]
    if "key" in names:
        return [{"key": target.media["key"]}]
    return []


def _point_body_at_real_rows(case: schemathesis.Case[Any], target: FuzzTarget) -> None:
    if isinstance(case.body, dict):
        if "session_id" in case.body:
            case.body["session_id"] = target.session_id
            if "selected_option_id" in case.body:
                case.body["selected_option_id"] = target.option_id
        if "entry_id" in case.body:
            case.body["entry_id"] = target.fresh_entry_id
    if case.path_parameters and "key" in case.path_parameters:
        case.query = {
            **(case.query or {}),
            **{k: target.media[k] for k in ("expires", "signature")},
        }


def _strategy(operation: Any, target: FuzzTarget) -> st.SearchStrategy[tuple[Any, bool]]:
    names = {p.name for p in operation.path_parameters}
    strategies = [operation.as_strategy(generation_mode=mode) for mode in GenerationMode]
    strategies.extend(
        operation.as_strategy(path_parameters=pinned)
        for pinned in _pinned_parameters(target, names)
    )
    return st.tuples(st.one_of(*strategies), st.booleans())


def test_no_server_errors_and_responses_match_the_schema(fuzz_target: FuzzTarget) -> None:
    failures: dict[str, str] = {}
    statuses: dict[str, set[int]] = {}
    operations = []
    for result in fuzz_target.schema.get_all_operations():
        # An operation the schema cannot describe would itself be a finding.
        assert isinstance(result, Ok), result
        operations.append(result.ok())
    # Logging out ends the fuzzing user's session: after it, every route can only answer 401.
    operations.sort(key=lambda operation: operation.label == ENDS_THE_SESSION)
    for operation in operations:

        @given(drawn=_strategy(operation, fuzz_target))
        @settings(
            max_examples=EXAMPLES_PER_MODE * 2,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def run(drawn: tuple[Any, bool]) -> None:
            case, at_real_rows = drawn
            if at_real_rows:
                _point_body_at_real_rows(case, fuzz_target)
            response = case.call_and_validate(headers=fuzz_target.headers, checks=CHECKS)
            statuses.setdefault(case.operation.label, set()).add(response.status_code)

        try:
            run()
        except Exception as exc:  # keep going: one report for every operation that fails
            failures[operation.label] = str(exc)[:4000]
    assert not failures, "\n\n".join(f"{label}:\n{text}" for label, text in failures.items())
    # The run reached the success paths, not only refusals.
    assert 200 in statuses["GET /api/v1/entries/{entry_id}"]
    assert 200 in statuses["GET /api/v1/visualizations/{visualization_id}"]
    assert 200 in statuses["GET /api/v1/media/{key}"]
    assert 200 in statuses["POST /api/v1/intake/refine"]
    assert 204 in statuses[ENDS_THE_SESSION]
