"""Dependencies of the drawing routes: an optional caller, the drawer, the service's tools."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from starlette.requests import HTTPConnection

from app.auth.deps import get_current_user
from app.drawings.drawers import Drawer, drawer_for
from app.drawings.service import DrawingRequest
from app.media.deps import get_media_store
from app.models import User
from app.platform.db.database import RequestDbDep
from app.quota.deps import quota_from_settings


def _has_authorization(conn: HTTPConnection) -> bool:
    return any(name == b"authorization" for name, _ in conn.scope["headers"])


async def get_optional_user(conn: HTTPConnection, request_db: RequestDbDep) -> User | None:
    """None without an Authorization header; with one, its account, or 401 (any scheme other
    than a valid bearer token is refused, never treated as anonymous)."""
    if not _has_authorization(conn):
        return None
    return await get_current_user(conn, request_db)


def get_drawer(conn: HTTPConnection) -> Drawer:
    """One drawer per application, for the provider it runs (tests may swap the provider)."""
    state = conn.app.state
    provider = state.ai_provider
    if getattr(state, "drawer_provider", None) is not provider:
        # One picture per core across every process sharing DATA_DIR (app.platform.cpu_work).
        state.drawer = drawer_for(provider, state.settings.data_dir / "locks")
        state.drawer_provider = provider
    drawer: Drawer = state.drawer
    return drawer


OptionalUser = Annotated[User | None, Depends(get_optional_user)]


async def get_drawing_request(
    conn: HTTPConnection, request_db: RequestDbDep, user: OptionalUser
) -> DrawingRequest:
    state = conn.app.state
    client = conn.scope.get("client")
    return DrawingRequest(
        drawer=get_drawer(conn),
        db=request_db,
        user=user,
        address=client[0] if client else "unknown",
        limiter=state.limiter,
        quota=quota_from_settings(state.settings),
        media=get_media_store(conn),
    )


DrawingRequestDep = Annotated[DrawingRequest, Depends(get_drawing_request)]
