from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Integer, Numeric, Text, UniqueConstraint, func, text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from app.models._common import UUIDPrimaryKey
from app.platform.db.database import Base


class EmotionAnalytics(UUIDPrimaryKey, Base):
    """Per-user, per-period cache of the analytics summary (used only where it pays)."""

    __tablename__ = "emotion_analytics"
    __table_args__ = (UniqueConstraint("user_id", "period_start", "period_end"),)

    user_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    period_start: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    period_end: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    emotion_counts: Mapped[dict[str, Any]] = mapped_column(
        JSONB, nullable=False, server_default=text("'{}'::jsonb"), default=dict
    )
    average_intensity: Mapped[Decimal | None] = mapped_column(Numeric(3, 2))
    total_entries: Mapped[int] = mapped_column(
        Integer, nullable=False, server_default=text("0"), default=0
    )
    most_common_emotions: Mapped[list[Any]] = mapped_column(
        JSONB, nullable=False, server_default=text("'[]'::jsonb"), default=list
    )
    insights: Mapped[list[str] | None] = mapped_column(ARRAY(Text))
    computed_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )
