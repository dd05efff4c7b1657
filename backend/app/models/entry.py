from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, Text, text
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.orm import Mapped, mapped_column

from app.models._common import Timestamps, UUIDPrimaryKey
from app.platform.db.database import Base


class EmotionEntry(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "emotion_entries"
    __table_args__ = (
        # The API takes 1-10 emotions; a drawing kept in the journal may name all eleven of the
        # drawing screen's.
        CheckConstraint("cardinality(emotions) BETWEEN 1 AND 11", name="emotions_count"),
        CheckConstraint("intensity >= 0 AND intensity <= 1", name="intensity_range"),
        CheckConstraint("char_length(situation) BETWEEN 1 AND 5000", name="situation_length"),
        CheckConstraint("char_length(notes) <= 10000", name="notes_length"),
        CheckConstraint(
            "source IN ('manual', 'intake_flow', 'import', 'draw_my_feelings')",
            name="source_valid",
        ),
        Index("ix_emotion_entries_user_id_created_at", "user_id", text("created_at DESC")),
        Index("ix_emotion_entries_emotions", "emotions", postgresql_using="gin"),
    )
    __mapper_args__ = {"eager_defaults": True}

    user_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    situation: Mapped[str] = mapped_column(Text, nullable=False)
    emotions: Mapped[list[str]] = mapped_column(ARRAY(String(32)), nullable=False)
    intensity: Mapped[Decimal] = mapped_column(Numeric(3, 2), nullable=False)
    notes: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(
        String(20), nullable=False, server_default=text("'manual'"), default="manual"
    )
    intake_session_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("intake_sessions.id", ondelete="SET NULL")
    )
