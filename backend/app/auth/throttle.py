"""Slowing password guessing without locking the owner out.

Every attempt at a password (a login, a password change, an account deletion) takes a slot
before the password is hashed, so a parallel burst cannot get past a limit:

- per e-mail and client address (RATE_LIMIT_LOGIN_FAILURES_PER_HOUR): the guesser at one
  address is slowed, and nobody else is;
- per client address across e-mails (RATE_LIMIT_LOGIN_FAILURES_PER_ADDRESS_PER_HOUR): one
  address trying many accounts;
- per e-mail across the addresses the account does not know
  (RATE_LIMIT_LOGIN_FAILURES_PER_EMAIL_PER_HOUR): guessing spread over many addresses. An
  address that has logged into the account before (remembered for LOGIN_ADDRESS_MEMORY_DAYS)
  does not count here and is never blocked by it, so the owner's own phone keeps working while
  someone elsewhere guesses.

A correct password clears its e-mail and address's count, so the limits count failures since
the last success. Addresses are remembered only as a keyed hash (HMAC of the server's secret).
Like the request limits, a broken limiter store fails open (logged).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import uuid
from datetime import timedelta
from typing import Annotated

from fastapi import Depends
from sqlalchemy import ColumnElement, delete, exists, func
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute
from starlette.requests import HTTPConnection

from app.models import LoginAddress
from app.platform.ratelimit.limiter import RateLimiter

log = logging.getLogger(__name__)

LOGIN_ADDRESS_MEMORY_DAYS = 30
_PURPOSE = b"emotionviz/login-address/v1"


def client_address(conn: HTTPConnection) -> str:
    client = conn.scope.get("client")
    return str(client[0]) if client else "unknown"


class LoginGuard:
    """The password-attempt limits for one client address."""

    def __init__(self, limiter: RateLimiter | None, address: str, secret: str) -> None:
        self._limiter = limiter
        self.address = address
        key = hmac.new(secret.encode(), _PURPOSE, hashlib.sha256).digest()
        self.address_hash = hmac.new(key, address.encode(), hashlib.sha256).digest()

    def known_to(
        self, user_id: ColumnElement[uuid.UUID] | InstrumentedAttribute[uuid.UUID]
    ) -> ColumnElement[bool]:
        """SQL: this address has logged into the account `user_id` within the memory period."""
        since = func.now() - timedelta(days=LOGIN_ADDRESS_MEMORY_DAYS)
        return exists().where(
            LoginAddress.user_id == user_id,
            LoginAddress.address_hash == self.address_hash,
            LoginAddress.last_login_at > since,
        )

    async def admit(self, email: str, *, known_address: bool) -> None:
        """Counts this attempt; 429 (and no hashing) when a limit is spent."""
        if self._limiter is None:
            return
        try:
            refusal = await self._limiter.take_password_attempt(
                email, self.address, known_address=known_address
            )
        except Exception:
            log.warning("login limiter unavailable; attempt allowed", exc_info=True)
            return
        if refusal is not None:
            decision, what = refusal
            raise decision.refusal(what)

    async def succeeded(self, session: AsyncSession, user_id: uuid.UUID, email: str) -> None:
        """A correct password: this address is remembered, its e-mail's failures forgotten."""
        await session.execute(
            insert(LoginAddress)
            .values(user_id=user_id, address_hash=self.address_hash)
            .on_conflict_do_update(
                index_elements=[LoginAddress.user_id, LoginAddress.address_hash],
                set_={"last_login_at": func.now()},
            )
        )
        # Forgotten addresses go with the account's next login: the table stays one row per
        # address actually in use, with no sweeper.
        await session.execute(
            delete(LoginAddress).where(
                LoginAddress.user_id == user_id,
                LoginAddress.last_login_at
                <= func.now() - timedelta(days=LOGIN_ADDRESS_MEMORY_DAYS),
            )
        )
        if self._limiter is None:
            return
        try:
            await self._limiter.forget_password_failures(email, self.address)
        except Exception:
            log.warning("login limiter unavailable; failures not cleared", exc_info=True)


async def get_login_guard(conn: HTTPConnection) -> LoginGuard:
    state = conn.app.state
    return LoginGuard(getattr(state, "limiter", None), client_address(conn), state.tokens.secret)


LoginGuardDep = Annotated[LoginGuard, Depends(get_login_guard)]
