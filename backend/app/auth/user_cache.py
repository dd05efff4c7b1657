"""Signed-in users' profiles, cached per process for a moment (AUTH_USER_CACHE_SECONDS)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

from app.auth.live import AccountRefused, load_live_user, refuse_unless_live
from app.auth.tokens import TokenClaims
from app.models import User
from app.platform.db.database import RequestDb


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
