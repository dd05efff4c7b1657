"""The interface both backends implement, and the one error they raise."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal, Protocol


class MediaStoreUnavailable(Exception):
    """The store could not do it now (unreachable, timed out, refused): another try may succeed.

    The message names the operation and the cause for the logs; it holds no credentials.
    """


class MediaStore(Protocol):
    """Pictures by key (app.media.keys), chosen once per process from the settings."""

    @property
    def kind(self) -> Literal["local", "s3"]: ...

    @property
    def location(self) -> str:
        """Where the pictures are, for messages: a directory, or s3://bucket/prefix."""
        ...

    async def put(self, key: str, data: bytes) -> None:
        """Store `data` under `key` atomically: readers see the old object or the new, whole."""

    async def read(self, key: str) -> bytes | None:
        """The object's bytes, or None when there is none."""

    async def size(self, key: str) -> int | None:
        """The object's size in bytes, or None when there is none."""

    async def delete(self, keys: Iterable[str]) -> None:
        """Remove these keys; absent ones are not an error. Returns once the store confirms."""

    async def url_for(self, key: str, base_url: str) -> str:
        """A link a client can GET without headers, expiring after SIGNED_URL_TTL_SECONDS.

        `base_url` is where clients reach the API (the local backend serves through it).
        """

    async def aclose(self) -> None: ...
