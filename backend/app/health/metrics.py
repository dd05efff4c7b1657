"""GET /metrics: Prometheus exposition (meant for an internal scraper, not the app)."""

from __future__ import annotations

from functools import partial

from fastapi import APIRouter, Request
from sqlalchemy import text
from starlette.responses import Response

from app.core.db import Database
from app.core.metrics import render
from app.core.reading_cache import app_reading

router = APIRouter(tags=["health"])

_QUEUE_DEPTH = text(
    "SELECT status, count(*) FROM visualizations "
    "WHERE status IN ('pending', 'processing') GROUP BY status"
)


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=Response,
    responses={200: {"content": {"text/plain": {}}, "description": "Prometheus text format"}},
)
async def metrics(request: Request) -> Response:
    """The queue depth is read at most once per PROBE_CACHE_SECONDS per process."""
    state = request.app.state
    depth = await app_reading(state, "queue_depth_reading", partial(_queue_depth, state.db)).get()
    return Response(render(depth), media_type="text/plain; version=0.0.4; charset=utf-8")


async def _queue_depth(db: Database) -> dict[str, int]:
    depth = {"pending": 0, "processing": 0}
    try:
        async with db.engine.connect() as conn:
            depth.update({row[0]: int(row[1]) for row in await conn.execute(_QUEUE_DEPTH)})
    except Exception:  # metrics must answer even when the database does not
        return {}
    return depth
