"""Ownership as a dependency: load the entry, 404 when unknown, 403 when someone else's."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Path
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.deps import CurrentUser
from app.core.db import SessionDep
from app.core.errors import Forbidden, NotFound
from app.models import EmotionEntry, User


async def load_owned_entry(
    session: AsyncSession, user: User, entry_id: uuid.UUID, *, for_update: bool = False
) -> EmotionEntry:
    """The caller's entry; reused by the entries routes and by visualizations."""
    query = select(EmotionEntry).where(EmotionEntry.id == entry_id)
    if for_update:
        query = query.with_for_update()
    entry = await session.scalar(query)
    if entry is None:
        raise NotFound("No entry with this id.")
    if entry.user_id != user.id:
        raise Forbidden("This entry belongs to another user.")
    return entry


async def get_owned_entry(
    entry_id: Annotated[uuid.UUID, Path(description="The entry's id (a UUID).")],
    user: CurrentUser,
    session: SessionDep,
) -> EmotionEntry:
    return await load_owned_entry(session, user, entry_id)


OwnedEntry = Annotated[EmotionEntry, Depends(get_owned_entry)]
