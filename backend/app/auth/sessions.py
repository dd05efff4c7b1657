"""Sessions: one per login or registration, named by every token issued within it (`sid`).

A token is accepted only while its session is live: not revoked (logout, a password change, the
account deleted) and not past `expires_at`, SESSION_MAX_AGE_DAYS after its login however often it
is refreshed. The check is SQL (`session_is_live`), so the hot routes run it inside their one
statement and every other route in the probe it already makes per request: a revoked session's
tokens are refused by every process at once.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, Table, delete, exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.tokens import IssuedToken, TokenService
from app.models import AuthSession, User

ENDED_SESSION_MEMORY_DAYS = 30
_sessions: Table = AuthSession.__table__  # type: ignore[assignment]
_users: Table = User.__table__  # type: ignore[assignment]


def session_is_live(
    user_id: ColumnElement[uuid.UUID], session_id: ColumnElement[uuid.UUID]
) -> ColumnElement[bool]:
    """SQL: the session exists, belongs to `user_id`, is neither revoked nor expired, and its
    account exists and is active."""
    return (
        exists()
        .where(
            _sessions.c.id == session_id,
            _sessions.c.user_id == user_id,
            _sessions.c.revoked_at.is_(None),
            _sessions.c.expires_at > func.now(),
            _users.c.id == _sessions.c.user_id,
            _users.c.is_active,
        )
        .correlate_except(_sessions, _users)
    )


async def start_session(
    session: AsyncSession, user_id: uuid.UUID, max_age_days: int
) -> AuthSession:
    """A new session for a login, registration or password change (flushed, with its id).

    The account's sessions that ended more than ENDED_SESSION_MEMORY_DAYS ago go at the same
    time: the table holds live sessions and recent history (shown in the export), with no
    sweeper to run."""
    started = datetime.now(UTC)
    await session.execute(
        delete(AuthSession)
        .where(
            AuthSession.user_id == user_id,
            func.coalesce(AuthSession.revoked_at, AuthSession.expires_at)
            < func.now() - timedelta(days=ENDED_SESSION_MEMORY_DAYS),
        )
        .execution_options(synchronize_session=False)
    )
    row = AuthSession(
        user_id=user_id, created_at=started, expires_at=started + timedelta(days=max_age_days)
    )
    session.add(row)
    await session.flush()
    return row


def token_for(tokens: TokenService, row: AuthSession) -> IssuedToken:
    return tokens.issue(
        row.user_id, row.id, logged_in_at=row.created_at, session_ends_at=row.expires_at
    )


async def live_session(
    session: AsyncSession, user_id: uuid.UUID, session_id: uuid.UUID
) -> AuthSession | None:
    statement = select(AuthSession).where(
        AuthSession.id == session_id,
        AuthSession.user_id == user_id,
        AuthSession.revoked_at.is_(None),
        AuthSession.expires_at > func.now(),
    )
    row: AuthSession | None = await session.scalar(statement)
    return row


async def end_sessions(
    session: AsyncSession, user_id: uuid.UUID, only: uuid.UUID | None = None
) -> None:
    """Revoke the user's live sessions (or just `only`): their tokens are refused from now on."""
    statement = (
        update(AuthSession)
        .where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=func.now())
        .execution_options(synchronize_session=False)
    )
    if only is not None:
        statement = statement.where(AuthSession.id == only)
    await session.execute(statement)
