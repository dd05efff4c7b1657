"""Entry queries. Columns, not ORM objects, are selected: the list is the hot path (see bench)."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from sqlalchemy import Select, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.entries.schemas import EntryPublic, EntrySort
from app.models import EmotionEntry, Visualization

_ENTRY_COLUMNS = (
    EmotionEntry.id,
    EmotionEntry.situation,
    EmotionEntry.emotions,
    EmotionEntry.intensity,
    EmotionEntry.notes,
    EmotionEntry.source,
    EmotionEntry.created_at,
    EmotionEntry.updated_at,
)
_SORT_COLUMNS = {
    "created_at": EmotionEntry.created_at,
    "updated_at": EmotionEntry.updated_at,
    "intensity": EmotionEntry.intensity,
}


def _visualization_id_subquery() -> Any:
    # entry_id is unique on visualizations: at most one row, found through its index.
    return (
        select(Visualization.id)
        .where(Visualization.entry_id == EmotionEntry.id)
        .correlate(EmotionEntry)
        .scalar_subquery()
        .label("visualization_id")
    )


def _entries_with_visualization() -> Select[*tuple[Any, ...]]:
    return select(*_ENTRY_COLUMNS, Visualization.id.label("visualization_id")).outerjoin(
        Visualization, Visualization.entry_id == EmotionEntry.id
    )


class _EntryColumns(Protocol):
    """What to_public reads: a selected row or a loaded EmotionEntry both have it."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def situation(self) -> str: ...
    @property
    def emotions(self) -> list[str]: ...
    @property
    def intensity(self) -> Decimal: ...
    @property
    def notes(self) -> str | None: ...
    @property
    def source(self) -> str: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def updated_at(self) -> datetime: ...


def to_public(entry: _EntryColumns, visualization_id: uuid.UUID | None) -> EntryPublic:
    """The API shape of a row (or a loaded entry); `intensity` becomes a float, never a string."""
    intensity: Decimal = entry.intensity
    return EntryPublic(
        id=entry.id,
        situation=entry.situation,
        emotions=entry.emotions,
        intensity=round(float(intensity), 2),
        notes=entry.notes,
        source=entry.source,
        created_at=entry.created_at,
        updated_at=entry.updated_at,
        has_visualization=visualization_id is not None,
        visualization_id=visualization_id,
    )


async def insert_entry(
    session: AsyncSession,
    *,
    user_id: uuid.UUID,
    situation: str,
    emotions: list[str],
    intensity: Decimal,
    notes: str | None,
    source: str = "manual",
    intake_session_id: uuid.UUID | None = None,
) -> EntryPublic:
    statement = (
        insert(EmotionEntry)
        .values(
            user_id=user_id,
            situation=situation,
            emotions=emotions,
            intensity=intensity,
            notes=notes,
            source=source,
            intake_session_id=intake_session_id,
        )
        .returning(*_ENTRY_COLUMNS)
    )
    return to_public((await session.execute(statement)).one(), None)


async def list_entries(
    session: AsyncSession, user_id: uuid.UUID, *, limit: int, offset: int, sort: EntrySort
) -> list[EntryPublic]:
    column = _SORT_COLUMNS[sort.column_name]
    # id breaks ties so pages never repeat or skip rows with equal sort keys.
    if sort.descending:
        order = (column.desc(), EmotionEntry.id.desc())
    else:
        order = (column.asc(), EmotionEntry.id.asc())
    statement = (
        _entries_with_visualization()
        .where(EmotionEntry.user_id == user_id)
        .order_by(*order)
        .limit(limit)
        .offset(offset)
    )
    return [to_public(row, row.visualization_id) for row in await session.execute(statement)]


async def count_entries(session: AsyncSession, user_id: uuid.UUID) -> int:
    statement = (
        select(func.count()).select_from(EmotionEntry).where(EmotionEntry.user_id == user_id)
    )
    return int(await session.scalar(statement) or 0)


async def visualization_id_of(session: AsyncSession, entry_id: uuid.UUID) -> uuid.UUID | None:
    statement = select(Visualization.id).where(Visualization.entry_id == entry_id)
    return await session.scalar(statement)


async def update_entry(
    session: AsyncSession, entry_id: uuid.UUID, changes: dict[str, Any]
) -> EntryPublic | None:
    statement = (
        update(EmotionEntry)
        .where(EmotionEntry.id == entry_id)
        .values(**changes)
        .returning(*_ENTRY_COLUMNS, _visualization_id_subquery())
        .execution_options(synchronize_session=False)
    )
    row = (await session.execute(statement)).one_or_none()
    return to_public(row, row.visualization_id) if row is not None else None


async def delete_entry(session: AsyncSession, entry_id: uuid.UUID) -> list[uuid.UUID]:
    """Delete the entry (its visualization cascades); the visualizations whose files must go."""
    visualization_ids = (
        await session.scalars(select(Visualization.id).where(Visualization.entry_id == entry_id))
    ).all()
    await session.execute(
        delete(EmotionEntry)
        .where(EmotionEntry.id == entry_id)
        .execution_options(synchronize_session=False)
    )
    return list(visualization_ids)
