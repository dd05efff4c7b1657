"""Choosing the store from the settings, once per process."""

from __future__ import annotations

from app.media.local import LocalMediaStore
from app.media.signing import MediaSigner
from app.media.store import MediaStore
from app.platform.config import Settings


async def open_media_store(settings: Settings, signer: MediaSigner | None = None) -> MediaStore:
    """The S3 store when MEDIA_STORAGE_URL is set, else the directory MEDIA_DIR.

    `signer` signs the local store's links (the API's); processes that hand out no links (the
    standalone worker, the CLI) pass none. Close the store with `aclose()`.
    """
    if settings.media_storage_url:
        # Imported here: botocore takes most of a second to import, and the default needs none.
        from app.media.s3 import S3MediaStore

        return await S3MediaStore.open(settings)
    return LocalMediaStore(settings.media_path, signer)
