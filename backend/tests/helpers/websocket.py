"""A WebSocket handshake straight through ASGI (httpx's transport has no WebSocket)."""

from __future__ import annotations

import asyncio
from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI


@dataclass
class WebSocketOutcome:
    accepted: bool
    close_code: int | None
    messages: list[dict[str, Any]]


async def websocket_call(app: FastAPI, path: str, query: str = "") -> WebSocketOutcome:
    """Connect, read until the server closes or sends its first message, then disconnect."""
    incoming: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    await incoming.put({"type": "websocket.connect"})
    outcome = WebSocketOutcome(accepted=False, close_code=None, messages=[])

    async def receive() -> dict[str, Any]:
        return await incoming.get()

    async def send(message: MutableMapping[str, Any]) -> None:
        if message["type"] == "websocket.accept":
            outcome.accepted = True
        elif message["type"] == "websocket.close":
            outcome.close_code = message.get("code", 1000)
        elif message["type"] == "websocket.send":
            outcome.messages.append(dict(message))
            await incoming.put({"type": "websocket.disconnect", "code": 1000})

    scope = {
        "type": "websocket",
        "asgi": {"version": "3.0"},
        "scheme": "ws",
        "http_version": "1.1",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": query.encode(),
        "headers": [(b"host", b"test")],
        "client": ("127.0.0.1", 50000),
        "server": ("test", 80),
        "subprotocols": [],
        "state": {},
    }
    await asyncio.wait_for(app(scope, receive, send), timeout=10)
    return outcome
