"""The floor: the least work Python can do for GET/POST /api/v1/entries on the same schema.

Starlette + asyncpg + PyJWT + orjson, no validation framework, no ORM, no middleware. The
benchmark runs it with the same number of uvicorn workers as the project, and the same
garbage-collector tuning, and reports the project's throughput as a fraction of this one's.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import asyncpg
import jwt
import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app.ops.gctuning import tune_for_serving

SECRET = os.environ["FLOOR_JWT_SECRET"]
DSN = os.environ["FLOOR_DATABASE_URL"]
POOL_SIZE = int(os.environ.get("DB_POOL_SIZE", "20"))

_LIST = """
SELECT e.id, e.situation, e.emotions, e.intensity::float8 AS intensity, e.notes,
       e.created_at, e.updated_at, v.id AS visualization_id
FROM emotion_entries e LEFT JOIN visualizations v ON v.entry_id = e.id
WHERE e.user_id = $1 ORDER BY e.created_at DESC LIMIT $2 OFFSET $3
"""
_COUNT = "SELECT count(*) FROM emotion_entries WHERE user_id = $1"
_INSERT = """
INSERT INTO emotion_entries (user_id, situation, emotions, intensity, notes)
VALUES ($1, $2, $3, $4, $5)
RETURNING id, situation, emotions, intensity::float8 AS intensity, notes, created_at, updated_at
"""


def _json(status: int, data: Any) -> Response:
    body = {"success": True, "data": data, "meta": {"timestamp": datetime.now(UTC).isoformat()}}
    return Response(orjson.dumps(body), status_code=status, media_type="application/json")


def _user_id(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    try:
        claims = jwt.decode(header[7:], SECRET, algorithms=["HS256"])
    except jwt.PyJWTError:
        return None
    return str(claims["sub"])


def _entry(row: asyncpg.Record) -> dict[str, Any]:
    entry = {k: row[k] for k in ("situation", "emotions", "intensity", "notes")}
    entry["id"] = str(row["id"])
    entry["created_at"] = row["created_at"].isoformat()
    entry["updated_at"] = row["updated_at"].isoformat()
    visualization = row.get("visualization_id")
    entry["has_visualization"] = visualization is not None
    entry["visualization_id"] = str(visualization) if visualization else None
    return entry


async def list_entries(request: Request) -> Response:
    user_id = _user_id(request)
    if user_id is None:
        return Response(status_code=401)
    pool: asyncpg.Pool = request.app.state.pool
    async with pool.acquire() as conn:
        rows = await conn.fetch(_LIST, user_id, 50, 0)
        total = await conn.fetchval(_COUNT, user_id)
    return _json(
        200, {"entries": [_entry(r) for r in rows], "total": total, "limit": 50, "offset": 0}
    )


async def create_entry(request: Request) -> Response:
    user_id = _user_id(request)
    if user_id is None:
        return Response(status_code=401)
    body = orjson.loads(await request.body())
    pool: asyncpg.Pool = request.app.state.pool
    row = await pool.fetchrow(
        _INSERT,
        user_id,
        body["situation"],
        body["emotions"],
        body["intensity"],
        body.get("notes"),
    )
    assert row is not None
    entry = _entry(row)
    return _json(201, {"entry": entry})


class _NoResetConnection(asyncpg.Connection):
    """The floor's handlers leave no session state behind, so skip asyncpg's reset on release.

    By default a pool release sends pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL:
    a round trip and PostgreSQL work on every request, which is not the least work possible.
    """

    def get_reset_query(self) -> str:
        return ""


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    # As many connections per worker as the project's pool (DB_POOL_SIZE, 20 by default).
    app.state.pool = await asyncpg.create_pool(
        DSN, min_size=4, max_size=POOL_SIZE, connection_class=_NoResetConnection
    )
    # The project's serving processes tune the garbage collector; the floor gets the same.
    tune_for_serving()
    yield
    await app.state.pool.close()


app = Starlette(
    routes=[
        Route("/api/v1/entries", list_entries, methods=["GET"]),
        Route("/api/v1/entries", create_entry, methods=["POST"]),
    ],
    lifespan=lifespan,
)
