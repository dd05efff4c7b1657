"""The emotion journal: create, list, read, update and delete a user's entries."""

from __future__ import annotations

import logging
import uuid

import asyncpg
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.live import AccountRefused
from app.auth.ownership import load_owned
from app.auth.tokens import TokenClaims
from app.entries import repository
from app.entries.schemas import (
    EntryCreate,
    EntryPublic,
    EntrySort,
    EntryUpdate,
    intensity_to_decimal,
)
from app.media.deletions import MediaDeletions
from app.models import EmotionEntry, User

log = logging.getLogger(__name__)


async def create_entry(
    driver: asyncpg.Connection, claims: TokenClaims, body: EntryCreate
) -> repository.EntryJson:
    """Record an entry for a token's user; AccountRefused (nothing stored) if the session has
    ended or the account may not.

    The session is checked by the INSERT itself (app.auth.deps.Claims).
    """
    entry = repository.NewEntry(
        user_id=claims.user_id,
        situation=body.situation,
        emotions=[str(e) for e in body.emotions],
        intensity=intensity_to_decimal(body.intensity),
        notes=body.notes,
        source="manual",
        intake_session_id=None,
    )
    created = await repository.insert_entry_alone(driver, entry, claims.session_id)
    if created is None:
        raise AccountRefused
    return created


async def list_entries(
    driver: asyncpg.Connection, claims: TokenClaims, *, limit: int, offset: int, sort: EntrySort
) -> repository.EntriesPageJson:
    """A page in EntriesPublic's shape, as plain data for envelope_response.

    AccountRefused if the token's session may not list: the page's statement checks it.
    """
    page = await repository.list_page(driver, claims, limit=limit, offset=offset, sort=sort)
    if page is None:
        raise AccountRefused
    entries, total = page
    return {"entries": entries, "total": total, "limit": limit, "offset": offset}


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


async def delete_entry(
    session: AsyncSession, entry: EmotionEntry, deletions: MediaDeletions
) -> None:
    """Delete the entry and, once that is committed, its visualization's pictures."""
    visualization_ids = await repository.delete_entry(session, entry.id)
    await deletions.remove_after_commit(session, visualization_ids)


async def load_owned_entry(
    session: AsyncSession, user: User, entry_id: uuid.UUID, *, for_update: bool = False
) -> EmotionEntry:
    """The caller's entry (app.auth.ownership); for the entries routes and for visualizations."""
    return await load_owned(
        session, EmotionEntry, entry_id, user, noun="entry", for_update=for_update
    )
