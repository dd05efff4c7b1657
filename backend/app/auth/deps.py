"""Who is calling: `CurrentUser` for routes, `authenticate_token` for the WebSocket."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from typing import Annotated

import asyncpg
from fastapi import Depends
from sqlalchemy import ColumnElement, Table, bindparam, exists, select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import HTTPConnection

from app.auth.passwords import PasswordHasher
from app.core.context import user_id_var
from app.core.db import RequestDb, RequestDbDep
from app.core.errors import Unauthorized
from app.core.ratelimit import RateLimiter
from app.core.rawsql import RawStatement
from app.core.security import TokenService, bearer_token
from app.models import User

log = logging.getLogger(__name__)


# Dependencies on the request path are `async def` even when they never await: FastAPI runs a
# plain `def` dependency in a worker thread, a thread hop on every request.
async def get_token_service(conn: HTTPConnection) -> TokenService:
    service: TokenService = conn.app.state.tokens
    return service


TokenServiceDep = Annotated[TokenService, Depends(get_token_service)]


async def load_active_user(session: AsyncSession, user_id: uuid.UUID) -> User:
    user = await session.scalar(select(User).where(User.id == user_id))
    if user is None or not user.is_active:
        raise AccountRefused
    return user


async def authenticate_token(token: str, tokens: TokenService, session: AsyncSession) -> User:
    """The active user a token belongs to; Unauthorized otherwise (deleted, inactive, bad)."""
    return await load_active_user(session, tokens.subject(token))


_users: Table = User.__table__  # type: ignore[assignment]
# A primary-key probe, compiled once and run on the request's asyncpg lane: no ORM loading.
_IS_ACTIVE = RawStatement.compile(
    select(_users.c.is_active).where(_users.c.id == bindparam("user_id"))
)


class AccountRefused(Unauthorized):
    """A valid token whose account no longer exists or is disabled."""

    default_message = "The account for this token no longer exists or is disabled."


def account_is_active(user_id: ColumnElement[uuid.UUID]) -> ColumnElement[bool]:
    """SQL: the account `user_id` exists and is active, for a statement that checks it itself.

    The hot routes (ClaimedUserId) put this in their one statement instead of probing first.
    """
    return exists().where(_users.c.id == user_id, _users.c.is_active).correlate_except(_users)


async def refuse_unless_active(driver: asyncpg.Connection, user_id: uuid.UUID) -> None:
    """Unauthorized unless the account exists and is active (the probe, on the asyncpg lane)."""
    if not await driver.fetchval(_IS_ACTIVE.sql, user_id):
        raise AccountRefused


class ActiveUserCache:
    """Signed-in users' profiles, per process, so a request does not load the User row again.

    Whether the account still exists and is active is asked on every request, with a one-column
    primary-key probe, so a deleted or disabled account is refused at once. Only the profile
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

    async def get(self, request_db: RequestDb, user_id: uuid.UUID) -> User:
        now = self._clock()
        cached = self._users.get(user_id)
        if cached is not None and cached[1] > now:
            try:
                await refuse_unless_active(await request_db.driver(), user_id)
            except AccountRefused:
                self._users.pop(user_id, None)
                raise
            return cached[0]
        session = await request_db.session()
        user = await load_active_user(session, user_id)
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


async def _token_subject(conn: HTTPConnection) -> uuid.UUID:
    token = bearer_token(conn.scope)
    if token is None:
        raise Unauthorized("Send `Authorization: Bearer <token>`.")
    return (await get_token_service(conn)).subject(token)


def _attribute_to(conn: HTTPConnection, user_id: uuid.UUID) -> None:
    # For the access log (read by middleware from scope state) and for every log line after this.
    conn.scope.setdefault("state", {})["user_id"] = str(user_id)
    user_id_var.set(str(user_id))


async def get_claimed_user_id(conn: HTTPConnection) -> uuid.UUID:
    """The user id a valid token names; whether that account is still active is NOT checked.

    Only for routes whose one statement checks the account itself (`account_is_active`, or
    `refuse_unless_active` where no statement can), so that the hot routes (GET and POST
    /entries) ask PostgreSQL once per request, not twice; a test keeps the list of such routes
    to those two. Every other route uses CurrentUser. The request is logged under the id the
    token names, so a refused request of a disabled account shows whose token it was.
    """
    user_id = await _token_subject(conn)
    _attribute_to(conn, user_id)
    return user_id


ClaimedUserId = Annotated[uuid.UUID, Depends(get_claimed_user_id)]


async def get_current_user(conn: HTTPConnection, request_db: RequestDbDep) -> User:
    """The caller's account, refused (401) if the token is bad or the account gone or disabled."""
    user = await get_user_cache(conn).get(request_db, await _token_subject(conn))
    _attribute_to(conn, user.id)
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


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


class LoginGuard:
    """Failed-login limit per e-mail (SPEC §4.8), failing open like the rate-limit middleware."""

    def __init__(self, limiter: RateLimiter | None) -> None:
        self._limiter = limiter

    async def refuse_if_blocked(self, email: str) -> None:
        if self._limiter is None:
            return
        try:
            decision = await self._limiter.login_blocked(email)
        except Exception:
            log.warning("login limiter unavailable; login allowed", exc_info=True)
            return
        if decision is not None:
            raise decision.refusal("Too many failed logins for this e-mail")

    async def record_failure(self, email: str) -> None:
        if self._limiter is None:
            return
        try:
            await self._limiter.record_login_failure(email)
        except Exception:
            log.warning("login limiter unavailable; failure not counted", exc_info=True)


async def get_login_guard(conn: HTTPConnection) -> LoginGuard:
    return LoginGuard(getattr(conn.app.state, "limiter", None))


LoginGuardDep = Annotated[LoginGuard, Depends(get_login_guard)]
