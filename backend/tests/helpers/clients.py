"""An HTTP client talking to an app in process, with its lifespan run around it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

from bench.asgi_state import per_request_state


async def client_for(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """Use as `async for client in client_for(app):` (or behind a fixture's `yield`)."""
    async with LifespanManager(per_request_state(app)) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client
