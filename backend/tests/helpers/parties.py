"""The two sides of an access-control test (owner and intruder), and rows one of them owns."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from app.models import EmotionEntry, User, Visualization
from tests.helpers.users import UserFactory


@dataclass(frozen=True)
class Party:
    user: User
    headers: dict[str, str]
    token: str


async def make_party(users: UserFactory) -> Party:
    user = await users.create()
    token = users.token(user)
    return Party(user=user, headers={"Authorization": f"Bearer {token}"}, token=token)


async def insert_entry(session: AsyncSession, user: User, situation: str = "Owned") -> EmotionEntry:
    entry = EmotionEntry(
        user_id=user.id, situation=situation, emotions=["joy"], intensity=Decimal("0.40")
    )
    session.add(entry)
    await session.flush()
    return entry


async def insert_visualization(
    session: AsyncSession, entry: EmotionEntry, status: str = "pending"
) -> Visualization:
    visualization = Visualization(entry_id=entry.id, user_id=entry.user_id, status=status)
    session.add(visualization)
    await session.flush()
    return visualization
