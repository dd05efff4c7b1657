"""WS /api/v1/ws/visualizations/{id}?token=: progress messages, then `complete` or `failed`.

Every message is derived from the row itself; notifications only say "look again", so a message
can never disagree with what GET /visualizations/{id} answers.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from starlette import status

from app.auth.deps import authenticate_token
from app.core.db import Database
from app.core.errors import AppError
from app.media.deps import get_media_store
from app.models import Visualization
from app.visualizations.deps import public_base_url
from app.visualizations.progress_hub import ProgressHub
from app.visualizations.service import load_owned_visualization

log = logging.getLogger(__name__)

ws_router = APIRouter(tags=["visualizations"])

# Re-read the row this often even without notifications (belt and braces).
RECHECK_SECONDS = 15.0


async def _message(row: Visualization | None, websocket: WebSocket) -> dict[str, Any]:
    if row is None:
        return {
            "type": "failed",
            "data": {"error_message": "The visualization was deleted.", "retry_allowed": False},
        }
    if row.status == "completed" and row.image_url:
        media, base = get_media_store(websocket), public_base_url(websocket)
        return {
            "type": "complete",
            "data": {
                "visualization_id": str(row.id),
                "image_url": await media.url_for(row.image_url, base),
                "thumbnail_url": await media.url_for(row.thumbnail_url or row.image_url, base),
            },
        }
    if row.status == "failed":
        return {
            "type": "failed",
            "data": {
                "visualization_id": str(row.id),
                "error_message": row.error_message or "Generating the visualization failed.",
                "retry_allowed": True,
            },
        }
    return {
        "type": "progress",
        "data": {
            "progress": row.progress,
            "status": row.status,
            "message": row.progress_message or "Waiting for a worker",
        },
    }


async def _read(database: Database, visualization_id: uuid.UUID) -> Visualization | None:
    async with database.sessionmaker() as session:
        return await session.get(Visualization, visualization_id)


def progress_hub(websocket: WebSocket) -> ProgressHub:
    state = websocket.app.state
    hub: ProgressHub | None = getattr(state, "progress_hub", None)
    if hub is None:
        hub = state.progress_hub = ProgressHub(state.settings)
    return hub


@ws_router.websocket("/ws/visualizations/{visualization_id}")
async def visualization_progress(websocket: WebSocket, visualization_id: str) -> None:
    # Accept first so a refusal carries a close code the client can read (1008), not a bare 403.
    await websocket.accept()
    database: Database = websocket.app.state.db
    try:
        target = uuid.UUID(visualization_id)
        async with database.sessionmaker() as session:
            user = await authenticate_token(
                websocket.query_params.get("token", ""), websocket.app.state.tokens, session
            )
            await load_owned_visualization(session, user, target)
    except (ValueError, AppError) as exc:
        reason = exc.message if isinstance(exc, AppError) else "No visualization with this id."
        await websocket.close(code=status.WS_1008_POLICY_VIOLATION, reason=reason[:120])
        return

    with contextlib.suppress(WebSocketDisconnect):
        async with progress_hub(websocket).subscribe(target) as signals:
            await _follow(websocket, database, target, signals)
    with contextlib.suppress(RuntimeError):
        await websocket.close(code=status.WS_1000_NORMAL_CLOSURE)


async def _follow(
    websocket: WebSocket,
    database: Database,
    target: uuid.UUID,
    signals: asyncio.Queue[Any],
) -> None:
    # Subscribed before this first read, so nothing between the read and the first wait is lost.
    last: dict[str, Any] | None = None
    receiver = asyncio.ensure_future(websocket.receive())
    try:
        while True:
            message = await _message(await _read(database, target), websocket)
            if message != last:
                await websocket.send_json(message)
                last = message
            if message["type"] != "progress":
                return
            waiter = asyncio.ensure_future(signals.get())
            done, _ = await asyncio.wait(
                {waiter, receiver}, timeout=RECHECK_SECONDS, return_when=asyncio.FIRST_COMPLETED
            )
            waiter.cancel()
            if receiver in done:
                incoming = receiver.result()
                if incoming["type"] == "websocket.disconnect":
                    return
                # Client messages carry no meaning here; keep listening for a disconnect.
                receiver = asyncio.ensure_future(websocket.receive())
    finally:
        receiver.cancel()
