"""The emotion journal: create, list, read, update and delete a user's entries."""

from __future__ import annotations

import logging
from pathlib import Path

import anyio.to_thread
from sqlalchemy.ext.asyncio import AsyncSession

from app.entries import repository
from app.entries.schemas import (
    EntriesPublic,
    EntryCreate,
    EntryPublic,
    EntrySort,
    EntryUpdate,
    intensity_to_decimal,
)
from app.models import EmotionEntry, User

log = logging.getLogger(__name__)


async def create_entry(session: AsyncSession, user: User, body: EntryCreate) -> EntryPublic:
    return await repository.insert_entry(
        session,
        user_id=user.id,
        situation=body.situation,
        emotions=[str(e) for e in body.emotions],
        intensity=intensity_to_decimal(body.intensity),
        notes=body.notes,
    )


async def list_entries(
    session: AsyncSession, user: User, *, limit: int, offset: int, sort: EntrySort
) -> EntriesPublic:
    entries = await repository.list_entries(session, user.id, limit=limit, offset=offset, sort=sort)
    total = await repository.count_entries(session, user.id)
    return EntriesPublic(entries=entries, total=total, limit=limit, offset=offset)


async def read_entry(session: AsyncSession, entry: EmotionEntry) -> EntryPublic:
    return repository.to_public(entry, await repository.visualization_id_of(session, entry.id))


async def update_entry(
    session: AsyncSession, entry: EmotionEntry, body: EntryUpdate
) -> EntryPublic:
    changes = body.changes()
    if not changes:
        return await read_entry(session, entry)
    updated = await repository.update_entry(session, entry.id, changes)
    # The row was loaded (and owned) a moment ago in this transaction; only a concurrent delete
    # could remove it, in which case the entry as it was is the honest answer.
    return updated if updated is not None else await read_entry(session, entry)


async def delete_entry(session: AsyncSession, entry: EmotionEntry, media_root: Path) -> None:
    keys = await repository.delete_entry(session, entry.id)
    if keys:
        await anyio.to_thread.run_sync(remove_media_files, media_root, keys)


def remove_media_files(media_root: Path, keys: list[str]) -> None:
    """Remove an entry's image files; keys that would leave the media directory are ignored."""
    root = media_root.resolve()
    for key in keys:
        path = (root / key).resolve()
        if not path.is_relative_to(root) or path == root:
            log.warning("refused to remove a media key outside the media directory")
            continue
        try:
            path.unlink(missing_ok=True)
        except OSError:
            # A file we cannot remove must not undo the user's delete; it is logged for cleanup.
            log.warning("could not remove a media file", extra={"media_key": key})
