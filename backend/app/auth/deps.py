"""Who is calling: `CurrentUser` for routes, `authenticate_token` for the WebSocket."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import HTTPConnection

from app.auth.passwords import PasswordHasher
from app.core.context import user_id_var
from app.core.db import SessionDep
from app.core.errors import RateLimitExceeded, Unauthorized
from app.core.ratelimit import RateLimiter
from app.core.security import TokenService
from app.models import User

log = logging.getLogger(__name__)

_bearer = HTTPBearer(auto_error=False, description="JWT from /auth/login or /auth/register")


def get_token_service(conn: HTTPConnection) -> TokenService:
    service: TokenService = conn.app.state.tokens
    return service


TokenServiceDep = Annotated[TokenService, Depends(get_token_service)]


async def authenticate_token(token: str, tokens: TokenService, session: AsyncSession) -> User:
    """The active user a token belongs to; Unauthorized otherwise (deleted, inactive, bad)."""
    user_id = tokens.subject(token)
    user = await session.scalar(select(User).where(User.id == user_id))
    if user is None or not user.is_active:
        raise Unauthorized("The account for this token no longer exists or is disabled.")
    return user


async def get_current_user(
    conn: HTTPConnection,
    session: SessionDep,
    tokens: TokenServiceDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> User:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("Send `Authorization: Bearer <token>`.")
    user = await authenticate_token(credentials.credentials, tokens, session)
    # For the access log (read by middleware from scope state) and for every log line after this.
    conn.scope.setdefault("state", {})["user_id"] = str(user.id)
    user_id_var.set(str(user.id))
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


def get_password_hasher(conn: HTTPConnection) -> PasswordHasher:
    # Built on first use (it computes the dummy hash), one per application.
    hasher: PasswordHasher | None = getattr(conn.app.state, "passwords", None)
    if hasher is None:
        hasher = PasswordHasher(conn.app.state.settings.password_hash_concurrency)
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
            retry = decision.retry_after_seconds
            raise RateLimitExceeded(
                f"Too many failed logins for this e-mail. Try again in {retry} seconds.",
                details={"retry_after_seconds": retry, "limit": decision.limit},
                headers={**decision.headers(), "Retry-After": str(retry)},
            )

    async def record_failure(self, email: str) -> None:
        if self._limiter is None:
            return
        try:
            await self._limiter.record_login_failure(email)
        except Exception:
            log.warning("login limiter unavailable; failure not counted", exc_info=True)


def get_login_guard(conn: HTTPConnection) -> LoginGuard:
    return LoginGuard(getattr(conn.app.state, "limiter", None))


LoginGuardDep = Annotated[LoginGuard, Depends(get_login_guard)]
