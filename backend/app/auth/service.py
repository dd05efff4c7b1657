"""Accounts: registration, credential checks and the profile summary."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.passwords import MAX_PASSWORD_LENGTH, PasswordHasher
from app.core.db import RequestDb
from app.core.errors import Conflict, Unauthorized, ValidationFailed
from app.models import EmotionEntry, User, Visualization

BAD_CREDENTIALS = "Incorrect e-mail or password."


@dataclass(frozen=True, slots=True)
class AccountSummary:
    user: User
    entry_count: int
    visualization_count: int


def normalise_email(email: str) -> str:
    return email.strip().lower()


async def register_user(
    db: RequestDb, hasher: PasswordHasher, *, email: str, password: str, name: str
) -> User:
    """Create an account; Conflict when the e-mail is taken (checked before spending a hash)."""
    email = normalise_email(email)
    session = await db.session()
    if await session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict("An account with this e-mail already exists.")
    await db.release()  # no pooled connection held while queued for the hash
    hashed = await hasher.hash(password)
    session = await db.session()
    # ON CONFLICT covers two registrations racing for one e-mail: the loser gets a 409 too.
    statement = (
        insert(User)
        .values(email=email, hashed_password=hashed, name=name)
        .on_conflict_do_nothing(index_elements=[User.email])
        .returning(User)
    )
    try:
        user = await session.scalar(statement)
    except IntegrityError:
        # Only the e-mail format CHECK can fail here (the validator normally catches it first).
        raise ValidationFailed(
            "The e-mail address is not valid.", details=[{"field": "email"}]
        ) from None
    if user is None:
        raise Conflict("An account with this e-mail already exists.")
    return user


async def authenticate(db: RequestDb, hasher: PasswordHasher, *, email: str, password: str) -> User:
    """The active user these credentials belong to; Unauthorized, identically, otherwise.

    Every failure path spends one full argon2 verification, so neither the answer nor its timing
    tells an unknown e-mail apart from a wrong password.
    """
    session = await db.session()
    user = await session.scalar(select(User).where(User.email == normalise_email(email)))
    await db.release()  # no pooled connection held while queued for the hash
    if len(password) > MAX_PASSWORD_LENGTH:
        # No account can have such a password; verify a bounded prefix against the dummy hash
        # so the cost matches without hashing whatever size the client sent.
        await hasher.verify(password[:MAX_PASSWORD_LENGTH], None)
        raise Unauthorized(BAD_CREDENTIALS)
    matches, new_hash = await hasher.verify(password, user.hashed_password if user else None)
    if user is None or not matches or not user.is_active:
        raise Unauthorized(BAD_CREDENTIALS)
    values: dict[str, object] = {"last_login_at": func.now()}
    if new_hash is not None:
        values["hashed_password"] = new_hash  # parameters were raised since this hash was made
    session = await db.session()
    await session.execute(
        update(User)
        .where(User.id == user.id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return user


async def account_summary(session: AsyncSession, user: User) -> AccountSummary:
    """The user with their entry and visualization counts, in one round trip."""
    entries = (
        select(func.count())
        .select_from(EmotionEntry)
        .where(EmotionEntry.user_id == user.id)
        .scalar_subquery()
    )
    visualizations = (
        select(func.count())
        .select_from(Visualization)
        .where(Visualization.user_id == user.id)
        .scalar_subquery()
    )
    row = (await session.execute(select(entries, visualizations))).one()
    return AccountSummary(user=user, entry_count=row[0], visualization_count=row[1])
