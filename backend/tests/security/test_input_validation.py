"""Beyond the Top 10 list: hostile input on every body-taking route is a 400 envelope, never a 500.

The routes and their fields come from the OpenAPI document, so a new body route or field is
covered (or fails here until it is given a valid example below).
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from tests.helpers.envelope import assert_refused
from tests.helpers.parties import Party, insert_entry
from tests.helpers.routes import API, body_schema_name

OVERSIZED = 100_000  # far past every field limit, well under the 1 MiB body limit


def _valid_bodies(entry_id: uuid.UUID) -> dict[tuple[str, str], dict[str, Any]]:
    """One valid body per route; each test breaks exactly one field of it."""
    entry = {"situation": "A day", "emotions": ["joy"], "intensity": 0.5, "notes": "n"}
    feeling = {"feeling_category": "good", "selected_emotions": ["chill"]}
    return {
        ("POST", f"{API}/auth/register"): {
            "email": f"valid-{uuid.uuid4().hex[:8]}@example.com",
            "password": "Valid-Pass-123",
            "name": "Valid",
        },
        ("POST", f"{API}/auth/login"): {"email": "valid@example.com", "password": "Pw-12345"},
        ("POST", f"{API}/entries"): entry,
        ("PUT", f"{API}/entries/{entry_id}"): entry,
        ("POST", f"{API}/intake/analyze"): {"situation": "A day"},
        ("POST", f"{API}/intake/refine"): {
            "session_id": str(uuid.uuid4()),
            "selected_option_id": "a",
            "additional_context": "c",
        },
        ("POST", f"{API}/intake/complete"): {
            "session_id": str(uuid.uuid4()),
            "final_emotions": ["joy"],
            "intensity": 0.5,
        },
        ("POST", f"{API}/visualizations"): {"entry_id": str(uuid.uuid4()), "style": "abstract"},
        ("POST", f"{API}/visualizations/feeling"): feeling,
        ("POST", f"{API}/visualizations/story"): {
            **feeling,
            "story_text": "My manager moved the deadline up by a whole week and I had plans.",
        },
        # A wrong password is refused (403) after validation: nothing changes, nothing is gone.
        ("POST", f"{API}/auth/password"): {
            "current_password": "Not-The-Password-1",
            "new_password": "Another-Valid-Pass-123",
        },
        ("DELETE", f"{API}/auth/me"): {"password": "Not-The-Password-1"},
        # Last: a valid one really ends the owner's session.
        ("POST", f"{API}/auth/logout"): {"everywhere": False},
    }


# Deliberately unbounded: an over-long password given to prove who one is is simply a wrong
# password (401 at login, 403 when signed in), hashed no further than the longest a password can
# be; the body size limit bounds it.
UNBOUNDED = {
    ("POST", f"{API}/auth/login", "password"): (401, "UNAUTHORIZED"),
    ("POST", f"{API}/auth/password", "current_password"): (403, "FORBIDDEN"),
    ("DELETE", f"{API}/auth/me", "password"): (403, "FORBIDDEN"),
}
# Routes whose body is optional: JSON null is the same as no body.
OPTIONAL_BODY = {("POST", f"{API}/auth/logout")}


def _variants(schema: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in schema.get("anyOf", [schema]) if s.get("type") != "null"]


def _json_types(schema: dict[str, Any], components: dict[str, Any]) -> set[str]:
    types = set()
    for variant in _variants(schema):
        if "$ref" in variant:
            variant = components[variant["$ref"].rsplit("/", 1)[1]]
        types.add(variant.get("type", "string"))
    return types


WRONG_VALUES: dict[str, list[Any]] = {
    "string": [12, True, ["text"], {"text": "x"}],
    "number": ["0.5", True, [0.5], {"value": 0.5}],
    "array": ["joy", 3, {"0": "joy"}, [["joy"]]],
    "boolean": ["true", 1, [True], {"value": True}],
}


@pytest.fixture
async def body_routes(
    app: FastAPI, db: AsyncSession, owner: Party
) -> tuple[dict[tuple[str, str], dict[str, Any]], dict[str, Any]]:
    """Valid bodies by (method, concrete path), and each route's request schema by the same key."""
    entry = await insert_entry(db, owner.user)
    spec = app.openapi()
    components = spec["components"]["schemas"]
    bodies = _valid_bodies(entry.id)
    schemas = {}
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            name = body_schema_name(operation)
            if name is None:
                continue
            concrete = path.replace("{entry_id}", str(entry.id))
            schemas[(method.upper(), concrete)] = components[name]
    assert set(schemas) == set(bodies), "give every body route a valid example"
    return bodies, {"schemas": schemas, "components": components}


