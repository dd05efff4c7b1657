"""The visualization job: analyse the entry, draw it, store the files, record the result."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, cast

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.ai.errors import AIProviderError
from app.ai.protocol import EntrySnapshot, ProviderName, RenderedImage, VisualAnalysis, VisualStyle
from app.jobs import events, queue
from app.jobs.worker import JobContext, PermanentJobError, RetryableJobError
from app.media.deletions import MediaDeletions
from app.media.keys import picture_keys, visualization_keys
from app.media.store import MediaStore, MediaStoreUnavailable
from app.models import EmotionEntry, Visualization
from app.quota.service import give_back
from app.visualizations.images import InvalidImage, ProcessedImage, process_image
from app.visualizations.schemas import visual_elements

log = logging.getLogger(__name__)

# Progress milestones (percent) reported to pollers and WebSocket clients.
ANALYSING, GENERATING, STORING = 10, 35, 85


class VisualizationProvider(Protocol):
    """The part of the AI provider a visualization job needs."""

    @property
    def name(self) -> ProviderName: ...

    async def analyze_entry(self, entry: EntrySnapshot, style: VisualStyle) -> VisualAnalysis: ...

    async def render_image(
        self, analysis: VisualAnalysis, entry: EntrySnapshot, style: VisualStyle
    ) -> RenderedImage: ...


@dataclass(slots=True)
class VisualizationPipeline:
    """A JobHandler for the worker. `provider` is resolved per job (the app may swap it)."""

    provider: Callable[[], VisualizationProvider]
    media: MediaStore
    deletions: MediaDeletions
    # Larger answers are refused before decoding (app.media.images): NANOBANANA_IMAGE_SIZE's cap.
    max_pixels: int

    async def __call__(self, ctx: JobContext) -> None:
        loaded = await self._load(ctx)
        if loaded is None:
            return  # deleted while queued: nothing to do
        snapshot, style = loaded
        provider = self.provider()
        started = time.monotonic()

        try:
            await ctx.progress(ANALYSING, "Analysing the entry")
            analysis = await provider.analyze_entry(snapshot, style)
            await ctx.progress(GENERATING, "Generating the image")
            rendered = await provider.render_image(analysis, snapshot, style)
        except AIProviderError as exc:
            raise _job_error(ctx, exc) from exc
        await ctx.progress(STORING, "Storing the image")
        try:
            processed = await asyncio.to_thread(process_image, rendered.data, self.max_pixels)
        except InvalidImage as exc:
            raise PermanentJobError(str(exc)) from exc
        keys = await self._store(ctx, processed)
        values = _result_values(provider.name, analysis, rendered, processed, keys)
        values["nanobanana_response"]["duration_seconds"] = round(time.monotonic() - started, 3)
        await self._complete(ctx, values, keys)

    async def _load(self, ctx: JobContext) -> tuple[EntrySnapshot, VisualStyle] | None:
        async with ctx.database.sessionmaker() as session:
            row = (
                await session.execute(
                    select(EmotionEntry, Visualization.style)
                    .join(Visualization, Visualization.entry_id == EmotionEntry.id)
                    .where(Visualization.id == ctx.job.id)
                )
            ).first()
        if row is None:
            return None
        entry, style = row
        snapshot = EntrySnapshot(
            situation=entry.situation,
            emotions=list(entry.emotions),
            intensity=float(entry.intensity),
            notes=entry.notes,
        )
        return snapshot, cast(VisualStyle, style)

    async def _store(self, ctx: JobContext, processed: ProcessedImage) -> tuple[str, str]:
        """Both pictures under this job's fixed keys; a re-run overwrites them.

        Nothing refers to them until the row is marked completed, after both are stored, so a
        store that fails half-way leaves nothing a client can see: the job is retried.
        """
        image_key, thumbnail_key = picture_keys(ctx.job.id, processed.extension)
        try:
            await self.media.put(image_key, processed.image)
            await self.media.put(thumbnail_key, processed.thumbnail)
            # A previous attempt may have stored another format: one visualization, one image.
            await self.media.delete(visualization_keys(ctx.job.id) - {image_key, thumbnail_key})
        except MediaStoreUnavailable as exc:
            log.warning(
                "storing the picture failed; the job will be retried",
                extra={"job_id": str(ctx.job.id), "error": str(exc)[:300]},
            )
            raise RetryableJobError(
                "Storing the image failed because the image store is unavailable."
            ) from exc
        return image_key, thumbnail_key

    async def _complete(
        self, ctx: JobContext, values: dict[str, Any], keys: tuple[str, str]
    ) -> None:
        async with ctx.database.sessionmaker() as session, session.begin():
            done = await queue.mark_completed(session, ctx.job.id, ctx.worker_id, values)
            if done:
                await events.publish(session, ctx.job.id, "complete")
            else:
                still_there = await session.scalar(
                    select(Visualization.id).where(Visualization.id == ctx.job.id)
                )
                if still_there is None:
                    # Deleted (or its entry was) while we worked, perhaps after its pictures
                    # were removed: what this job stored must go too.
                    await self.deletions.remove_after_commit(session, [ctx.job.id])
        if done:
            log.info("visualization completed", extra={"job_id": str(ctx.job.id)})
            return
        if still_there is None:
            return
        # Another worker holds the job now; it writes the same file names, so ours are harmless.
        log.warning("finished a job this worker no longer holds", extra={"job_id": str(ctx.job.id)})


def _job_error(ctx: JobContext, exc: AIProviderError) -> PermanentJobError | RetryableJobError:
    """The job queue's view of an AI failure: the row (which the owner reads) gets the generic
    message, the log the details."""
    log.warning(
        "job's AI call failed: %s",
        exc.message,
        extra={"job_id": str(ctx.job.id), "outcome": exc.outcome, "retryable": exc.retryable},
    )
    if exc.retryable:
        return RetryableJobError(exc.public_message, not_before=exc.retry_after_seconds)
    return PermanentJobError(exc.public_message)


async def give_back_image(session: AsyncSession, job_id: uuid.UUID) -> None:
    """A picture that failed for good does not count against its person's day."""
    row = (
        await session.execute(
            select(Visualization.user_id, Visualization.quota_day)
            .where(Visualization.id == job_id)
            .with_for_update()
        )
    ).first()
    if row is None or row.quota_day is None:
        return
    await give_back(session, row.user_id, "image", row.quota_day)
    await session.execute(
        update(Visualization).where(Visualization.id == job_id).values(quota_day=None)
    )


def _result_values(
    provider_name: str,
    analysis: VisualAnalysis,
    rendered: RenderedImage,
    processed: ProcessedImage,
    keys: tuple[str, str],
) -> dict[str, Any]:
    shape = ", ".join(analysis.shapes)
    return {
        "image_url": keys[0],
        "thumbnail_url": keys[1],
        "summary": analysis.summary,
        "insights": list(analysis.insights),
        # The analysis's own shapes and palette stay in `gemini_analysis`.
        "visual_elements": visual_elements(processed.palette, shape),
        "gemini_analysis": analysis.model_dump(mode="json"),
        # Metadata only: the bytes are in the media store, never in the database.
        "nanobanana_response": {
            **_without_bytes(rendered.metadata),
            "mime_type": rendered.mime_type,
            "stored_format": processed.extension,
            "width": processed.width,
            "height": processed.height,
            "size_bytes": len(processed.image),
        },
        "provider": provider_name,
    }


def _without_bytes(value: Any) -> Any:
    if isinstance(value, bytes | bytearray):
        return f"<{len(value)} bytes omitted>"
    if isinstance(value, dict):
        return {str(k): _without_bytes(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_without_bytes(v) for v in value]
    return value
