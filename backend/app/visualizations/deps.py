"""Dependencies of the visualization routes: owned rows, where clients reach the API."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Path
from starlette.requests import HTTPConnection

from app.auth.deps import CurrentUser
from app.models import Visualization
from app.platform.config import Settings
from app.platform.db.database import SessionDep
from app.visualizations.service import load_owned_visualization


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


async def get_owned_visualization(
    visualization_id: Annotated[uuid.UUID, Path(description="The visualization's id (a UUID).")],
    user: CurrentUser,
    session: SessionDep,
) -> Visualization:
    return await load_owned_visualization(session, user, visualization_id)


BaseUrlDep = Annotated[str, Depends(public_base_url)]
OwnedVisualization = Annotated[Visualization, Depends(get_owned_visualization)]
