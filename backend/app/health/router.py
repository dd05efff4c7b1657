"""Liveness and readiness probes: bare objects, not the envelope."""

from __future__ import annotations

import asyncio
import logging
from functools import partial
from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from sqlalchemy import text
from starlette.responses import JSONResponse

from app.ai.readiness import AIStatus, ai_problems, ai_readiness
from app.platform.config import APP_VERSION
from app.platform.db.database import Database
from app.platform.http.envelope import utcnow_iso
from app.platform.reading_cache import app_reading

router = APIRouter(prefix="/health", tags=["health"])
log = logging.getLogger(__name__)

_DB_PROBE_TIMEOUT_SECONDS = 2.0

DatabaseStatus = Literal["healthy", "unhealthy"]


class Health(BaseModel):
    status: Literal["healthy"]
    timestamp: str
    version: str


class ReadyChecks(BaseModel):
    database: DatabaseStatus
    gemini_api: AIStatus
    nanobanana_api: AIStatus


class Ready(BaseModel):
    status: Literal["ready", "not_ready"]
    checks: ReadyChecks
    # For operators: why an AI service is unhealthy (the model, the setting to change, Gemini's
    # own words). Clients of the API only ever get a generic message and a reference.
    problems: dict[str, str] = Field(default_factory=dict)
    timestamp: str


async def _ping(db: Database) -> DatabaseStatus:
    try:
        async with asyncio.timeout(_DB_PROBE_TIMEOUT_SECONDS), db.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except Exception:  # any failure to answer means not ready; the reason goes to the log
        log.warning("readiness: database unreachable", exc_info=True)
        return "unhealthy"
    return "healthy"


@router.get("", summary="Liveness")
async def health() -> Health:
    return Health(status="healthy", timestamp=utcnow_iso(), version=APP_VERSION)


@router.get(
    "/ready",
    response_model=Ready,
    summary="Readiness: database and AI services",
    responses={503: {"model": Ready, "description": "The database is unreachable"}},
)
async def ready(request: Request) -> Ready | JSONResponse:
    """The database part is read at most once per PROBE_CACHE_SECONDS per process."""
    state = request.app.state
    database = await app_reading(state, "database_reading", partial(_ping, state.db)).get()
    body = Ready(
        status="ready" if database == "healthy" else "not_ready",
        checks=ReadyChecks(database=database, **ai_readiness(request.app.state)),
        problems=ai_problems(request.app.state),
        timestamp=utcnow_iso(),
    )
    if database == "unhealthy":
        return JSONResponse(body.model_dump(), status_code=503)
    return body
