"""Everything stored about a person, as one ZIP streamed to them.

`export.json` holds the profile, sessions (never tokens), entries, intake conversations,
visualizations with their analysis, and the daily AI usage; `pictures/<visualization id>/` holds
each picture and its thumbnail themselves, not links that would expire. Nothing is gathered in
memory first: rows are read a batch at a time, each batch in a short transaction of its own
(no connection is held while the client downloads), pictures one at a time, and the archive
(the standard library's zipfile, which writes to an unseekable stream) goes out as it is made.
"""

from __future__ import annotations

import uuid
import zipfile
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import orjson
from sqlalchemy import select, tuple_

from app.media.store import MediaStore
from app.models import AIUsage, AuthSession, EmotionEntry, IntakeSession, User, Visualization
from app.platform.db.database import Database

FORMAT = "emotionviz-export"
VERSION = 1
_BATCH = 500


class _Pending:
    """A write-only file that keeps what zipfile writes until it is taken out."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        return None

    def take(self) -> bytes:
        data, self._chunks = b"".join(self._chunks), []
        return data


def _json(value: object) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_UTC_Z, default=_plain)


def _plain(value: object) -> object:
    # What orjson does not take as it is: numeric(3,2) comes back as Decimal, and ids that
    # PostgreSQL generated come back as asyncpg's own UUID type. Bytes are never exported.
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(type(value).__name__)


def _picture_name(visualization_id: uuid.UUID, key: str) -> str:
    return f"pictures/{visualization_id}/{key.rsplit('/', 1)[1]}"


def _pick(row: object, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(row, name) for name in names}


_ENTRY_FIELDS = (
    "id", "situation", "emotions", "intensity", "notes", "source", "intake_session_id",
    "created_at", "updated_at",
)  # fmt: skip
_INTAKE_FIELDS = (
    "id", "initial_situation", "conversation_history", "current_step", "is_complete",
    "ai_context", "final_summary", "created_at", "completed_at",
)  # fmt: skip
_VISUALIZATION_FIELDS = (
    "id", "entry_id", "status", "style", "provider", "summary", "insights", "visual_elements",
    "error_message", "created_at",
)  # fmt: skip


def _entry(row: EmotionEntry) -> dict[str, Any]:
    return _pick(row, _ENTRY_FIELDS)


def _intake(row: IntakeSession) -> dict[str, Any]:
    return _pick(row, _INTAKE_FIELDS)


def _visualization(row: Visualization) -> dict[str, Any]:
    return _pick(row, _VISUALIZATION_FIELDS) | {
        "analysis": row.gemini_analysis,
        "completed_at": row.processing_completed_at,
        "image": _picture_name(row.id, row.image_url) if row.image_url else None,
        "thumbnail": _picture_name(row.id, row.thumbnail_url) if row.thumbnail_url else None,
    }


def _session(row: AuthSession) -> dict[str, Any]:
    return {
        "id": row.id,
        "logged_in_at": row.created_at,
        "expires_at": row.expires_at,
        "ended_at": row.revoked_at,
    }


class Export:
    def __init__(self, database: Database, media: MediaStore, user_id: uuid.UUID) -> None:
        self._database = database
        self._media = media
        self._user_id = user_id

    async def _batches(self, model: type[Any]) -> AsyncIterator[Sequence[Any]]:
        """The person's rows of `model`, oldest first, a batch per short transaction."""
        created_at, id_ = model.created_at, model.id
        after: tuple[datetime, uuid.UUID] | None = None
        while True:
            statement = (
                select(model)
                .where(model.user_id == self._user_id)
                .order_by(created_at, id_)
                .limit(_BATCH)
            )
            if after is not None:
                statement = statement.where(tuple_(created_at, id_) > tuple_(*after))
            async with self._database.sessionmaker() as session:
                rows = (await session.scalars(statement)).all()
            if not rows:
                return
            yield rows
            after = (rows[-1].created_at, rows[-1].id)

    async def _array(
        self, name: str, model: type[Any], shape: Callable[[Any], dict[str, Any]]
    ) -> AsyncIterator[bytes]:
        yield b',"' + name.encode() + b'":['
        first = True
        async for rows in self._batches(model):
            body = b",".join(_json(shape(row)) for row in rows)
            yield body if first else b"," + body
            first = False
        yield b"]"

    async def _document(self) -> AsyncIterator[bytes]:
        async with self._database.sessionmaker() as session:
            user = await session.get(User, self._user_id)
            usage = (
                await session.scalars(
                    select(AIUsage).where(AIUsage.user_id == self._user_id).order_by(AIUsage.day)
                )
            ).all()
        if user is None:
            return
        head = {
            "format": FORMAT,
            "version": VERSION,
            "exported_at": datetime.now(UTC),
            "profile": {
                "id": user.id,
                "email": user.email,
                "name": user.name,
                "created_at": user.created_at,
                "last_login_at": user.last_login_at,
            },
            "ai_usage": [{"day": u.day, "kind": u.kind, "used": u.used} for u in usage],
        }
        yield _json(head)[:-1]  # the object stays open for the arrays below
        for name, model, shape in (
            ("sessions", AuthSession, _session),
            ("entries", EmotionEntry, _entry),
            ("intake_sessions", IntakeSession, _intake),
            ("visualizations", Visualization, _visualization),
        ):
            async for chunk in self._array(name, model, shape):
                yield chunk
        yield b"}"

    async def _pictures(self) -> AsyncIterator[tuple[str, bytes]]:
        async for rows in self._batches(Visualization):
            for row in rows:
                for key in (row.image_url, row.thumbnail_url):
                    if key is None:
                        continue
                    data = await self._media.read(key)
                    if data is not None:
                        yield _picture_name(row.id, key), data

    async def archive(self) -> AsyncIterator[bytes]:
        """The ZIP, chunk by chunk."""
        pending = _Pending()
        with zipfile.ZipFile(pending, "w") as archive:  # type: ignore[call-overload]
            document = zipfile.ZipInfo("export.json", _now_tuple())
            document.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(document, "w", force_zip64=True) as member:
                async for chunk in self._document():
                    member.write(chunk)
                    if out := pending.take():
                        yield out
            async for name, data in self._pictures():
                # Already compressed (PNG, JPEG): stored as they are.
                archive.writestr(zipfile.ZipInfo(name, _now_tuple()), data, zipfile.ZIP_STORED)
                yield pending.take()
        yield pending.take()


def _now_tuple() -> tuple[int, int, int, int, int, int]:
    now = datetime.now(UTC)
    return (now.year, now.month, now.day, now.hour, now.minute, now.second)
