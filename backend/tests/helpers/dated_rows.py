"""Entries and visualizations inserted directly, with the timestamps a test needs."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from app.models import EmotionEntry, User, Visualization


def utc(
    year: int, month: int, day: int, hour: int = 12, minute: int = 0, second: int = 0
) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=dt.UTC)


class Rows:
    """Inserts entries and visualizations directly, with the timestamps a test needs."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def entry(
        self,
        user: User,
        created_at: dt.datetime,
        emotions: list[str],
        intensity: str,
        situation: str = "Something happened",
    ) -> EmotionEntry:
        entry = EmotionEntry(
            user_id=user.id,
            situation=situation,
            emotions=emotions,
            intensity=Decimal(intensity),
            created_at=created_at,
            updated_at=created_at,
        )
        self.session.add(entry)
        await self.session.flush()
        return entry

    async def visualization(
        self, entry: EmotionEntry, status: str, created_at: dt.datetime
    ) -> uuid.UUID:
        visualization = Visualization(
            entry_id=entry.id,
            user_id=entry.user_id,
            status=status,
            created_at=created_at,
            updated_at=created_at,
        )
        self.session.add(visualization)
        await self.session.flush()
        return visualization.id