async def _send(
    client: httpx.AsyncClient, route: tuple[str, str], body: Any, owner: Party
) -> httpx.Response:
    return await client.request(route[0], route[1], json=body, headers=owner.headers)


async def test_the_valid_examples_pass_validation(
    client: httpx.AsyncClient,
    body_routes: tuple[dict[tuple[str, str], dict[str, Any]], dict[str, Any]],
    owner: Party,
) -> None:
    # So each 400 below is caused by the one broken field, not by the example.
    bodies, _ = body_routes
    for route, body in bodies.items():
        response = await _send(client, route, body, owner)
        assert response.status_code != 400, (route, response.text)
        assert response.status_code < 500, (route, response.text)


async def test_nul_bytes_in_any_text_field_are_400(
    client: httpx.AsyncClient,
    body_routes: tuple[dict[tuple[str, str], dict[str, Any]], dict[str, Any]],
    owner: Party,
) -> None:
    bodies, _ = body_routes
    for route, body in bodies.items():
        for field, value in body.items():
            if isinstance(value, str):
                broken: Any = value[:1] + "\x00" + value[1:]
            elif isinstance(value, list):
                broken = [value[0] + "\x00"]
            else:
                continue
            response = await _send(client, route, {**body, field: broken}, owner)
            assert_refused(response, 400, "VALIDATION_ERROR")


async def test_over_long_strings_are_400(
    client: httpx.AsyncClient,
    body_routes: tuple[dict[tuple[str, str], dict[str, Any]], dict[str, Any]],
    owner: Party,
) -> None:
    bodies, info = body_routes
    for route, body in bodies.items():
        properties = info["schemas"][route]["properties"]
        for field, value in body.items():
            if not isinstance(value, str):
                continue
            limits = [v.get("maxLength") for v in _variants(properties[field])]
            just_over = [value + "x" * (limit + 1 - len(value)) for limit in limits if limit]
            for broken in [*just_over, value + "x" * OVERSIZED]:
                response = await _send(client, route, {**body, field: broken}, owner)
                if (*route, field) in UNBOUNDED:
                    assert_refused(response, *UNBOUNDED[(*route, field)])
                else:
                    assert_refused(response, 400, "VALIDATION_ERROR")


async def test_wrong_json_types_in_any_field_are_400(
    client: httpx.AsyncClient,
    body_routes: tuple[dict[tuple[str, str], dict[str, Any]], dict[str, Any]],
    owner: Party,
) -> None:
    bodies, info = body_routes
    for route, body in bodies.items():
        properties = info["schemas"][route]["properties"]
        for field in body:
            types = _json_types(properties[field], info["components"])
            assert types <= set(WRONG_VALUES), (route, field, types)
            for declared in types:
                for broken in WRONG_VALUES[declared]:
                    response = await _send(client, route, {**body, field: broken}, owner)
                    assert_refused(response, 400, "VALIDATION_ERROR")


@pytest.mark.parametrize("body", [[], ["x"], "text", 42, None, True])
async def test_a_body_that_is_not_an_object_is_400(
    body: Any,
    client: httpx.AsyncClient,
    body_routes: tuple[dict[tuple[str, str], dict[str, Any]], dict[str, Any]],
    owner: Party,
) -> None:
    for route in body_routes[0]:
        if body is None and route in OPTIONAL_BODY:
            continue
        response = await client.request(
            route[0],
            route[1],
            content=json.dumps(body).encode(),
            headers={**owner.headers, "content-type": "application/json"},
        )
        assert_refused(response, 400, "VALIDATION_ERROR")


async def test_hostile_query_parameters_are_400(
    app: FastAPI, client: httpx.AsyncClient, owner: Party
) -> None:
    hostile = ["a\x00b", "x" * 10_000, "../../etc/passwd", "[]", "-1e309", "%00"]
    checked = 0
    for path, operations in app.openapi()["paths"].items():
        get = operations.get("get")
        if not get or "{" in path:
            continue
        for parameter in get.get("parameters", []):
            if parameter["in"] != "query":
                continue
            for value in hostile:
                response = await client.get(
                    path, params={parameter["name"]: value}, headers=owner.headers
                )
                assert_refused(response, 400, "VALIDATION_ERROR")
                checked += 1
    assert checked >= 6 * 6  # entries, visualizations and analytics parameters
