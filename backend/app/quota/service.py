"""Each person's AI spend per UTC day: counted in PostgreSQL so every process sees one count.

A request that will call the AI reserves one unit of its kind (`text`: an intake step; `image`: a
picture) before the call, in the same short transaction as the rest of its checks, so a burst of
parallel requests can never overrun the allowance. A call that fails gives its unit back: failed
calls are not counted, and however many attempts one request takes, it counts once.
"""

from __future__ import annotations

import logging
import math
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import AIUsage
from app.platform.db.database import RequestDb
from app.platform.http.errors import RateLimitExceeded

log = logging.getLogger(__name__)

QuotaKind = Literal["text", "image"]
_WHAT = {"text": "AI text requests", "image": "AI pictures"}


def utc_today() -> date:
    return datetime.now(UTC).date()


def next_utc_midnight(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class KindUsage:
    used: int
    limit: int


@dataclass(frozen=True, slots=True)
class DailyUsage:
    day: date
    text: KindUsage
    image: KindUsage

    @property
    def resets_at(self) -> datetime:
        return next_utc_midnight(self.day)


@dataclass(frozen=True, slots=True)
class AIQuota:
    """The daily allowances (AI_TEXT_CALLS_PER_DAY, AI_IMAGES_PER_DAY)."""

    text_per_day: int
    images_per_day: int

    def limit(self, kind: QuotaKind) -> int:
        return self.text_per_day if kind == "text" else self.images_per_day

    async def reserve(self, session: AsyncSession, user_id: uuid.UUID, kind: QuotaKind) -> date:
        """Count one request of `kind` today; RateLimitExceeded once the day's allowance is used.

        Returns the day it was counted on, which is the day to give it back to.
        """
        day, limit = utc_today(), self.limit(kind)
        used = None
        if limit > 0:
            statement = (
                insert(AIUsage)
                .values(user_id=user_id, day=day, kind=kind, used=1)
                .on_conflict_do_update(
                    index_elements=[AIUsage.user_id, AIUsage.day, AIUsage.kind],
                    set_={"used": AIUsage.used + 1},
                    where=AIUsage.used < limit,
                )
                .returning(AIUsage.used)
            )
            used = await session.scalar(statement)
        if used is None:
            raise _exhausted(kind, limit, day)
        return day

    async def usage(self, session: AsyncSession, user_id: uuid.UUID) -> DailyUsage:
        day = utc_today()
        rows = await session.execute(
            select(AIUsage.kind, AIUsage.used).where(AIUsage.user_id == user_id, AIUsage.day == day)
        )
        used: dict[str, int] = dict(rows.all())
        return DailyUsage(
            day=day,
            text=KindUsage(used.get("text", 0), self.text_per_day),
            image=KindUsage(used.get("image", 0), self.images_per_day),
        )


async def give_back(session: AsyncSession, user_id: uuid.UUID, kind: QuotaKind, day: date) -> None:
    """Undo a reservation whose AI call failed (on the day it was counted)."""
    await session.execute(
        update(AIUsage)
        .where(
            AIUsage.user_id == user_id,
            AIUsage.day == day,
            AIUsage.kind == kind,
            AIUsage.used > 0,
        )
        .values(used=AIUsage.used - 1)
    )


async def give_back_now(db: RequestDb, user_id: uuid.UUID, kind: QuotaKind, day: date) -> None:
    """`give_back` in a transaction of its own, committed at once: the request that reserved
    the unit is about to answer with an error, which rolls back whatever it holds."""
    try:
        await give_back(await db.session(), user_id, kind, day)
        await db.release()
    except Exception:
        log.warning("could not give back an AI unit; the day's count stays one high", exc_info=True)


def _exhausted(kind: QuotaKind, limit: int, day: date) -> RateLimitExceeded:
    resets = next_utc_midnight(day)
    retry = max(1, math.ceil(resets.timestamp() - time.time()))
    return RateLimitExceeded(
        f"You have used today's {limit} {_WHAT[kind]}. More are possible after midnight UTC "
        f"(in {retry} seconds).",
        details={"retry_after_seconds": retry, "limit": limit, "quota": kind},
        headers={
            "Retry-After": str(retry),
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": str(int(resets.timestamp())),
        },
    )
