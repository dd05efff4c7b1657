"""Whether a token's session, and its account, are still live: the check every authenticated
request makes (one statement), for routes, the WebSocket and the hot routes' own statements."""

from __future__ import annotations

import asyncpg
from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.sessions import session_is_live
from app.auth.tokens import TokenClaims, TokenService
from app.models import User
from app.platform.db.rawsql import RawStatement
from app.platform.http.errors import Unauthorized


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
