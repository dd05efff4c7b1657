"""Visualization routes: queue, poll, list and delete visualizations; serve the local store's
images (the S3 store serves its own, behind presigned links)."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Query, status
from fastapi.responses import FileResponse
from starlette.requests import Request
from starlette.responses import Response

from app.auth.deps import CurrentUser
from app.media.deps import MediaDeletionsDep, MediaStoreDep
from app.media.keys import media_type_for
from app.media.local import LocalMediaStore
from app.models import ACTIVE_JOB_STATUSES
from app.platform.config import Settings
from app.platform.db.database import SessionDep
from app.platform.http.envelope import Envelope, ok
from app.platform.http.errors import Forbidden, NotFound
from app.quota.deps import AIQuotaDep
from app.visualizations import service
from app.visualizations.deps import BaseUrlDep, OwnedVisualization
from app.visualizations.schemas import (
    VisualizationCreate,
    VisualizationList,
    VisualizationOut,
    VisualizationQueued,
)

router = APIRouter(prefix="/visualizations", tags=["visualizations"])
media_router = APIRouter(prefix="/media", tags=["media"])


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


@router.post("", status_code=status.HTTP_202_ACCEPTED)
async def create_visualization(
    body: VisualizationCreate,
    user: CurrentUser,
    session: SessionDep,
    quota: AIQuotaDep,
    request: Request,
) -> Envelope[VisualizationQueued]:
    """Queue the picture of an entry; poll `polling_url` or open the WebSocket for progress.

    429 when the person's pictures of the day (AI_IMAGES_PER_DAY) are used up, or when
    VISUALIZATION_CONCURRENCY_LIMIT of theirs are already pending or processing.
    """
    settings = _settings(request)
    queued = await service.create_visualization(
        session,
        user,
        body.entry_id,
        body.style,
        quota=quota,
        concurrency_limit=settings.visualization_concurrency_limit,
        max_attempts=settings.job_max_attempts,
        default_estimate=settings.visualization_default_estimate_seconds,
    )
    visualization_id = queued.visualization.id
    return ok(
        VisualizationQueued(
            visualization_id=visualization_id,
            status="pending",
            estimated_time_seconds=queued.estimated_time_seconds,
            polling_url=f"/api/v1/visualizations/{visualization_id}",
        )
    )


@router.get("")
async def list_visualizations(
    user: CurrentUser,
    session: SessionDep,
    media: MediaStoreDep,
    base_url: BaseUrlDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Envelope[VisualizationList]:
    rows, total = await service.list_visualizations(session, user, limit, offset)
    items = [await service.present_list_item(row, media, base_url) for row in rows]
    return ok(VisualizationList(visualizations=items, total=total, limit=limit, offset=offset))


@router.get("/{visualization_id}")
async def get_visualization(
    visualization: OwnedVisualization,
    session: SessionDep,
    media: MediaStoreDep,
    base_url: BaseUrlDep,
    request: Request,
) -> Envelope[VisualizationOut]:
    """Completed, in progress or failed: the shape follows `status`. Image URLs are fresh."""
    average = _settings(request).visualization_default_estimate_seconds
    if visualization.status in ACTIVE_JOB_STATUSES:
        average = await service.average_duration_seconds(session, visualization.user_id, average)
    return ok(await service.present(visualization, media, base_url, average))


@router.delete("/{visualization_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_visualization(
    visualization: OwnedVisualization, session: SessionDep, deletions: MediaDeletionsDep
) -> Response:
    await service.delete_visualization(session, visualization, deletions)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@media_router.get(
    "/{key:path}",
    response_class=FileResponse,
    responses={200: {"content": {"image/png": {}, "image/jpeg": {}, "image/webp": {}}}},
)
async def get_media(
    key: str,
    expires: Annotated[int, Query(ge=0, le=2**40)],
    signature: Annotated[str, Query(min_length=1, max_length=128)],
    media: MediaStoreDep,
) -> FileResponse:
    """An image of the local store by signed URL (no Authorization header: the signature is the
    permission). With object storage the store itself serves images; this route finds none."""
    if not isinstance(media, LocalMediaStore) or media.signer is None:
        raise NotFound("No such image.")
    problem = media.signer.verify(key, expires, signature)
    if problem is not None:
        raise Forbidden(problem)
    path = media.path_for(key)
    if path is None or not path.is_file():
        raise NotFound("No such image.")
    remaining = max(int(expires - time.time()), 0)
    return FileResponse(
        path,
        media_type=media_type_for(key),
        headers={
            # The URL changes with each signature, so its content never changes: cache it as long
            # as the signature lives, privately (it is one user's picture).
            "Cache-Control": f"private, max-age={remaining}, immutable",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'",
        },
    )
