"""GET /metrics: Prometheus exposition (meant for an internal scraper, not the app)."""

from __future__ import annotations

from functools import partial

from fastapi import APIRouter, Request
from sqlalchemy import text
from starlette.responses import Response

from app.models import ACTIVE_JOB_STATUSES
from app.platform.db.database import Database
from app.platform.observability.metrics import render
from app.platform.reading_cache import app_reading

router = APIRouter(tags=["health"])

_QUEUE_DEPTH = text(
    "SELECT status, count(*) FROM visualizations WHERE status = ANY(:active) GROUP BY status"
).bindparams(active=list(ACTIVE_JOB_STATUSES))
_PENDING_MEDIA_DELETIONS = text(
    "SELECT CASE WHEN failed_attempts = 0 THEN 'queued' ELSE 'retrying' END, count(*) "
    "FROM pending_media_deletions GROUP BY 1"
)


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=Response,
    responses={200: {"content": {"text/plain": {}}, "description": "Prometheus text format"}},
)
async def metrics(request: Request) -> Response:
    """The gauges read from the database are read at most once per PROBE_CACHE_SECONDS per
    process."""
    state = request.app.state
    reading = app_reading(state, "database_gauges_reading", partial(_database_gauges, state.db))
    depth, deletions = await reading.get()
    return Response(render(depth, deletions), media_type="text/plain; version=0.0.4; charset=utf-8")


async def _database_gauges(db: Database) -> tuple[dict[str, int], dict[str, int]]:
    """The job queue's depth by status, and the picture removals pending by state."""
    depth = dict.fromkeys(ACTIVE_JOB_STATUSES, 0)
    deletions = {"queued": 0, "retrying": 0}
    try:
        async with db.engine.connect() as conn:
            depth.update({row[0]: int(row[1]) for row in await conn.execute(_QUEUE_DEPTH)})
            deletions.update(
                {row[0]: int(row[1]) for row in await conn.execute(_PENDING_MEDIA_DELETIONS)}
            )
    except Exception:  # metrics must answer even when the database does not
        return {}, {}
    return depth, deletions
