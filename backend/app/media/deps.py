"""The process's media store and deletions, for routes (set up by the app's lifespan)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from starlette.requests import HTTPConnection

from app.media.deletions import MediaDeletions
from app.media.store import MediaStore


def get_media_store(conn: HTTPConnection) -> MediaStore:
    store: MediaStore = conn.app.state.media
    return store


def get_media_deletions(conn: HTTPConnection) -> MediaDeletions:
    deletions: MediaDeletions = conn.app.state.media_deletions
    return deletions


MediaStoreDep = Annotated[MediaStore, Depends(get_media_store)]
MediaDeletionsDep = Annotated[MediaDeletions, Depends(get_media_deletions)]
