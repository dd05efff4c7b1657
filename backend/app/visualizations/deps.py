"""Dependencies of the visualization routes: owned rows, the media store, URL signing."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Path
from starlette.requests import HTTPConnection

from app.auth.deps import CurrentUser
from app.core.config import Settings
from app.core.db import SessionDep
from app.models import Visualization
from app.visualizations.media import MediaStore
from app.visualizations.service import load_owned_visualization
from app.visualizations.signing import MediaSigner


def media_store(settings: Settings) -> MediaStore:
    return MediaStore(settings.media_path)


def media_signer(conn: HTTPConnection) -> MediaSigner:
    settings: Settings = conn.app.state.settings
    return MediaSigner(conn.app.state.tokens.secret, settings.signed_url_ttl_seconds)


def public_base_url(conn: HTTPConnection) -> str:
    """Where clients reach the API: PUBLIC_BASE_URL, else the address this request came to."""
    settings: Settings = conn.app.state.settings
    if settings.public_base_url:
        return settings.public_base_url.rstrip("/")
    base = str(conn.base_url).rstrip("/")
    # A WebSocket's base URL is ws(s)://; images are fetched over http(s).
    if base.startswith("ws"):
        base = "http" + base[2:]
    return base


def get_media_store(conn: HTTPConnection) -> MediaStore:
    return media_store(conn.app.state.settings)


async def get_owned_visualization(
    visualization_id: Annotated[uuid.UUID, Path(description="The visualization's id (a UUID).")],
    user: CurrentUser,
    session: SessionDep,
) -> Visualization:
    return await load_owned_visualization(session, user, visualization_id)


MediaStoreDep = Annotated[MediaStore, Depends(get_media_store)]
MediaSignerDep = Annotated[MediaSigner, Depends(media_signer)]
BaseUrlDep = Annotated[str, Depends(public_base_url)]
OwnedVisualization = Annotated[Visualization, Depends(get_owned_visualization)]
