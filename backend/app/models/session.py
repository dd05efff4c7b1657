from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, LargeBinary, func
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from app.models._common import UUIDPrimaryKey
from app.platform.db.database import Base


class AuthSession(UUIDPrimaryKey, Base):
    """One login (or registration) and every token refreshed from it (their `sid` claim).

    A session ends when it is revoked (logout, a password change, the account deleted) or when
    it reaches `expires_at`, SESSION_MAX_AGE_DAYS after the login, however often it is refreshed.
    """

    __tablename__ = "auth_sessions"
    # Every row, ended ones included: logout and password changes find the live ones by it, and
    # a login's pruning and an account's deletion the ended ones.
    __table_args__ = (Index("ix_auth_sessions_user_id", "user_id"),)

    user_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class LoginAddress(Base):
    """A client address that has logged into an account: its failed-login limits are its own.

    The address is kept only as a keyed hash (HMAC of the server's secret), for as long as it is
    remembered (LOGIN_ADDRESS_MEMORY_DAYS after its last successful login).
    """

    __tablename__ = "login_addresses"

    user_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    address_hash: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    last_login_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
