"""Ownership as a dependency: load the entry, 404 when unknown, 403 when someone else's."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Path

from app.auth.deps import CurrentUser
from app.entries.service import load_owned_entry
from app.models import EmotionEntry
from app.platform.db.database import SessionDep


async def get_owned_entry(
    entry_id: Annotated[uuid.UUID, Path(description="The entry's id (a UUID).")],
    user: CurrentUser,
    session: SessionDep,
) -> EmotionEntry:
    return await load_owned_entry(session, user, entry_id)


OwnedEntry = Annotated[EmotionEntry, Depends(get_owned_entry)]
