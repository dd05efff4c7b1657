"""Users inserted straight into the database, each with a live session, and their tokens."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.tokens import token_service
from app.models import AuthSession, User
from app.platform.config import Settings


class UserFactory:
    """Inserts users directly (no password flow), each with a live session, and issues tokens."""

    def __init__(self, session: AsyncSession, settings: Settings) -> None:
        self.session = session
        self.tokens = token_service(settings)
        self._sessions: dict[uuid.UUID, AuthSession] = {}

    async def create(self, email: str | None = None, name: str = "Test User") -> User:
        user = User(
            email=email or f"user-{uuid.uuid4().hex[:10]}@example.com",
            # Not a valid hash on purpose: these users log in by token only.
            hashed_password="!unusable",
            name=name,
        )
        self.session.add(user)
        await self.session.flush()
        now = datetime.now(UTC)
        login = AuthSession(user_id=user.id, created_at=now, expires_at=now + timedelta(days=30))
        self.session.add(login)
        await self.session.flush()
        self._sessions[user.id] = login
        return user

    def session_of(self, user: User) -> AuthSession:
        return self._sessions[user.id]

    def token(self, user: User) -> str:
        """A token of the user's session (a new one each call, as refreshing gives)."""
        login = self._sessions[user.id]
        return self.tokens.issue(
            user.id, login.id, logged_in_at=login.created_at, session_ends_at=login.expires_at
        ).token

    def headers(self, user: User) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(user)}"}
