"""GET /metrics: Prometheus exposition (meant for an internal scraper, not the app)."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text
from starlette.responses import Response

from app.core.db import DatabaseDep
from app.core.metrics import render

router = APIRouter(tags=["health"])

_QUEUE_DEPTH = text(
    "SELECT status, count(*) FROM visualizations "
    "WHERE status IN ('pending', 'processing') GROUP BY status"
)
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
async def metrics(db: DatabaseDep) -> Response:
    depth = {"pending": 0, "processing": 0}
    deletions = {"queued": 0, "retrying": 0}
    try:
        async with db.engine.connect() as conn:
            depth.update({row[0]: int(row[1]) for row in await conn.execute(_QUEUE_DEPTH)})
            deletions.update(
                {row[0]: int(row[1]) for row in await conn.execute(_PENDING_MEDIA_DELETIONS)}
            )
    except Exception:  # metrics must answer even when the database does not
        depth, deletions = {}, {}
    return Response(render(depth, deletions), media_type="text/plain; version=0.0.4; charset=utf-8")
