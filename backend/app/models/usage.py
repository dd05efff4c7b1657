from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, text
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from app.platform.db.database import Base


class AIUsage(Base):
    """How many AI requests of one kind a person has made on one UTC day (app.quota).

    A row per (person, day, kind), counted up when a request is accepted and down again when it
    fails, so every process and machine on the database sees the same count.
    """

    __tablename__ = "ai_usage"
    __table_args__ = (
        CheckConstraint("kind IN ('text', 'image')", name="kind_valid"),
        CheckConstraint("used >= 0", name="used_not_negative"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    used: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("0"))
