"""Column helpers shared by every table."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, FetchedValue, func, text
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column


class UUIDPrimaryKey:
    id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")
    )


class Timestamps:
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
    # The `set_updated_at` trigger (migration 0001) bumps this on every UPDATE, whoever issues it;
    # FetchedValue tells the ORM to read it back instead of trusting its own copy.
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True),
        server_default=func.now(),
        server_onupdate=FetchedValue(),
        nullable=False,
    )
