"""The worker loop: claim jobs up to a concurrency limit, keep their leases alive, record outcomes.

Idle workers sleep until a NOTIFY on the jobs channel (new or re-queued job) or until the next
job is due (a retry's `run_at`, an expired lease); a long recheck interval is only a safety net.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import socket
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from app.jobs import events, queue
from app.jobs.listener import PgListener, listener_dsn
from app.platform.config import Settings
from app.platform.db.database import Database
from app.platform.observability.metrics import JOB_DURATION

log = logging.getLogger(__name__)


UNEXPECTED_FAILURE = "Generating the visualization failed unexpectedly."


class LeaseLost(Exception):
    """This worker no longer holds the job (its lease expired and another worker took it)."""


class PermanentJobError(Exception):
    """A failure another attempt cannot fix (e.g. the provider returned something unusable)."""


class RetryableJobError(Exception):
    """A failure that another attempt may fix (e.g. the AI is busy, or the store where the result
    goes is down). Its message is what the user sees; `not_before`, when set, is the least wait in
    seconds before the next attempt (an AI that asked for a pause)."""

    def __init__(self, message: str, *, not_before: float | None = None) -> None:
        super().__init__(message)
        self.not_before = not_before


@dataclass(slots=True)
class JobContext:
    job: queue.ClaimedJob
    worker_id: str
    database: Database

    async def progress(self, progress: int, message: str) -> None:
        """Record progress on the row and tell listeners; LeaseLost if the job was taken over."""
        async with self.database.sessionmaker() as session, session.begin():
            held = await queue.update_progress(
                session, self.job.id, self.worker_id, progress, message
            )
            if held:
                await events.publish(session, self.job.id, "progress")
        if not held:
            raise LeaseLost(str(self.job.id))


JobHandler = Callable[[JobContext], Awaitable[None]]
# Runs in the transaction that marks a job failed for good (e.g. to give back what it reserved).
FailureHook = Callable[[AsyncSession, uuid.UUID], Awaitable[None]]


def new_worker_id() -> str:
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


@dataclass
class Worker:
    settings: Settings
    database: Database
    handler: JobHandler
    concurrency: int | None = None
    on_failed: FailureHook | None = None
    worker_id: str = field(default_factory=new_worker_id)

    def __post_init__(self) -> None:
        self._slots = asyncio.Semaphore(self.concurrency or self.settings.worker_concurrency)
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._tasks: dict[uuid.UUID, asyncio.Task[None]] = {}
        self._lost: set[uuid.UUID] = set()
        self._loop_task: asyncio.Task[None] | None = None
        self._listener = PgListener(
            listener_dsn(self.settings),
            queue.JOBS_CHANNEL,
            on_payload=lambda _payload: self._wake.set(),
            on_reconnect=self._wake.set,
        )

    @property
    def lease_seconds(self) -> float:
        return self.settings.job_lease_seconds

    # --- life cycle ------------------------------------------------------------------------
    async def start(self) -> None:
        await self._listener.start()
        self._loop_task = asyncio.create_task(self._claim_loop(), name=f"worker:{self.worker_id}")
        log.info("worker started", extra={"worker_id": self.worker_id})

    async def stop(self) -> None:
        """Stop claiming; let running jobs finish within the grace period, release the rest."""
        self._stopping.set()
        self._wake.set()
        if self._loop_task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._loop_task
        running = list(self._tasks.values())
        if running:
            _, pending = await asyncio.wait(
                running, timeout=self.settings.worker_shutdown_grace_seconds
            )
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.wait(pending)
        await self._listener.stop()
        log.info("worker stopped", extra={"worker_id": self.worker_id})

    # --- claiming --------------------------------------------------------------------------
    async def _claim_loop(self) -> None:
        while not self._stopping.is_set():
            if not await self._acquire_slot():
                return
            self._wake.clear()
            try:
                job = await self._claim()
            except Exception:
                self._slots.release()
                log.exception("claiming a job failed; retrying shortly")
                await self._sleep(1.0)
                continue
            if job is None:
                self._slots.release()
                await self._sleep(await self._idle_timeout())
                continue
            task = asyncio.create_task(self._execute(job), name=f"job:{job.id}")
            self._tasks[job.id] = task
            task.add_done_callback(functools.partial(self._finished, job.id))

    def _finished(self, job_id: uuid.UUID, _task: asyncio.Task[None]) -> None:
        self._tasks.pop(job_id, None)
        self._lost.discard(job_id)
        self._slots.release()

    async def _acquire_slot(self) -> bool:
        acquire = asyncio.ensure_future(self._slots.acquire())
        stop = asyncio.ensure_future(self._stopping.wait())
        await asyncio.wait({acquire, stop}, return_when=asyncio.FIRST_COMPLETED)
        stop.cancel()
        if self._stopping.is_set():
            if acquire.done() and not acquire.cancelled():
                self._slots.release()
            else:
                acquire.cancel()
            return False
        return True

    async def _claim(self) -> queue.ClaimedJob | None:
        async with self.database.sessionmaker() as session, session.begin():
            job = await queue.claim_next_job(session, self.worker_id, self.lease_seconds)
            if job is not None:
                await events.publish(session, job.id, "progress")
            return job

    async def _idle_timeout(self) -> float:
        recheck = self.settings.worker_idle_recheck_seconds
        try:
            async with self.database.sessionmaker() as session:
                due = await queue.seconds_until_next_job(session)
        except Exception:
            return 1.0
        # A little slack so the job is really due (clocks: ours vs the server's now()).
        return recheck if due is None else min(recheck, due + 0.05)

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), seconds)

    # --- running one job -------------------------------------------------------------------
    async def _execute(self, job: queue.ClaimedJob) -> None:
        log.info("job claimed", extra={"job_id": str(job.id), "attempt": job.attempt})
        if job.attempt > job.max_attempts:
            # Its earlier tries ended with the worker dying; do not let it take down more.
            await self._record_failure(job, "Generation was interrupted too many times.", False)
            return
        heartbeat = asyncio.create_task(self._heartbeat(job, asyncio.current_task()))
        started = time.monotonic()
        outcome = "completed"
        try:
            await self.handler(JobContext(job, self.worker_id, self.database))
        except asyncio.CancelledError:
            if job.id in self._lost:
                outcome = "lease_lost"
                log.warning("job lease lost; abandoning", extra={"job_id": str(job.id)})
                return
            outcome = "released"
            await asyncio.shield(self._release(job))
            raise
        except LeaseLost:
            outcome = "lease_lost"
            log.warning("job lease lost; abandoning", extra={"job_id": str(job.id)})
        except PermanentJobError as exc:
            outcome = "failed"
            await self._record_failure(job, str(exc), False)
        except RetryableJobError as exc:
            outcome = self._failure_outcome(job, True)
            await self._record_failure(job, str(exc), True, not_before=exc.not_before)
        except Exception:
            outcome = self._failure_outcome(job, True)
            log.exception("job failed unexpectedly", extra={"job_id": str(job.id)})
            await self._record_failure(job, UNEXPECTED_FAILURE, True)
        finally:
            heartbeat.cancel()
            JOB_DURATION.labels(outcome).observe(time.monotonic() - started)

    @staticmethod
    def _failure_outcome(job: queue.ClaimedJob, retryable: bool) -> str:
        return "retry" if retryable and not job.is_last_attempt else "failed"

    async def _heartbeat(self, job: queue.ClaimedJob, runner: asyncio.Task[None] | None) -> None:
        interval = max(self.lease_seconds / 3, 0.2)
        while True:
            await asyncio.sleep(interval)
            try:
                async with self.database.sessionmaker() as session, session.begin():
                    held = await queue.renew_lease(
                        session, job.id, self.worker_id, self.lease_seconds
                    )
            except Exception:
                log.warning("lease renewal failed; will retry", extra={"job_id": str(job.id)})
                continue
            if not held:
                self._lost.add(job.id)
                if runner is not None:
                    runner.cancel()
                return

    async def _record_failure(
        self,
        job: queue.ClaimedJob,
        message: str,
        retryable: bool,
        *,
        not_before: float | None = None,
    ) -> None:
        """Schedule the next try (no sooner than `not_before` s, when the AI asked for a pause)
        or, after the last one, mark the job failed."""
        async with self.database.sessionmaker() as session, session.begin():
            if retryable and not job.is_last_attempt:
                delay = queue.retry_delay_seconds(
                    job.attempt,
                    self.settings.job_retry_base_delay_seconds,
                    self.settings.job_retry_max_delay_seconds,
                )
                delay = max(delay, not_before or 0.0)
                if await queue.schedule_retry(session, job.id, self.worker_id, delay, message):
                    await events.publish(session, job.id, "progress")
                    await queue.wake_workers(session)
                    log.info("job retry scheduled", extra={"job_id": str(job.id), "delay": delay})
                return
            if await queue.mark_failed(session, job.id, self.worker_id, message):
                if self.on_failed is not None:
                    await self.on_failed(session, job.id)
                await events.publish(session, job.id, "failed")
                log.info("job failed", extra={"job_id": str(job.id), "attempt": job.attempt})

    async def _release(self, job: queue.ClaimedJob) -> None:
        try:
            async with self.database.sessionmaker() as session, session.begin():
                if await queue.release_job(session, job.id, self.worker_id):
                    await events.publish(session, job.id, "progress")
                    await queue.wake_workers(session)
        except Exception:
            # The lease will expire and another worker will take the job over.
            log.exception("releasing a job failed", extra={"job_id": str(job.id)})
