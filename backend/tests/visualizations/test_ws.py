"""WS /api/v1/ws/visualizations/{id}: progress, then complete or failed; tokens and ownership.

A real uvicorn server on a random port (httpx's ASGI transport has no WebSocket), and the
`websockets` client. Progress travels worker -> PostgreSQL NOTIFY -> the API's LISTEN connection,
the same path as when the worker is another process.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from app.ai.errors import AIImageError, public_ai_message
from app.models import User
from app.platform.config import BACKEND_DIR, Settings
from app.platform.db.database import Database
from tests.helpers.sql_recorder import recorded_statements
from tests.helpers.users import UserFactory
from tests.helpers.waiting import eventually
from tests.visualizations.fixtures import EntryMaker, WorkerMaker
from tests.visualizations.scripted_provider import ScriptedProvider


@pytest.fixture
async def live_server(viz_app: FastAPI) -> AsyncIterator[str]:
    config = uvicorn.Config(viz_app, host="127.0.0.1", port=0, log_config=None, lifespan="on")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"127.0.0.1:{port}"
    server.should_exit = True
    await task


async def _queue(live_server: str, users: UserFactory, user: User, make_entry: EntryMaker) -> str:
    entry = await make_entry(user)
    async with httpx.AsyncClient(base_url=f"http://{live_server}") as client:
        response = await client.post(
            "/api/v1/visualizations", json={"entry_id": str(entry.id)}, headers=users.headers(user)
        )
    assert response.status_code == 202, response.text
    return str(response.json()["data"]["visualization_id"])


def _url(live_server: str, visualization_id: str, token: str) -> str:
    return f"ws://{live_server}/api/v1/ws/visualizations/{visualization_id}?token={token}"


async def _messages_until_done(ws: ClientConnection) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []
    async with asyncio.timeout(15):
        while not messages or messages[-1]["type"] == "progress":
            messages.append(json.loads(await ws.recv()))
    return messages


async def test_progress_messages_then_complete_with_a_working_image_url(
    live_server: str,
    committed_users: UserFactory,
    make_entry: EntryMaker,
    start_worker: WorkerMaker,
) -> None:
    user = await committed_users.create()
    visualization_id = await _queue(live_server, committed_users, user, make_entry)
    token = committed_users.token(user)
    async with connect(_url(live_server, visualization_id, token)) as ws:
        first = json.loads(await ws.recv())
        assert first == {
            "type": "progress",
            "data": {"progress": 0, "status": "pending", "message": "Waiting for a worker"},
        }
        await start_worker(ScriptedProvider(render_delay=0.3))
        messages = [first, *await _messages_until_done(ws)]
        with pytest.raises(ConnectionClosed) as closed:
            await ws.recv()
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 1000

    progress = [m["data"]["progress"] for m in messages if m["type"] == "progress"]
    assert progress == sorted(progress)
    assert {m["data"]["status"] for m in messages[1:-1]} == {"processing"}
    assert any(m["data"]["message"] == "Generating the image" for m in messages[1:-1])
    done = messages[-1]
    assert done["type"] == "complete"
    assert done["data"]["visualization_id"] == visualization_id
    async with httpx.AsyncClient() as client:
        image = await client.get(done["data"]["image_url"])
    assert image.status_code == 200
    assert image.headers["content-type"] == "image/png"


async def test_failed_job_ends_with_a_failed_message(
    live_server: str,
    committed_users: UserFactory,
    make_entry: EntryMaker,
    start_worker: WorkerMaker,
) -> None:
    user = await committed_users.create()
    await start_worker(
        ScriptedProvider(
            script=[AIImageError("Blocked: IMAGE_SAFETY.", outcome="blocked")], render_delay=0.2
        )
    )
    visualization_id = await _queue(live_server, committed_users, user, make_entry)
    async with connect(_url(live_server, visualization_id, committed_users.token(user))) as ws:
        messages = await _messages_until_done(ws)
    assert messages[-1] == {
        "type": "failed",
        "data": {
            "visualization_id": visualization_id,
            "error_message": public_ai_message("blocked"),
            "retry_allowed": True,
        },
    }


@pytest.mark.parametrize("who", ["bad-token", "no-token", "other-user", "unknown-id"])
async def test_refused_connections_close_with_policy_violation(
    live_server: str,
    committed_users: UserFactory,
    make_entry: EntryMaker,
    who: str,
) -> None:
    owner, other = await committed_users.create(), await committed_users.create()
    visualization_id = await _queue(live_server, committed_users, owner, make_entry)
    url = {
        "bad-token": _url(live_server, visualization_id, "not-a-jwt"),
        "no-token": f"ws://{live_server}/api/v1/ws/visualizations/{visualization_id}",
        "other-user": _url(live_server, visualization_id, committed_users.token(other)),
        "unknown-id": _url(live_server, "not-a-uuid", committed_users.token(owner)),
    }[who]
    async with connect(url) as ws:
        with pytest.raises(ConnectionClosed) as closed:
            await ws.recv()
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 1008


async def test_progress_arrives_when_the_worker_is_another_process(
    live_server: str,
    viz_settings: Settings,
    committed_users: UserFactory,
    make_entry: EntryMaker,
) -> None:
    user = await committed_users.create()
    visualization_id = await _queue(live_server, committed_users, user, make_entry)
    assert viz_settings.database_url is not None
    env = {
        **os.environ,
        "DATABASE_URL": viz_settings.database_url.get_secret_value(),
        "DATA_DIR": str(viz_settings.data_dir),
        "MEDIA_DIR": str(viz_settings.media_path),
        "AI_PROVIDER": "local",
        "LOG_LEVEL": "WARNING",
    }
    async with connect(_url(live_server, visualization_id, committed_users.token(user))) as ws:
        assert json.loads(await ws.recv())["data"]["status"] == "pending"
        process = await asyncio.create_subprocess_exec(
            *[sys.executable, "-m", "app.cli", "worker"],
            cwd=BACKEND_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            messages = await _messages_until_done(ws)
        finally:
            process.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(process.wait(), 15) == 0  # a clean, graceful exit
    assert messages[-1]["type"] == "complete"
    assert any(m["type"] == "progress" for m in messages)


async def _watcher(
    live_server: str, users: UserFactory, make_entry: EntryMaker
) -> tuple[User, str]:
    """A new user with a queued visualization, and the URL of its progress socket."""
    user = await users.create()
    visualization_id = await _queue(live_server, users, user, make_entry)
    return user, _url(live_server, visualization_id, users.token(user))


async def test_frames_a_client_sends_cost_no_query(
    live_server: str,
    viz_app: FastAPI,
    committed_db: Database,
    committed_users: UserFactory,
    make_entry: EntryMaker,
) -> None:
    user, url = await _watcher(live_server, committed_users, make_entry)

    with recorded_statements(committed_db.engine) as statements:
        async with connect(url) as ws:
            assert json.loads(await ws.recv())["type"] == "progress"
            for n in range(50):
                await ws.send(json.dumps({"ping": n}))
        # The handler reads every frame before it sees the close, then lets the socket go.
        await eventually(
            lambda: viz_app.state.open_sockets.open_for(user.id) == 0, what="the socket released"
        )

    reads = [s for s in statements if "FROM visualizations" in s]
    # Ownership check and the first message; nothing for the 50 frames.
    assert len(reads) == 2, reads


async def test_a_person_may_hold_five_sockets_and_the_sixth_is_closed_with_1008(
    live_server: str,
    viz_app: FastAPI,
    committed_users: UserFactory,
    make_entry: EntryMaker,
) -> None:
    user, url = await _watcher(live_server, committed_users, make_entry)
    _, others = await _watcher(live_server, committed_users, make_entry)
    limit = viz_app.state.settings.ws_max_per_user
    async with contextlib.AsyncExitStack() as stack:
        for _ in range(limit):
            ws = await stack.enter_async_context(connect(url))
            assert json.loads(await ws.recv())["type"] == "progress"

        async with connect(url) as refused:
            with pytest.raises(ConnectionClosed) as closed:
                await refused.recv()
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == 1008
        assert "At most 5" in closed.value.rcvd.reason
        # Someone else is not affected.
        async with connect(others) as ws:
            assert json.loads(await ws.recv())["type"] == "progress"

    await eventually(lambda: viz_app.state.open_sockets.open_for(user.id) == 0, what="released")
    async with connect(url) as ws:
        assert json.loads(await ws.recv())["type"] == "progress"
