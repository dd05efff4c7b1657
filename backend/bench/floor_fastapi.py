"""The FastAPI floor: the floor app's work (bench/floor_app.py) written the FastAPI way.

Same statements on the same asyncpg pool, but the body is validated by pydantic, the caller comes
from a dependency, and responses are serialised through return types (pydantic-core straight to
bytes), as the project's routes are. No middleware, no ORM, no account probe, no logs.
`bench.run --fastapi-floor` measures it beside the floor: the gap between the two is what FastAPI
and pydantic themselves cost; the gap between this and the project is the project's own work.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated

import jwt
from fastapi import Depends, FastAPI, Header, HTTPException
from pydantic import BaseModel, TypeAdapter

from bench.floor_app import _COUNT, _INSERT, _LIST, SECRET, lifespan


class EntryIn(BaseModel):
    situation: str
    emotions: list[str]
    intensity: float
    notes: str | None = None


class EntryOut(BaseModel):
    id: uuid.UUID
    situation: str
    emotions: list[str]
    intensity: float
    notes: str | None
    created_at: datetime
    updated_at: datetime
    has_visualization: bool = False
    visualization_id: uuid.UUID | None = None


class Page(BaseModel):
    entries: list[EntryOut]
    total: int
    limit: int
    offset: int


class Meta(BaseModel):
    timestamp: datetime


class PageEnvelope(BaseModel):
    success: bool
    data: Page
    meta: Meta


class Created(BaseModel):
    entry: EntryOut


class CreatedEnvelope(BaseModel):
    success: bool
    data: Created
    meta: Meta


_ENTRIES = TypeAdapter(list[EntryOut])


async def caller(authorization: Annotated[str | None, Header()] = None) -> str:
    try:
        claims = jwt.decode((authorization or "")[7:], SECRET, algorithms=["HS256"])
    except jwt.PyJWTError:
        raise HTTPException(401) from None
    return str(claims["sub"])


Caller = Annotated[str, Depends(caller)]
app = FastAPI(lifespan=lifespan, telemetry={"tracing": False, "metrics": False, "logs": False})


def _meta() -> Meta:
    return Meta(timestamp=datetime.now(UTC))


@app.get("/api/v1/entries")
async def list_entries(user_id: Caller, limit: int = 50, offset: int = 0) -> PageEnvelope:
    async with app.state.pool.acquire() as conn:
        rows = await conn.fetch(_LIST, user_id, limit, offset)
        total = await conn.fetchval(_COUNT, user_id)
    entries = _ENTRIES.validate_python(
        [dict(row, has_visualization=row["visualization_id"] is not None) for row in rows]
    )
    page = Page(entries=entries, total=total, limit=limit, offset=offset)
    return PageEnvelope(success=True, data=page, meta=_meta())


@app.post("/api/v1/entries", status_code=201)
async def create_entry(body: EntryIn, user_id: Caller) -> CreatedEnvelope:
    row = await app.state.pool.fetchrow(
        _INSERT, user_id, body.situation, body.emotions, body.intensity, body.notes
    )
    entry = EntryOut.model_validate(dict(row))
    return CreatedEnvelope(success=True, data=Created(entry=entry), meta=_meta())
