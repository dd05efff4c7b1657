"""`emotionviz media push`: copy the pictures of a local media directory into the object store.

For moving an installation from the local directory to a bucket (or loading one from a backup's
`media/`). Idempotent: an object already there with the same size is skipped, so a copy that
was interrupted can simply be run again. Local files are never changed.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from app.media.local import LocalMediaStore
from app.media.store import MediaStore, MediaStoreUnavailable

# Uploads in flight at once: enough to hide round trips, few enough for the client's pool.
_CONCURRENCY = 8


@dataclass(slots=True)
class PushReport:
    copied: int = 0
    already_there: int = 0
    failed: list[str] = field(default_factory=list)  # "key: why"


async def push_media(source: LocalMediaStore, target: MediaStore) -> PushReport:
    report = PushReport()
    slots = asyncio.Semaphore(_CONCURRENCY)

    async def copy(key: str, size: int) -> None:
        async with slots:
            try:
                if await target.size(key) == size:
                    report.already_there += 1
                    return
                data = await source.read(key)
                if data is None:  # removed while we ran
                    return
                await target.put(key, data)
                report.copied += 1
            except MediaStoreUnavailable as exc:
                report.failed.append(f"{key}: {exc}")

    await asyncio.gather(*(copy(key, path.stat().st_size) for key, path in source.files()))
    return report
