from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from app.models._common import Timestamps, UUIDPrimaryKey
from app.platform.db.database import Base

# A visualization whose job is queued or running: what the queue, the per-user cap and the
# queue-depth metric count.
ACTIVE_JOB_STATUSES = ("pending", "processing")


class Visualization(UUIDPrimaryKey, Timestamps, Base):
    """A picture of one entry, and the durable job that draws it (the job columns below)."""

    __tablename__ = "visualizations"
    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'processing', 'completed', 'failed')", name="status_valid"
        ),
        CheckConstraint("style IN ('abstract', 'diagram', 'metaphor')", name="style_valid"),
        CheckConstraint("progress BETWEEN 0 AND 100", name="progress_range"),
        Index("ix_visualizations_user_id_status", "user_id", "status"),
        # The queue scans only live jobs, so this stays tiny however many pictures exist.
        Index(
            "ix_visualizations_active_jobs",
            "run_at",
            postgresql_where=text("status IN ('pending', 'processing')"),
        ),
    )
    __mapper_args__ = {"eager_defaults": True}

    entry_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True),
        ForeignKey("emotion_entries.id", ondelete="CASCADE"),
        nullable=False,
        unique=True,
    )
    user_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    status: Mapped[str] = mapped_column(
        String(20), nullable=False, server_default=text("'pending'"), default="pending"
    )
    style: Mapped[str] = mapped_column(
        String(20), nullable=False, server_default=text("'abstract'"), default="abstract"
    )
    # Media keys relative to the media directory; the API turns them into signed URLs.
    image_url: Mapped[str | None] = mapped_column(String(512))
    thumbnail_url: Mapped[str | None] = mapped_column(String(512))
    summary: Mapped[str | None] = mapped_column(Text)
    insights: Mapped[list[str] | None] = mapped_column(ARRAY(Text))
    # [{"type": "color_palette", "values": [...]}, {"type": "shape", "description": ...}]
    visual_elements: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONB)
    error_message: Mapped[str | None] = mapped_column(Text)
    gemini_analysis: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    nanobanana_response: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    provider: Mapped[str | None] = mapped_column(String(20))
    # The UTC day whose image quota this request counts against (app.quota); cleared when the job
    # fails for good and the count is given back.
    quota_day: Mapped[date | None] = mapped_column(Date)
    processing_started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    processing_completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    # --- the job -------------------------------------------------------------------------
    progress: Mapped[int] = mapped_column(
        SmallInteger, nullable=False, server_default=text("0"), default=0
    )
    progress_message: Mapped[str | None] = mapped_column(String(200))
    attempts: Mapped[int] = mapped_column(
        Integer, nullable=False, server_default=text("0"), default=0
    )
    max_attempts: Mapped[int] = mapped_column(
        Integer, nullable=False, server_default=text("3"), default=3
    )
    run_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )
    locked_by: Mapped[str | None] = mapped_column(String(128))
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
