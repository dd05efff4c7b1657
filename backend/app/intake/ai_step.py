"""How an intake step calls the AI without holding the database.

1. Check and reserve, in a short transaction: the session's state, the person's daily allowance
   (app.quota) and, for an existing session, an in-flight claim on its row. Commit, and hand the
   pooled connection back.
2. Call the AI with no connection and no row lock held, inside the request's AI budget
   (AI_TEXT_DEADLINE_SECONDS, app.ai.deadline).
3. Write the answer in a second short transaction, which first checks that the claim is still
   this request's: nothing can have changed the session meanwhile.

If the AI call fails, the claim and the reserved unit are given back in a transaction of their
own, so the session is exactly as it was and the same request can simply be sent again. A claim
left behind by a process that died runs out with the AI budget.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.ai.deadline import ai_deadline
from app.ai.protocol import AIProvider
from app.auth.ownership import load_owned
from app.models import IntakeSession, User
from app.platform.db.database import RequestDb
from app.platform.http.errors import Conflict, NotFound
from app.quota.service import AIQuota, give_back_now

log = logging.getLogger(__name__)

T = TypeVar("T")

# A claim outlives the AI budget by this much, so it cannot run out while the answer that
# finished just inside the budget is being written.
_CLAIM_MARGIN = timedelta(seconds=5)


@dataclass(frozen=True, slots=True)
class IntakeAI:
    """What an intake step needs to call the AI: the provider, the allowance, the budget."""

    provider: AIProvider
    quota: AIQuota
    deadline_seconds: float


@dataclass(frozen=True, slots=True)
class Reservation:
    """What step 1 took, to be written against (the claim) or given back (both)."""

    user_id: uuid.UUID
    day: date
    session_id: uuid.UUID | None = None
    claim: uuid.UUID | None = None


def _claimed(row: IntakeSession) -> bool:
    until = row.ai_claimed_until
    return until is not None and until > datetime.now(UTC)


async def load_owned_session(
    session: AsyncSession, user: User, session_id: uuid.UUID
) -> IntakeSession:
    """The caller's session, row-locked for the rest of this (short) transaction.

    409 while another request's AI call is in flight for it: each step costs one AI call.
    """
    row = await load_owned(
        session, IntakeSession, session_id, user, noun="intake session", for_update=True
    )
    if _claimed(row):
        raise Conflict(
            "Another request is updating this intake session right now; "
            "wait for its answer before sending the next one."
        )
    return row


async def reserve(
    db: RequestDb, ai: IntakeAI, user: User, row: IntakeSession | None = None
) -> Reservation:
    """Step 1's end: count the call, claim the row (if any), commit, release the connection."""
    session = await db.session()
    day = await ai.quota.reserve(session, user.id, "text")
    claim = None
    if row is not None:
        claim = uuid.uuid4()
        row.ai_claimed_by = claim
        row.ai_claimed_until = (
            datetime.now(UTC) + timedelta(seconds=ai.deadline_seconds) + _CLAIM_MARGIN
        )
        await session.flush()
    await db.release()
    return Reservation(user.id, day, row.id if row is not None else None, claim)


async def call_ai(
    db: RequestDb, ai: IntakeAI, reservation: Reservation, call: Callable[[], Awaitable[T]]
) -> T:
    """Step 2: the AI call, holding nothing; on any failure, step 1 is undone and it re-raises."""
    try:
        with ai_deadline(ai.deadline_seconds):
            return await call()
    except BaseException:
        await asyncio.shield(_undo(db, reservation))
        raise


async def reclaim(db: RequestDb, reservation: Reservation) -> tuple[AsyncSession, IntakeSession]:
    """Step 3's start: the row again, locked, and still claimed by this request."""
    assert reservation.session_id is not None
    session = await db.session()
    row = await session.scalar(
        select(IntakeSession).where(IntakeSession.id == reservation.session_id).with_for_update()
    )
    if row is None:
        raise NotFound("The intake session was deleted while the AI was answering.")
    if row.ai_claimed_by != reservation.claim:
        raise Conflict(
            "The AI took longer than its time limit and another request has taken this intake "
            "session over; send the step again."
        )
    row.ai_claimed_by = None
    row.ai_claimed_until = None
    return session, row


async def _undo(db: RequestDb, reservation: Reservation) -> None:
    if reservation.claim is not None:
        try:
            session = await db.session()
            await session.execute(
                update(IntakeSession)
                .where(
                    IntakeSession.id == reservation.session_id,
                    IntakeSession.ai_claimed_by == reservation.claim,
                )
                .values(ai_claimed_by=None, ai_claimed_until=None)
                .execution_options(synchronize_session=False)
            )
            # Committed now: the error answer that follows rolls back whatever the request holds.
            await db.release()
        except Exception:
            log.warning(
                "could not drop an intake step's claim; it runs out by itself", exc_info=True
            )
    await give_back_now(db, reservation.user_id, "text", reservation.day)
