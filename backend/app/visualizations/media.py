"""Image files under the media directory: atomic writes, safe lookups, deletion.

Files live at `visualizations/<visualization id>/<name>`: the same job always writes the same
names, so a re-run after a crash replaces files instead of leaving a second image behind.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import uuid
from pathlib import Path

MEDIA_TYPES = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp"}

# The only keys that can ever be served: no dots, no slashes beyond the fixed layout.
_KEY = re.compile(
    r"^visualizations/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/"
    r"(image|thumbnail)\.(png|jpg|webp)$"
)


def is_valid_key(key: str) -> bool:
    return _KEY.fullmatch(key) is not None


def media_type_for(key: str) -> str:
    return MEDIA_TYPES[key.rsplit(".", 1)[1]]


def visualization_prefix(visualization_id: uuid.UUID) -> str:
    return f"visualizations/{visualization_id}"


class MediaStore:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def path_for(self, key: str) -> Path | None:
        """The file a key names, or None when the key is malformed or points outside the root."""
        if not is_valid_key(key):
            return None
        path = (self.root / key).resolve()
        # Defence in depth: the pattern already forbids `..`, but symlinks could still escape.
        if not path.is_relative_to(self.root):
            return None
        return path

    def write_atomic(self, key: str, data: bytes) -> None:
        """Write to a temp file in the same directory, fsync, then rename over the target."""
        path = self.path_for(key)
        if path is None:
            raise ValueError(f"invalid media key: {key!r}")
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def prune(self, visualization_id: uuid.UUID, keep: set[str]) -> None:
        """Remove files of this visualization other than `keep` (e.g. an older format's image)."""
        folder = self.root / visualization_prefix(visualization_id)
        if not folder.is_dir():
            return
        for child in folder.iterdir():
            if f"{visualization_prefix(visualization_id)}/{child.name}" not in keep:
                child.unlink(missing_ok=True)

    def delete_visualization(self, visualization_id: uuid.UUID) -> None:
        shutil.rmtree(self.root / visualization_prefix(visualization_id), ignore_errors=True)
