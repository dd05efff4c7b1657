"""WS /api/v1/ws/visualizations/{id}?token=: progress messages, then `complete` or `failed`.

Every message is derived from the row itself; notifications only say "look again", so a message
can never disagree with what GET /visualizations/{id} answers.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from starlette import status

from app.auth.live import authenticate_token
from app.media.deps import get_media_store
from app.models import Visualization
from app.platform.db.database import Database
from app.platform.http.errors import AppError
from app.visualizations.deps import public_base_url
from app.visualizations.progress_hub import ProgressHub
from app.visualizations.service import load_owned_visualization, status_view

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
    view = await status_view(row, get_media_store(websocket), public_base_url(websocket))
    if view.status == "completed":
        return {
            "type": "complete",
            "data": {
                "visualization_id": str(row.id),
                "image_url": view.image_url,
                "thumbnail_url": view.thumbnail_url,
            },
        }
    if view.status == "failed":
        return {
            "type": "failed",
            "data": {
                "visualization_id": str(row.id),
                "error_message": view.message,
                "retry_allowed": view.retry_allowed,
            },
        }
    return {
        "type": "progress",
        "data": {"progress": row.progress, "status": view.status, "message": view.message},
    }


async def _read(database: Database, visualization_id: uuid.UUID) -> Visualization | None:
    async with database.sessionmaker() as session:
        return await session.get(Visualization, visualization_id)


class OpenSockets:
    """How many progress sockets each person holds open in this process (WS_MAX_PER_USER)."""

    def __init__(self, per_user: int) -> None:
        self.per_user = per_user
        self._open: Counter[uuid.UUID] = Counter()

    def open_for(self, user_id: uuid.UUID) -> int:
        return self._open[user_id]

    @contextlib.contextmanager
    def admit(self, user_id: uuid.UUID) -> Iterator[bool]:
        """Yields whether this socket may stay open; counted while it is."""
        if self._open[user_id] >= self.per_user:
            yield False
            return
        self._open[user_id] += 1
        try:
            yield True
        finally:
            self._open[user_id] -= 1
            if not self._open[user_id]:
                del self._open[user_id]


def _per_process(websocket: WebSocket) -> tuple[ProgressHub, OpenSockets]:
    state = websocket.app.state
    if getattr(state, "progress_hub", None) is None:
        state.progress_hub = ProgressHub(state.settings)
        state.open_sockets = OpenSockets(state.settings.ws_max_per_user)
    return state.progress_hub, state.open_sockets


async def _refuse(websocket: WebSocket, reason: str) -> None:
    await websocket.close(code=status.WS_1008_POLICY_VIOLATION, reason=reason[:120])


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
        await _refuse(
            websocket,
            exc.message if isinstance(exc, AppError) else "No visualization with this id.",
        )
        return

    hub, open_sockets = _per_process(websocket)
    with open_sockets.admit(user.id) as admitted:
        if not admitted:
            await _refuse(
                websocket,
                f"At most {open_sockets.per_user} progress sockets may be open at once; "
                "close one first.",
            )
            return
        with contextlib.suppress(WebSocketDisconnect):
            async with hub.subscribe(target) as signals:
                await _follow(websocket, database, target, signals)
    with contextlib.suppress(RuntimeError):
        await websocket.close(code=status.WS_1000_NORMAL_CLOSURE)


async def _follow(
    websocket: WebSocket,
    database: Database,
    target: uuid.UUID,
    signals: asyncio.Queue[Any],
) -> None:
    """Send the row's state whenever it may have changed: on a notification or the recheck timer.

    What the client sends carries no meaning here and costs no query (only its disconnect ends
    the loop), so a chatty or hostile client cannot turn its frames into database load.
    """
    # Subscribed before this first read, so nothing between the read and the first wait is lost.
    last: dict[str, Any] | None = None
    loop = asyncio.get_running_loop()
    receiver = asyncio.ensure_future(websocket.receive())
    waiter: asyncio.Future[Any] | None = None
    try:
        while True:
            message = await _message(await _read(database, target), websocket)
            if message != last:
                await websocket.send_json(message)
                last = message
            if message["type"] != "progress":
                return
            waiter = asyncio.ensure_future(signals.get())
            recheck_at = loop.time() + RECHECK_SECONDS
            while not waiter.done() and loop.time() < recheck_at:
                await asyncio.wait(
                    {waiter, receiver},
                    timeout=recheck_at - loop.time(),
                    return_when=asyncio.FIRST_COMPLETED,
                )
                if receiver.done():
                    if receiver.result()["type"] == "websocket.disconnect":
                        return
                    receiver = asyncio.ensure_future(websocket.receive())
            waiter.cancel()
    finally:
        receiver.cancel()
        if waiter is not None:
            waiter.cancel()
