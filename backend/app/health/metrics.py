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


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=Response,
    responses={200: {"content": {"text/plain": {}}, "description": "Prometheus text format"}},
)
async def metrics(db: DatabaseDep) -> Response:
    depth = {"pending": 0, "processing": 0}
    try:
        async with db.engine.connect() as conn:
            depth.update({row[0]: int(row[1]) for row in await conn.execute(_QUEUE_DEPTH)})
    except Exception:  # metrics must answer even when the database does not
        depth = {}
    return Response(render(depth), media_type="text/plain; version=0.0.4; charset=utf-8")
