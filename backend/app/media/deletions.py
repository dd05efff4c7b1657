"""Removing a deleted visualization's pictures, durably.

`remove_after_commit` records the request (`pending_media_deletions`) in the transaction that
deletes the rows, and once that commits tries the store at once, in the background. The store
confirmed: the record goes. It failed (the store is down): the record stays, with a backoff,
and the sweeper that runs beside every job worker retries it until the store confirms. A crash
between COMMIT and the store call loses nothing either: the sweeper finds the record once the
first try's grace period has passed. Deleting is idempotent, so a second try is harmless.

Anything that deletes visualizations (an entry, one visualization, an account) calls
`remove_after_commit` with their ids.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy import func, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.media.keys import visualization_keys
from app.media.store import MediaStore, MediaStoreUnavailable
from app.models.media import PendingMediaDeletion
from app.platform.config import Settings
from app.platform.db.after_commit import after_commit
from app.platform.db.database import Database

log = logging.getLogger(__name__)

# How long the sweeper leaves a new request to the process that recorded it (its first try).
FIRST_TRY_GRACE = timedelta(seconds=30)
# Requests a sweeper takes at once; it comes back for more while batches are full.
BATCH = 20

Requests = dict[uuid.UUID, datetime]  # visualization id -> requested_at

_CLAIM_DUE = text(
    """
    UPDATE pending_media_deletions AS p
    SET next_attempt_at = now() + make_interval(secs => :lease_seconds)
    FROM (
        SELECT visualization_id FROM pending_media_deletions
        WHERE next_attempt_at <= now()
        ORDER BY next_attempt_at
        LIMIT :batch
        FOR UPDATE SKIP LOCKED
    ) AS due
    WHERE p.visualization_id = due.visualization_id
    RETURNING p.visualization_id, p.requested_at
    """
)
# Matching requested_at: a removal that began before the same id was requested again (a worker
# that stored the picture after the first removal) must not clear the newer request.
_FORGET = text(
    "DELETE FROM pending_media_deletions "
    "WHERE visualization_id = :visualization_id AND requested_at = :requested_at"
)
_BACK_OFF = text(
    """
    UPDATE pending_media_deletions
    SET failed_attempts = failed_attempts + 1,
        last_error = :error,
        next_attempt_at = now() + make_interval(
            secs => least(:max_delay, :base_delay * power(2, failed_attempts))
                     * (0.8 + random() * 0.4)
        )
    WHERE visualization_id = :visualization_id AND requested_at = :requested_at
    """
)
_NEXT_DUE = text(
    "SELECT extract(epoch FROM min(next_attempt_at) - now()) FROM pending_media_deletions"
)


class MediaDeletions:
    def __init__(
        self,
        store: MediaStore,
        database: Database,
        *,
        retry_base_seconds: float,
        retry_max_seconds: float,
        recheck_seconds: float,
        store_timeout_seconds: float,
    ) -> None:
        self.store = store
        self._database = database
        self._retry_base_seconds = retry_base_seconds
        self._retry_max_seconds = retry_max_seconds
        self._recheck_seconds = recheck_seconds
        # A sweeper's claim outlives the store calls of a whole batch.
        self._lease_seconds = store_timeout_seconds * BATCH + 60
        self._tries: set[asyncio.Task[None]] = set()
        self._sweeper: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()

    @classmethod
    def from_settings(
        cls, store: MediaStore, database: Database, settings: Settings
    ) -> MediaDeletions:
        # The job queue's backoff: a store that is down is retried like a flaky AI call.
        return cls(
            store,
            database,
            retry_base_seconds=max(settings.job_retry_base_delay_seconds, 0.01),
            retry_max_seconds=settings.job_retry_max_delay_seconds,
            recheck_seconds=settings.worker_idle_recheck_seconds,
            store_timeout_seconds=settings.media_storage_timeout_seconds,
        )

    # --- asking ----------------------------------------------------------------------------
    async def remove_after_commit(
        self, session: AsyncSession, visualization_ids: Iterable[uuid.UUID]
    ) -> None:
        """Record that these visualizations' pictures must go, in the caller's transaction; try
        at once when it commits (a rollback forgets both)."""
        ids = sorted(set(visualization_ids))
        if not ids:
            return
        now, first_try_over = func.now(), func.now() + FIRST_TRY_GRACE
        rows = insert(PendingMediaDeletion).values(
            [
                {"visualization_id": id_, "requested_at": now, "next_attempt_at": first_try_over}
                for id_ in ids
            ]
        )
        statement = rows.on_conflict_do_update(
            index_elements=[PendingMediaDeletion.visualization_id],
            set_={
                "requested_at": rows.excluded.requested_at,
                "next_attempt_at": rows.excluded.next_attempt_at,
            },
        ).returning(PendingMediaDeletion.visualization_id, PendingMediaDeletion.requested_at)
        requests = {row[0]: row[1] for row in await session.execute(statement)}
        after_commit(session, partial(self._try_soon, requests))

    def _try_soon(self, requests: Requests) -> None:
        # Runs inside COMMIT (a synchronous hook): the store is called from a task of its own.
        task = asyncio.get_running_loop().create_task(self._remove(requests))
        self._tries.add(task)
        task.add_done_callback(self._tries.discard)

    async def drain(self) -> None:
        """Wait for the first tries already started (shutdown; tests)."""
        while self._tries:
            await asyncio.gather(*self._tries, return_exceptions=True)

    # --- doing -----------------------------------------------------------------------------
    async def _remove(self, requests: Requests) -> None:
        store_down: str | None = None
        for visualization_id, requested_at in requests.items():
            if store_down is None:
                try:
                    await self.store.delete(visualization_keys(visualization_id))
                except MediaStoreUnavailable as exc:
                    store_down = str(exc)
                except Exception as exc:  # recorded and retried like the rest, never lost
                    store_down = f"{type(exc).__name__}: {exc}"
                    log.exception("removing pictures failed unexpectedly")
            # Once the store has failed, the rest of the batch waits for the backoff too.
            await self._settle(visualization_id, requested_at, store_down)

    async def _settle(
        self, visualization_id: uuid.UUID, requested_at: datetime, error: str | None
    ) -> None:
        params = {"visualization_id": visualization_id, "requested_at": requested_at}
        try:
            # Its own connection, never the request's: this runs after that one has moved on.
            async with self._database.engine.begin() as conn:
                if error is None:
                    await conn.execute(_FORGET, params)
                else:
                    await conn.execute(
                        _BACK_OFF,
                        {
                            **params,
                            "error": error[:1000],
                            "base_delay": self._retry_base_seconds,
                            "max_delay": self._retry_max_seconds,
                        },
                    )
        except Exception:
            # The record stays as it was: the sweeper tries again (deleting twice is harmless).
            log.warning("could not update a media deletion record", exc_info=True)
            return
        if error is not None:
            log.warning(
                "removing pictures failed; will retry",
                extra={"visualization_id": str(visualization_id), "error": error[:300]},
            )

    async def retry_due(self) -> int:
        """One sweep: remove what is due; how many requests it took."""
        claim = {"lease_seconds": self._lease_seconds, "batch": BATCH}
        async with self._database.engine.begin() as conn:
            rows = (await conn.execute(_CLAIM_DUE, claim)).all()
        if rows:
            await self._remove({row[0]: row[1] for row in rows})
        return len(rows)

    # --- the sweeper (beside each job worker) ----------------------------------------------
    def start_sweeping(self) -> None:
        self._stopping.clear()
        self._sweeper = asyncio.create_task(self._sweep(), name="media-deletions")

    async def stop(self) -> None:
        """Stop sweeping and let first tries in flight finish (their records stay if not)."""
        self._stopping.set()
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
            self._sweeper = None
        await self.drain()

    async def _sweep(self) -> None:
        while not self._stopping.is_set():
            delay = self._recheck_seconds
            try:
                while await self.retry_due() == BATCH:
                    pass
                async with self._database.engine.connect() as conn:
                    due = await conn.scalar(_NEXT_DUE)
                if due is not None:
                    delay = min(delay, max(float(due), 0.0) + 0.05)
            except Exception:
                log.warning("sweeping media deletions failed; trying again shortly", exc_info=True)
                delay = min(delay, 5.0)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), delay)
