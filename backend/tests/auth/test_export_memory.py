"""A large journal's export streams: the worker's memory does not grow with the journal.

10,000 entries and 60 visualizations with 256 KiB pictures (an 18 MB archive) go out through the
real route while tracemalloc watches. The app is driven over raw ASGI, whose `send` writes each
chunk to a file as it comes: httpx's in-process transport would gather the whole body first and
hide what is under test.
"""

from __future__ import annotations

import asyncio
import json
import os
import tracemalloc
import uuid
import zipfile
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from asgi_lifespan import LifespanManager
from sqlalchemy import insert

from app.main import create_app
from app.media.local import LocalMediaStore
from app.models import EmotionEntry, Visualization
from app.platform.config import Settings
from app.platform.db.database import Database
from bench.asgi_state import per_request_state
from tests.helpers.settings import make_settings
from tests.helpers.users import UserFactory

ENTRIES = 10_000
DRAWN = 60
PICTURE_BYTES = 256 * 1024
SITUATION = "A long, honest paragraph about a hard day at work and what it stirred up. " * 8


async def _seed(database: Database, user_id: uuid.UUID, media: LocalMediaStore) -> int:
    """The journal, written in bulk; the number of picture bytes stored."""
    start = datetime(2026, 1, 1, tzinfo=UTC)
    ids = [uuid.uuid4() for _ in range(ENTRIES)]
    async with database.sessionmaker() as session, session.begin():
        await session.execute(
            insert(EmotionEntry),
            [
                {
                    "id": entry_id,
                    "user_id": user_id,
                    "situation": f"{n}: {SITUATION}",
                    "emotions": ["joy", "anxiety"],
                    "intensity": Decimal("0.55"),
                    "created_at": start + timedelta(minutes=n),
                    "updated_at": start + timedelta(minutes=n),
                }
                for n, entry_id in enumerate(ids)
            ],
        )
        for entry_id in ids[:DRAWN]:
            visualization_id = uuid.uuid4()
            image = f"visualizations/{visualization_id}/image.png"
            thumbnail = f"visualizations/{visualization_id}/thumbnail.jpg"
            session.add(
                Visualization(
                    id=visualization_id,
                    entry_id=entry_id,
                    user_id=user_id,
                    status="completed",
                    summary="What the picture shows.",
                    image_url=image,
                    thumbnail_url=thumbnail,
                )
            )
            # Random bytes do not compress: the archive is as large as the pictures.
            await media.put(image, os.urandom(PICTURE_BYTES))
            await media.put(thumbnail, os.urandom(PICTURE_BYTES // 8))
    return DRAWN * (PICTURE_BYTES + PICTURE_BYTES // 8)


async def _download(app: Any, token: str, target: Path) -> tuple[int, int]:
    """GET the export over raw ASGI into `target`; (status, peak traced bytes)."""
    status = 0
    body_done = False
    requested = False
    finished = asyncio.Event()

    async def receive() -> dict[str, Any]:
        # As a server does: the request once, then nothing until the client goes away.
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await finished.wait()
        return {"type": "http.disconnect"}

    with target.open("wb") as out:

        async def send(message: dict[str, Any]) -> None:
            nonlocal status, body_done
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                out.write(message.get("body", b""))
                body_done = not message.get("more_body", False)
                if body_done:
                    finished.set()

        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": "/api/v1/auth/me/export",
            "raw_path": b"/api/v1/auth/me/export",
            "query_string": b"",
            "root_path": "",
            "headers": [(b"host", b"test"), (b"authorization", f"Bearer {token}".encode())],
            "client": ("127.0.0.1", 50_000),
            "server": ("test", 80),
        }
        tracemalloc.start()
        try:
            await app(scope, receive, send)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert body_done
    return status, peak


async def test_a_10000_entry_journal_with_pictures_streams_in_bounded_memory(
    pg_url: str,
    committed_db: Database,
    committed_users: UserFactory,
    tmp_path: Path,
) -> None:
    settings: Settings = make_settings(pg_url, media_dir=tmp_path / "media")
    user = await committed_users.create()
    await committed_users.session.commit()
    media = LocalMediaStore(settings.media_path)
    picture_bytes = await _seed(committed_db, user.id, media)

    app = create_app(settings, database=committed_db)
    async with LifespanManager(per_request_state(app)) as manager:
        status, peak = await _download(
            manager.app, committed_users.token(user), tmp_path / "export.zip"
        )

    assert status == 200
    size = (tmp_path / "export.zip").stat().st_size
    with zipfile.ZipFile(tmp_path / "export.zip") as archive:
        document = json.loads(archive.read("export.json"))
        assert len(document["entries"]) == ENTRIES
        assert len(document["visualizations"]) == DRAWN
        assert len(archive.namelist()) == 1 + 2 * DRAWN
        assert archive.testzip() is None
    json_bytes = len(json.dumps(document))
    assert size > picture_bytes > 15_000_000
    assert json_bytes > 8_000_000
    # What the process held at its peak: a batch of rows and a picture or two, not the journal.
    # Measured: 7.6 MB for this 18 MB archive, and the same 7.6 MB for twice the journal (36 MB).
    assert peak < 10_000_000, f"peak {peak / 1e6:.1f} MB for a {size / 1e6:.1f} MB export"
