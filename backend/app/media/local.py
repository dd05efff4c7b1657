"""Pictures as files under MEDIA_DIR (DATA_DIR/media): the embedded default.

Served by the API itself at `/api/v1/media/{key}` behind links it signs (app.media.signing).
File work runs in a thread, off the event loop.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Literal

from app.media.keys import is_valid_key
from app.media.signing import MediaSigner
from app.media.store import MediaStoreUnavailable

_TEMP_PREFIX = ".tmp-"


class LocalMediaStore:
    kind: Literal["local"] = "local"

    def __init__(self, root: Path, signer: MediaSigner | None = None) -> None:
        self.root = root.resolve()
        # None in processes that never hand out links (the standalone worker, the CLI).
        self.signer = signer

    @property
    def location(self) -> str:
        return str(self.root)

    def path_for(self, key: str) -> Path | None:
        """The file a key names, or None when the key is malformed or points outside the root."""
        if not is_valid_key(key):
            return None
        path = (self.root / key).resolve()
        # Defence in depth: the pattern already forbids `..`, but symlinks could still escape.
        if not path.is_relative_to(self.root):
            return None
        return path

    def _existing_path(self, key: str) -> Path:
        path = self.path_for(key)
        if path is None:
            raise ValueError(f"invalid media key: {key!r}")
        return path

    async def put(self, key: str, data: bytes) -> None:
        path = self._existing_path(key)
        try:
            await asyncio.to_thread(_write_atomic, path, data)
        except OSError as exc:
            raise MediaStoreUnavailable(f"writing {key} under {self.root} failed: {exc}") from exc

    async def read(self, key: str) -> bytes | None:
        path = self._existing_path(key)
        try:
            return await asyncio.to_thread(path.read_bytes)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise MediaStoreUnavailable(f"reading {key} failed: {exc}") from exc

    async def size(self, key: str) -> int | None:
        path = self._existing_path(key)
        try:
            return (await asyncio.to_thread(path.stat)).st_size
        except FileNotFoundError:
            return None

    async def delete(self, keys: Iterable[str]) -> None:
        paths = [self._existing_path(key) for key in keys]
        try:
            await asyncio.to_thread(_delete_files, paths)
        except OSError as exc:
            raise MediaStoreUnavailable(f"deleting files under {self.root} failed: {exc}") from exc

    async def url_for(self, key: str, base_url: str) -> str:
        if self.signer is None:
            raise RuntimeError("this process was not given a signer: it hands out no links")
        return self.signer.sign(key, base_url)

    async def aclose(self) -> None:
        return None

    def files(self) -> Iterator[tuple[str, Path]]:
        """Every stored picture as (key, path); other files under the root are skipped."""
        folder = self.root / "visualizations"
        if not folder.is_dir():
            return
        for path in sorted(folder.glob("*/*")):
            key = path.relative_to(self.root).as_posix()
            if path.is_file() and is_valid_key(key):
                yield key, path


def _write_atomic(path: Path, data: bytes) -> None:
    """Write to a temp file in the same directory, fsync, then rename over the target."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=_TEMP_PREFIX)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _delete_files(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)
    for folder in {path.parent for path in paths}:
        if not folder.is_dir():
            continue
        # A write killed before its rename leaves its temp file behind; whoever deletes in the
        # folder next (a finished job pruning the other formats, or the deletion) clears it.
        for leftover in folder.glob(f"{_TEMP_PREFIX}*"):
            leftover.unlink(missing_ok=True)
        if not any(folder.iterdir()):
            folder.rmdir()
