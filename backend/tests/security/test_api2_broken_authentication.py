"""API2:2023 Broken Authentication: forged, expired and orphaned tokens; login that leaks nothing.

Every forged token is tried on an HTTP route and on the WebSocket; each is made with the real
claims of a real, active user, so only the property under test is wrong.
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import jwt
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.deps import get_claims
from app.models import AuthSession, EmotionEntry, User
from app.platform.http.openapi import depends_on
from tests.helpers.envelope import assert_refused
from tests.helpers.parties import Party, insert_entry, insert_visualization
from tests.helpers.routes import API
from tests.helpers.settings import TEST_JWT_SECRET
from tests.helpers.websocket import websocket_call


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _claims(user_id: uuid.UUID, **changes: Any) -> dict[str, Any]:
    now = int(time.time())
    claims: dict[str, Any] = {
        "sub": str(user_id),
        "iat": now,
        "exp": now + 600,
        "jti": uuid.uuid4().hex,
        "type": "access",
    }
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def _alg_none(user_id: uuid.UUID) -> str:
    return f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(_claims(user_id))}."


def _alg_none_with_a_signature(user_id: uuid.UUID) -> str:
    header, payload = _b64({"alg": "None", "typ": "JWT"}), _b64(_claims(user_id))
    genuine = jwt.encode(_claims(user_id), TEST_JWT_SECRET, algorithm="HS256").split(".")[2]
    return f"{header}.{payload}.{genuine}"


FORGERIES: dict[str, Callable[[uuid.UUID], str]] = {
    "alg none": _alg_none,
    "alg None keeping a signature": _alg_none_with_a_signature,
    "wrong key": lambda uid: jwt.encode(_claims(uid), "another-secret-" + "y" * 40, "HS256"),
    "expired": lambda uid: jwt.encode(
        _claims(uid, iat=int(time.time()) - 7200, exp=int(time.time()) - 3600),
        TEST_JWT_SECRET,
        "HS256",
    ),
    "no exp": lambda uid: jwt.encode(_claims(uid, exp=None), TEST_JWT_SECRET, "HS256"),
    "HS512 with the right secret": lambda uid: jwt.encode(_claims(uid), TEST_JWT_SECRET, "HS512"),
    "not an access token": lambda uid: jwt.encode(
        _claims(uid, type="refresh"), TEST_JWT_SECRET, "HS256"
    ),
    "subject is not a user id": lambda uid: jwt.encode(
        _claims(uid, sub="admin"), TEST_JWT_SECRET, "HS256"
    ),
    "payload swapped under a genuine signature": lambda uid: ".".join(
        [
            jwt.encode(_claims(uid), TEST_JWT_SECRET, "HS256").split(".")[0],
            _b64(_claims(uuid.uuid4())),
            jwt.encode(_claims(uid), TEST_JWT_SECRET, "HS256").split(".")[2],
        ]
    ),
    "garbage": lambda uid: "not-a-jwt",
}


@pytest.mark.parametrize("forgery", list(FORGERIES))
@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")  # the HS512 forgery
async def test_forged_tokens_are_refused_on_http_and_websocket(
    forgery: str,
    app: FastAPI,
    client: httpx.AsyncClient,
    db: AsyncSession,
    owner: Party,
) -> None:
    token = FORGERIES[forgery](owner.user.id)
    visualization = await insert_visualization(db, await insert_entry(db, owner.user))

    response = await client.get(f"{API}/auth/me", headers={"Authorization": f"Bearer {token}"})
    socket = await websocket_call(
        app, f"{API}/ws/visualizations/{visualization.id}", f"token={token}"
    )

    assert_refused(response, 401, "UNAUTHORIZED")
    assert response.headers["www-authenticate"] == "Bearer"
    assert (socket.close_code, socket.messages) == (1008, [])
    # The genuine token of the same user works: only the forged property was wrong.
    assert (await client.get(f"{API}/auth/me", headers=owner.headers)).status_code == 200


async def _delete(db: AsyncSession, user: User) -> None:
    await db.execute(delete(User).where(User.id == user.id))


async def _disable(db: AsyncSession, user: User) -> None:
    await db.execute(update(User).where(User.id == user.id).values(is_active=False))


async def _log_out(db: AsyncSession, user: User) -> None:
    await db.execute(
        update(AuthSession).where(AuthSession.user_id == user.id).values(revoked_at=func.now())
    )


async def _expire_session(db: AsyncSession, user: User) -> None:
    # A session past SESSION_MAX_AGE_DAYS: its tokens may still be unexpired themselves.
    await db.execute(
        update(AuthSession)
        .where(AuthSession.user_id == user.id)
        .values(expires_at=func.now() - func.make_interval(0, 0, 0, 0, 0, 1))
    )


# GET and POST /entries check the session inside their one statement, not with a probe first
# (Claims): every branch of theirs is tried, beside a route that probes (/auth/me).
HOT_AND_PROBED = [
    ("GET", "/entries", 0),  # an empty journal: the branch that asks why there are no rows
    ("GET", "/entries", 3),  # the page statement itself
    ("GET", "/entries?offset=50", 3),  # a page past the end
    ("POST", "/entries", 0),  # the INSERT ... SELECT ... WHERE the account is active
    ("GET", "/auth/me", 0),
]


def test_only_the_routes_tested_above_skip_the_account_probe(app: FastAPI) -> None:
    """Claims leaves the session check to the route's statement: a route that takes it without
    checking would accept revoked sessions, so each one must be in HOT_AND_PROBED."""
    unprobed = {
        (method, route.path)
        for route in app.routes
        if isinstance(route, APIRoute) and depends_on(route.dependant, (get_claims,))
        for method in route.methods or ()
    }
    tested = {(method, f"{API}{path.split('?')[0]}") for method, path, _ in HOT_AND_PROBED}
    assert unprobed == {("GET", f"{API}/entries"), ("POST", f"{API}/entries")}
    assert unprobed <= tested


@pytest.mark.parametrize(
    "revoke",
    [_delete, _disable, _log_out, _expire_session],
    ids=["deleted", "disabled", "logged-out", "session-expired"],
)
@pytest.mark.parametrize(("method", "path", "entries"), HOT_AND_PROBED)
async def test_the_token_of_an_ended_session_or_a_gone_account_is_refused_at_once(
    client: httpx.AsyncClient,
    db: AsyncSession,
    owner: Party,
    revoke: Callable[[AsyncSession, User], Any],
    method: str,
    path: str,
    entries: int,
) -> None:
    for _ in range(entries):
        await insert_entry(db, owner.user)
    body = {"situation": "Still here?", "emotions": ["joy"], "intensity": 0.5}
    kwargs: dict[str, Any] = {"headers": owner.headers}
    if method == "POST":
        kwargs["json"] = body
    # Accepted while the account is active, so only the revocation differs.
    assert (await client.request(method, f"{API}{path}", **kwargs)).status_code in (200, 201)
    await revoke(db, owner.user)
    await db.flush()

    assert_refused(await client.request(method, f"{API}{path}", **kwargs), 401, "UNAUTHORIZED")
    stored = await db.scalar(
        select(func.count()).select_from(EmotionEntry).where(EmotionEntry.user_id == owner.user.id)
    )
    # The refused POST stored nothing (the accepted one before it is there unless deleted).
    assert stored == (0 if revoke is _delete else entries + (method == "POST"))


@pytest.mark.parametrize(
    "authorization",
    ["", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Token {token}", "bearer{token}"],
)
async def test_malformed_authorization_headers_are_refused(
    authorization: str, client: httpx.AsyncClient, owner: Party
) -> None:
    headers = {"Authorization": authorization.format(token=owner.token)}
    assert_refused(await client.get(f"{API}/auth/me", headers=headers), 401, "UNAUTHORIZED")


async def test_a_token_in_the_query_string_does_not_authenticate_http_routes(
    client: httpx.AsyncClient, owner: Party
) -> None:
    # Only the WebSocket takes ?token= (browsers cannot set its headers); URLs end up in logs.
    response = await client.get(f"{API}/auth/me", params={"token": owner.token})
    assert_refused(response, 401, "UNAUTHORIZED")


def _comparable(response: httpx.Response) -> tuple[int, dict[str, Any], dict[str, str]]:
    body = response.json()
    body.pop("meta")
    headers = {
        k: v
        for k, v in response.headers.items()
        if k not in {"x-request-id", "date", "content-length"}
    }
    return response.status_code, body, headers


async def test_unknown_email_and_wrong_password_cannot_be_told_apart(
    client: httpx.AsyncClient,
) -> None:
    email = f"known-{uuid.uuid4().hex[:8]}@example.com"
    registered = await client.post(
        f"{API}/auth/register",
        json={"email": email, "password": "Correct-Horse-9", "name": "Known"},
    )
    assert registered.status_code == 201

    wrong_password = await client.post(
        f"{API}/auth/login", json={"email": email, "password": "Wrong-Horse-9"}
    )
    unknown_email = await client.post(
        f"{API}/auth/login",
        json={"email": f"nobody-{uuid.uuid4().hex[:8]}@example.com", "password": "Wrong-Horse-9"},
    )

    assert_refused(wrong_password, 401, "UNAUTHORIZED")
    assert _comparable(wrong_password) == _comparable(unknown_email)
