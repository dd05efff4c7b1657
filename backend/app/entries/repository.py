"""Entry queries. Columns, not ORM objects, are selected: the list is the hot path (see bench)."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol, TypedDict
from typing import cast as assume  # typing.cast, named apart from sqlalchemy.cast

import asyncpg
from sqlalchemy import (
    Float,
    Integer,
    Select,
    Table,
    bindparam,
    cast,
    delete,
    func,
    insert,
    select,
    type_coerce,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import NullType

from app.auth.sessions import session_is_live
from app.auth.tokens import TokenClaims
from app.entries.schemas import EntryPublic, EntrySort
from app.models import EmotionEntry, Visualization
from app.platform.db.rawsql import RawStatement

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
# The hot statements (list, insert) are written on the tables, not the mapped classes: SQLAlchemy
# then runs them as Core, without the ORM's compile state and row-loading layer per execution.
_entries: Table = EmotionEntry.__table__  # type: ignore[assignment]
_visualizations: Table = Visualization.__table__  # type: ignore[assignment]
# What the API shows of a row; numeric(3,2) leaves as float8: exact to two decimals, no Decimal.
_PUBLIC_COLUMNS = (
    _entries.c.id,
    _entries.c.situation,
    # asyncpg already decodes text[] to a list of str; ARRAY's result processor would copy it
    # item by item on every row.
    type_coerce(_entries.c.emotions, NullType()).label("emotions"),
    cast(_entries.c.intensity, Float).label("intensity"),
    _entries.c.notes,
    _entries.c.source,
    _entries.c.created_at,
    _entries.c.updated_at,
)
_SORT_COLUMNS = {
    "created_at": _entries.c.created_at,
    "updated_at": _entries.c.updated_at,
    "intensity": _entries.c.intensity,
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


def _page_statement(sort: EntrySort) -> Select[*tuple[Any, ...]]:
    """One page and the caller's total in one round trip, already in the API's shape.

    The total is an uncorrelated subquery, computed once from the user_id index (not a window
    over every row). Built once per sort order: only the bound values change per request.
    """
    owned = _entries.c.user_id == bindparam("user_id")
    total = select(func.count()).select_from(_entries).where(owned).scalar_subquery()
    column = _SORT_COLUMNS[sort.column_name]
    # id breaks ties so pages never repeat or skip rows with equal sort keys.
    if sort.descending:
        order = (column.desc(), _entries.c.id.desc())
    else:
        order = (column.asc(), _entries.c.id.asc())
    return (
        select(
            *_PUBLIC_COLUMNS,
            # EntryPublic's order: a row becomes the API's JSON object as it is.
            _visualizations.c.id.is_not(None).label("has_visualization"),
            _visualizations.c.id.label("visualization_id"),
            total.label("total"),
        )
        .outerjoin(_visualizations, _visualizations.c.entry_id == _entries.c.id)
        # The caller's session and account are checked here, not by a probe first (Claims): a
        # revoked session or a disabled or deleted account gets no rows, and list_page asks why.
        .where(owned, session_is_live(bindparam("user_id"), bindparam("session_id")))
        .order_by(*order)
        .limit(bindparam("limit", type_=Integer))
        .offset(bindparam("offset", type_=Integer))
    )


_PAGE_STATEMENTS = {sort: _page_statement(sort) for sort in EntrySort}
# The caller's total, as a row only when their session is live (no row: refused).
_RAW_TOTAL_IF_ACTIVE = RawStatement.compile(
    select(
        select(func.count())
        .select_from(_entries)
        .where(_entries.c.user_id == bindparam("user_id"))
        .scalar_subquery()
    ).where(session_is_live(bindparam("user_id"), bindparam("session_id")))
)


class EntryJson(TypedDict):
    """An entry as the hot routes answer it: EntryPublic's fields in its order, with the values
    asyncpg decoded (envelope_response serialises them; tests hold the JSON equal to
    EntryPublic's). Built from a row whose columns are these (test_json_shape)."""

    id: uuid.UUID
    situation: str
    emotions: list[str]
    intensity: float
    notes: str | None
    source: str
    created_at: datetime
    updated_at: datetime
    has_visualization: bool
    visualization_id: uuid.UUID | None


class EntriesPageJson(TypedDict):
    """EntriesPublic as plain data, for envelope_response."""

    entries: list[EntryJson]
    total: int
    limit: int
    offset: int


class _EntryColumns(Protocol):
    """What to_public reads: a selected row or a loaded EmotionEntry both have it."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def situation(self) -> str: ...
    @property
    def emotions(self) -> list[str]: ...
    @property
    def intensity(self) -> Decimal | float: ...
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
    intensity = entry.intensity
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


class NewEntry(TypedDict):
    """The columns an INSERT sets (the rest take their server defaults)."""

    user_id: uuid.UUID
    situation: str
    emotions: list[str]
    intensity: Decimal
    notes: str | None
    source: str
    intake_session_id: uuid.UUID | None


# The values come as parameters (their keys name the columns): the statement is built once.
_INSERT_ENTRY = insert(_entries).returning(*_PUBLIC_COLUMNS)
# The same statements for the asyncpg lane of the two hottest requests (docs/BENCHMARKS.md,
# "HTTP hot path"). The insert there also checks the caller's session (Claims): INSERT ...
# SELECT the values WHERE the session is live, so a revoked session or a disabled or deleted
# account inserts nothing.
_NEW_ENTRY_COLUMNS = tuple(NewEntry.__annotations__)
# Its name as the naming convention made it (and the migration created it).
_USER_FOREIGN_KEY = str(
    next(c.name for c in _entries.foreign_key_constraints if c.referred_table.name == "users")
)
_RAW_INSERT_ENTRY = RawStatement.compile(
    insert(_entries)
    .from_select(
        _NEW_ENTRY_COLUMNS,
        select(
            *(bindparam(name, type_=_entries.c[name].type) for name in _NEW_ENTRY_COLUMNS)
        ).where(
            session_is_live(
                bindparam("user_id", type_=_entries.c.user_id.type),
                bindparam("session_id", type_=_entries.c.user_id.type),
            )
        ),
    )
    .returning(*_PUBLIC_COLUMNS)
)
_RAW_PAGES = {sort: RawStatement.compile(statement) for sort, statement in _PAGE_STATEMENTS.items()}


async def insert_entry(session: AsyncSession, entry: NewEntry) -> EntryPublic:
    """Insert inside the session's transaction (the intake flow writes more in the same one)."""
    return to_public((await session.execute(_INSERT_ENTRY, entry)).one(), None)


async def insert_entry_alone(
    driver: asyncpg.Connection, entry: NewEntry, session_id: uuid.UUID
) -> EntryJson | None:
    """The same INSERT on the asyncpg lane (POST /entries): one statement, atomic on its own.

    None, and nothing inserted, when the caller's session `session_id` has ended or the account
    `entry["user_id"]` is disabled or gone.
    """
    values = {**entry, "session_id": session_id}
    try:
        row = await driver.fetchrow(_RAW_INSERT_ENTRY.sql, *_RAW_INSERT_ENTRY.args(values))
    except asyncpg.ForeignKeyViolationError as exc:
        # The account was deleted between the statement's EXISTS and its foreign-key check:
        # refused like any other gone account. Any other key's violation is not that.
        if exc.constraint_name != _USER_FOREIGN_KEY:
            raise
        return None
    if row is None:
        return None
    return assume(EntryJson, dict(row, has_visualization=False, visualization_id=None))


async def list_page(
    driver: asyncpg.Connection,
    claims: TokenClaims,
    *,
    limit: int,
    offset: int,
    sort: EntrySort,
) -> tuple[list[EntryJson], int] | None:
    """A page of the user's entries and how many they have in all (on the asyncpg lane).

    None when the session has ended or the account is disabled or gone.
    """
    statement = _RAW_PAGES[sort]
    parameters = {
        "user_id": claims.user_id,
        "session_id": claims.session_id,
        "limit": limit,
        "offset": offset,
    }
    rows = await driver.fetch(statement.sql, *statement.args(parameters))
    if not rows:
        # No rows: an empty journal, a page past the end, or a session that may not list. One
        # more statement tells them apart and gives the total (no row at all: not live).
        active = await driver.fetchrow(
            _RAW_TOTAL_IF_ACTIVE.sql, *_RAW_TOTAL_IF_ACTIVE.args(parameters)
        )
        return None if active is None else ([], int(active[0]))
    total = int(rows[0]["total"])
    entries = [dict(row) for row in rows]
    for entry in entries:
        del entry["total"]
    return assume(list[EntryJson], entries), total


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
