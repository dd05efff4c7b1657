"""Entry routes. Ownership is the OwnedEntry dependency: 404 unknown, 403 foreign."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from app.auth.deps import Claims
from app.entries import service
from app.entries.deps import OwnedEntry
from app.entries.schemas import (
    EntriesPublic,
    EntryCreate,
    EntryCreated,
    EntryPublic,
    EntrySort,
    EntryUpdate,
)
from app.media.deps import MediaDeletionsDep
from app.platform.db.database import RequestDbDep, SessionDep
from app.platform.http.envelope import Envelope, envelope_response, ok

router = APIRouter(prefix="/entries", tags=["entries"])

MAX_PAGE_SIZE = 100
# Far beyond any journal, and keeps OFFSET inside PostgreSQL's bigint.
MAX_OFFSET = 1_000_000


# The two hot routes answer through envelope_response (orjson from the rows); response_model
# keeps their documented shape, and tests compare the bytes with it. They take Claims, not
# CurrentUser: their one statement checks the caller's session itself (one round trip, not two).
@router.get(
    "", response_model=Envelope[EntriesPublic], summary="The caller's entries, a page at a time"
)
async def list_entries(
    claims: Claims,
    db: RequestDbDep,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    sort: Annotated[EntrySort, Query(description="Field to sort by; `-` for descending.")] = (
        EntrySort.newest_first
    ),
) -> Response:
    page = await service.list_entries(
        await db.driver(), claims, limit=limit, offset=offset, sort=sort
    )
    return envelope_response(page)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=Envelope[EntryCreated],
    summary="Record an entry",
)
async def create_entry(body: EntryCreate, claims: Claims, db: RequestDbDep) -> Response:
    entry = await service.create_entry(await db.driver(), claims, body)
    return envelope_response({"entry": entry}, status.HTTP_201_CREATED)


@router.get("/{entry_id}", summary="One entry, with its visualization id when it has one")
async def get_entry(entry: OwnedEntry, session: SessionDep) -> Envelope[EntryPublic]:
    return ok(await service.read_entry(session, entry))


@router.put("/{entry_id}", summary="Change some fields of an entry")
async def update_entry(
    body: EntryUpdate, entry: OwnedEntry, session: SessionDep
) -> Envelope[EntryPublic]:
    return ok(await service.update_entry(session, entry, body))


@router.delete(
    "/{entry_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    summary="Delete an entry, its visualization and image files",
)
async def delete_entry(
    entry: OwnedEntry, session: SessionDep, deletions: MediaDeletionsDep
) -> Response:
    await service.delete_entry(session, entry, deletions)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
