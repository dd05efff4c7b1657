"""A signed-in person's drawing, kept in their journal: an entry and its completed picture.

The entry names the chosen emotions, and its situation is the story (or, for a feeling, what was
drawn); its intensity comes from the emotions' energy. The picture is a completed visualization
like any other (style `abstract` for a feeling, `diagram` for a story), with its image and
thumbnail in the media store, so the journal, GET /visualizations and the analytics all see it.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.exc import IntegrityError

from app.ai.protocol import VisualStyle
from app.auth.live import AccountRefused
from app.catalog.feelings import ENERGY_INTENSITY, FeelingProfile
from app.drawings import pictures
from app.drawings.drawers import Drawing
from app.entries import repository as entries
from app.entries.schemas import intensity_to_decimal
from app.media.keys import picture_keys, visualization_keys
from app.media.store import MediaStore, MediaStoreUnavailable
from app.models import Visualization
from app.platform.db.database import RequestDb
from app.visualizations.images import process_image
from app.visualizations.schemas import visual_elements

log = logging.getLogger(__name__)

SOURCE = "draw_my_feelings"
FEELING_SITUATION = "Drawn with Draw My Feelings: "


def intensity_of(profiles: tuple[FeelingProfile, ...]) -> Decimal:
    """The emotions' energy averaged (calm 0.3, moderate 0.6, intense 0.9), two decimals."""
    mean = sum(ENERGY_INTENSITY[p.energy] for p in profiles) / len(profiles)
    return intensity_to_decimal(mean)


@dataclass(frozen=True, slots=True)
class JournalCopy:
    """What the entry and its visualization say besides the picture itself."""

    situation: str
    style: VisualStyle
    summary: str
    insights: list[str]
    shapes: str
    analysis: dict[str, Any]


async def keep(
    db: RequestDb,
    media: MediaStore,
    user_id: uuid.UUID,
    quota_day: date | None,
    profiles: tuple[FeelingProfile, ...],
    drawing: Drawing,
    copy: JournalCopy,
) -> uuid.UUID | None:
    """Store the files, then the rows (in the request's transaction); the visualization's id, or
    None when the media store is down (the person still gets their drawing)."""
    visualization_id = uuid.uuid4()
    processed = await asyncio.to_thread(process_image, drawing.picture.png, pictures.MAX_PIXELS)
    image_key, thumbnail_key = picture_keys(visualization_id, processed.extension)
    try:
        await media.put(image_key, processed.image)
        await media.put(thumbnail_key, processed.thumbnail)
    except MediaStoreUnavailable:
        # Nothing is kept without its picture; the drawing itself is still answered.
        log.warning("media store unavailable: a drawing was not kept in the journal", exc_info=True)
        return None
    now = datetime.now(UTC)
    session = await db.session()
    try:
        entry = await entries.insert_entry(
            session,
            entries.NewEntry(
                user_id=user_id,
                situation=copy.situation,
                emotions=[p.id for p in profiles],
                intensity=intensity_of(profiles),
                notes=None,
                source=SOURCE,
                intake_session_id=None,
            ),
        )
    except IntegrityError:
        # The account was deleted while its picture was being drawn.
        await media.delete(visualization_keys(visualization_id))
        raise AccountRefused from None
    session.add(
        Visualization(
            id=visualization_id,
            entry_id=entry.id,
            user_id=user_id,
            status="completed",
            style=copy.style,
            image_url=image_key,
            thumbnail_url=thumbnail_key,
            summary=copy.summary,
            insights=copy.insights,
            visual_elements=visual_elements(drawing.picture.dominant_colors, copy.shapes),
            gemini_analysis=copy.analysis,
            nanobanana_response={
                **drawing.metadata,
                "mime_type": "image/png",
                "width": drawing.picture.side,
                "height": drawing.picture.side,
                "size_bytes": len(processed.image),
            },
            provider=drawing.provider,
            progress=100,
            progress_message="Completed",
            attempts=1,
            max_attempts=1,
            processing_started_at=now,
            processing_completed_at=now,
            quota_day=quota_day,
        )
    )
    await session.flush()
    return visualization_id
