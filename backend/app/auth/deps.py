"""Who is calling: `CurrentUser` (and its `CurrentSession`) for routes, `Claims` for the two
hot routes, `authenticate_token` for the WebSocket."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from typing import Annotated

import asyncpg
from fastapi import Depends
from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import HTTPConnection

from app.auth.passwords import PasswordHasher
from app.auth.sessions import session_is_live
from app.core.context import user_id_var
from app.core.db import RequestDb, RequestDbDep
from app.core.errors import Unauthorized
from app.core.rawsql import RawStatement
from app.core.security import TokenClaims, TokenService, bearer_token
from app.models import User

log = logging.getLogger(__name__)


# Dependencies on the request path are `async def` even when they never await: FastAPI runs a
# plain `def` dependency in a worker thread, a thread hop on every request.
async def get_token_service(conn: HTTPConnection) -> TokenService:
    service: TokenService = conn.app.state.tokens
    return service


TokenServiceDep = Annotated[TokenService, Depends(get_token_service)]


class AccountRefused(Unauthorized):
    """A valid token whose session has ended, or whose account no longer exists or is disabled."""

    default_message = (
        "This session has ended (logged out, or the password was changed) or its account is "
        "gone. Log in again."
    )


async def load_live_user(session: AsyncSession, claims: TokenClaims) -> User:
    """The token's account, checked with its session in one statement; AccountRefused if not."""
    user = await session.scalar(
        select(User).where(
            User.id == claims.user_id,
            session_is_live(
                bindparam("claimed_user", claims.user_id), bindparam("session", claims.session_id)
            ),
        )
    )
    if user is None:
        raise AccountRefused
    return user


async def authenticate_token(token: str, tokens: TokenService, session: AsyncSession) -> User:
    """The user a token belongs to while its session is live; Unauthorized otherwise."""
    return await load_live_user(session, tokens.claims(token))


# A primary-key probe, compiled once and run on the request's asyncpg lane: no ORM loading.
_SESSION_LIVE = RawStatement.compile(
    select(session_is_live(bindparam("user_id"), bindparam("session_id")))
)


async def refuse_unless_live(driver: asyncpg.Connection, claims: TokenClaims) -> None:
    """Unauthorized unless the token's session and account are live (the probe, asyncpg lane)."""
    values = {"user_id": claims.user_id, "session_id": claims.session_id}
    if not await driver.fetchval(_SESSION_LIVE.sql, *_SESSION_LIVE.args(values)):
        raise AccountRefused


class ActiveUserCache:
    """Signed-in users' profiles, per process, so a request does not load the User row again.

    Whether the token's session is live and its account exists and is active is asked on every
    request, with a primary-key probe, so a revoked session or a deleted or disabled account is
    refused at once, by every process. Only the profile
    (name, e-mail, created_at, which no endpoint changes) is reused for `ttl_seconds`
    (AUTH_USER_CACHE_SECONDS, 2 s by default; 0 loads it every time). The cached User is
    detached from every session and shared by concurrent requests: read it, never change it or
    add it to a session.
    """

    def __init__(
        self,
        ttl_seconds: float,
        max_users: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl_seconds = ttl_seconds
        self.max_users = max_users
        self._clock = clock
        self._users: dict[uuid.UUID, tuple[User, float]] = {}

    async def get(self, request_db: RequestDb, claims: TokenClaims) -> User:
        now = self._clock()
        user_id = claims.user_id
        cached = self._users.get(user_id)
        if cached is not None and cached[1] > now:
            try:
                await refuse_unless_live(await request_db.driver(), claims)
            except AccountRefused:
                # Gone or disabled accounts leave the cache at once; an ended session alone
                # says nothing about the account's other sessions, but one reload is cheap.
                self._users.pop(user_id, None)
                raise
            return cached[0]
        session = await request_db.session()
        user = await load_live_user(session, claims)
        if self.ttl_seconds > 0:
            # Detached now, so this request's rollback (which expires what its session holds)
            # can never leave other requests holding an expired instance.
            session.expunge(user)
            self._users.pop(user_id, None)
            if len(self._users) >= self.max_users:
                del self._users[next(iter(self._users))]  # oldest first
            self._users[user_id] = (user, now + self.ttl_seconds)
        return user


def get_user_cache(conn: HTTPConnection) -> ActiveUserCache:
    # One per application, made in create_app (tests build an application per test).
    cache: ActiveUserCache = conn.app.state.user_cache
    return cache


async def _token_claims(conn: HTTPConnection) -> TokenClaims:
    token = bearer_token(conn.scope)
    if token is None:
        raise Unauthorized("Send `Authorization: Bearer <token>`.")
    return (await get_token_service(conn)).claims(token)


def _attribute_to(conn: HTTPConnection, user_id: uuid.UUID) -> None:
    # For the access log (read by middleware from scope state) and for every log line after this.
    conn.scope.setdefault("state", {})["user_id"] = str(user_id)
    user_id_var.set(str(user_id))


async def get_claims(conn: HTTPConnection) -> TokenClaims:
    """The account and session a valid token names; whether they are still live is NOT checked.

    Only for routes whose one statement checks that itself (`session_is_live`), so that the hot
    routes (GET and POST /entries) ask PostgreSQL once per request, not twice; a test keeps the
    list of such routes to those two. Every other route uses CurrentUser. The request is logged
    under the id the token names, so a refused request shows whose token it was.
    """
    claims = await _token_claims(conn)
    _attribute_to(conn, claims.user_id)
    return claims


Claims = Annotated[TokenClaims, Depends(get_claims)]


async def get_current_user(conn: HTTPConnection, request_db: RequestDbDep) -> User:
    """The caller's account, refused (401) if the token is bad, its session ended, or the
    account is gone or disabled."""
    claims = await _token_claims(conn)
    user = await get_user_cache(conn).get(request_db, claims)
    # For the routes that act on the session itself (refresh, logout, password change).
    conn.scope.setdefault("state", {})["token_claims"] = claims
    _attribute_to(conn, user.id)
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


async def get_current_session(conn: HTTPConnection, user: CurrentUser) -> TokenClaims:
    """The live session of the caller's token (after CurrentUser has checked it)."""
    claims: TokenClaims = conn.scope["state"]["token_claims"]
    return claims


CurrentSession = Annotated[TokenClaims, Depends(get_current_session)]


def get_password_hasher(conn: HTTPConnection) -> PasswordHasher:
    # Built on first use (it computes the dummy hash), one per application.
    hasher: PasswordHasher | None = getattr(conn.app.state, "passwords", None)
    if hasher is None:
        settings = conn.app.state.settings
        # The slots live under DATA_DIR, so every API worker on it shares the one bound.
        hasher = PasswordHasher(settings.password_hash_concurrency, settings.data_dir / "locks")
        conn.app.state.passwords = hasher
    return hasher


PasswordHasherDep = Annotated[PasswordHasher, Depends(get_password_hasher)]
