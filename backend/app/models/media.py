from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, Text, func, text
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from app.platform.db.database import Base


class PendingMediaDeletion(Base):
    """A deleted visualization whose pictures the store has not yet confirmed removed.

    Written in the transaction that deletes the visualization, so no picture is forgotten if
    the process dies between COMMIT and the store call; removed once the store confirms. No
    foreign key: the visualization row is gone by the time this one matters.
    """

    __tablename__ = "pending_media_deletions"
    __table_args__ = (Index("ix_pending_media_deletions_next_attempt_at", "next_attempt_at"),)

    visualization_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    # When it was (last) asked for: a removal that started earlier must not clear a newer request.
    requested_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )
    next_attempt_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )
    failed_attempts: Mapped[int] = mapped_column(
        Integer, nullable=False, server_default=text("0"), default=0
    )
    last_error: Mapped[str | None] = mapped_column(Text)
