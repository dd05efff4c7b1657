"""Ownership, one rule for every kind of resource: 404 when no row has the id, 403 when the row
is someone else's (the iOS app tells the two apart)."""

from __future__ import annotations

import uuid
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import EmotionEntry, IntakeSession, User, Visualization
from app.platform.http.errors import Forbidden, NotFound

Owned = TypeVar("Owned", EmotionEntry, IntakeSession, Visualization)


async def load_owned(
    session: AsyncSession,
    model: type[Owned],
    row_id: uuid.UUID,
    user: User,
    *,
    noun: str,
    for_update: bool = False,
) -> Owned:
    """The caller's row of `model` (row-locked with `for_update`); `noun` names it in errors."""
    query = select(model).where(model.id == row_id)
    if for_update:
        query = query.with_for_update()
    row = await session.scalar(query)
    if row is None:
        raise NotFound(f"No {noun} with this id.")
    if row.user_id != user.id:
        raise Forbidden(f"This {noun} belongs to another user.")
    return row
