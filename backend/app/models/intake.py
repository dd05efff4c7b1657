from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, Text, text
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from app.models._common import Timestamps, UUIDPrimaryKey
from app.platform.db.database import Base


class IntakeSession(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "intake_sessions"
    __table_args__ = (
        Index(
            "ix_intake_sessions_user_id_incomplete",
            "user_id",
            postgresql_where=text("NOT is_complete"),
        ),
    )
    __mapper_args__ = {"eager_defaults": True}

    user_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    initial_situation: Mapped[str] = mapped_column(Text, nullable=False)
    conversation_history: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONB, nullable=False, server_default=text("'[]'::jsonb"), default=list
    )
    current_step: Mapped[int] = mapped_column(
        Integer, nullable=False, server_default=text("0"), default=0
    )
    is_complete: Mapped[bool] = mapped_column(
        Boolean, nullable=False, server_default=text("false"), default=False
    )
    ai_context: Mapped[dict[str, Any]] = mapped_column(
        JSONB, nullable=False, server_default=text("'{}'::jsonb"), default=dict
    )
    final_summary: Mapped[str | None] = mapped_column(Text)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The request whose AI call is in flight for this session (app.intake.service): no other
    # step may start until it writes its answer or the claim runs out with the AI deadline.
    ai_claimed_by: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    ai_claimed_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
