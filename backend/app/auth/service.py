"""Accounts: registration, logins and sessions, password changes, deletion, the profile summary.

Every step that checks a password releases its pooled connection before the hash (a queue of
logins must not hold the pool), and takes its throttling slot first (app.auth.throttle).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.passwords import MAX_PASSWORD_LENGTH, PasswordHasher
from app.auth.sessions import end_sessions, start_session
from app.auth.throttle import LoginGuard
from app.media.deletions import MediaDeletions
from app.models import AuthSession, EmotionEntry, User, Visualization
from app.platform.db.database import RequestDb
from app.platform.http.errors import Conflict, Forbidden, Unauthorized, ValidationFailed

BAD_CREDENTIALS = "Incorrect e-mail or password."
WRONG_PASSWORD = "The password is not correct."  # noqa: S105 (a message, not a password)


@dataclass(frozen=True, slots=True)
class AccountSummary:
    user: User
    entry_count: int
    visualization_count: int


@dataclass(frozen=True, slots=True)
class AccountDesk:
    """What every step that checks or sets a password needs: the request's database lane, the
    hasher, the password-attempt throttle, and how long a new session lasts."""

    db: RequestDb
    hasher: PasswordHasher
    guard: LoginGuard
    session_max_age_days: int


@dataclass(frozen=True, slots=True)
class SignedIn:
    """An account and the session just started for it."""

    user: User
    session: AuthSession


def normalise_email(email: str) -> str:
    return email.strip().lower()


async def register_user(desk: AccountDesk, *, email: str, password: str, name: str) -> SignedIn:
    """Create an account and its first session; Conflict when the e-mail is taken (checked
    before spending a hash)."""
    email = normalise_email(email)
    session = await desk.db.session()
    if await session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict("An account with this e-mail already exists.")
    await desk.db.release()  # no pooled connection held while queued for the hash
    hashed = await desk.hasher.hash(password)
    session = await desk.db.session()
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
    return await _signed_in(desk, session, user)


async def authenticate(desk: AccountDesk, *, email: str, password: str) -> SignedIn:
    """A new session for these credentials; Unauthorized, identically, otherwise.

    Every failure path spends one full argon2 verification, so neither the answer nor its timing
    tells an unknown e-mail apart from a wrong password.
    """
    email = normalise_email(email)
    session = await desk.db.session()
    known_to = desk.guard.known_to(User.id)
    found = (await session.execute(select(User, known_to).where(User.email == email))).first()
    user, known_address = (found[0], bool(found[1])) if found is not None else (None, False)
    await desk.db.release()  # no pooled connection held while queued for the hash
    await desk.guard.admit(email, known_address=known_address)
    if len(password) > MAX_PASSWORD_LENGTH:
        # No account can have such a password; verify a bounded prefix against the dummy hash
        # so the cost matches without hashing whatever size the client sent.
        await desk.hasher.verify(password[:MAX_PASSWORD_LENGTH], None)
        raise Unauthorized(BAD_CREDENTIALS)
    stored = user.hashed_password if user else None
    matches, new_hash = await desk.hasher.verify(password, stored)
    if user is None or not matches or not user.is_active:
        raise Unauthorized(BAD_CREDENTIALS)
    values: dict[str, object] = {"last_login_at": func.now()}
    if new_hash is not None:
        values["hashed_password"] = new_hash  # parameters were raised since this hash was made
    session = await desk.db.session()
    await session.execute(
        update(User)
        .where(User.id == user.id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return await _signed_in(desk, session, user)


async def _signed_in(desk: AccountDesk, session: AsyncSession, user: User) -> SignedIn:
    """A correct password's aftermath: the address remembered, the session started."""
    await desk.guard.succeeded(session, user.id, user.email)
    return SignedIn(user, await start_session(session, user.id, desk.session_max_age_days))


async def _check_password(desk: AccountDesk, user: User, password: str) -> None:
    """403 unless `password` is the account's own, throttled like a login."""
    session = await desk.db.session()
    # Read now: the signed-in profile may be a cached copy, older than a password change.
    hashed = await session.scalar(select(User.hashed_password).where(User.id == user.id))
    await desk.db.release()  # no pooled connection held while queued for the hash
    # The caller holds a live session, so this address is one the account knows.
    await desk.guard.admit(user.email, known_address=True)
    matches, _ = await desk.hasher.verify(password[:MAX_PASSWORD_LENGTH], hashed)
    if not matches or len(password) > MAX_PASSWORD_LENGTH:
        raise Forbidden(WRONG_PASSWORD)


async def change_password(
    desk: AccountDesk, user: User, *, current_password: str, new_password: str
) -> SignedIn:
    """Set a new password, end every session (this one too) and start a fresh one."""
    await _check_password(desk, user, current_password)
    hashed = await desk.hasher.hash(new_password)
    session = await desk.db.session()
    await session.execute(
        update(User)
        .where(User.id == user.id)
        .values(hashed_password=hashed)
        .execution_options(synchronize_session=False)
    )
    await end_sessions(session, user.id)
    return await _signed_in(desk, session, user)


async def delete_account(
    desk: AccountDesk, deletions: MediaDeletions, user: User, *, password: str
) -> None:
    """Delete the account and everything it holds; its pictures go once that is committed.

    Sessions, entries, intake sessions, visualizations, usage counts and remembered addresses
    follow the account by foreign-key cascade; the pictures' removal is recorded in the same
    transaction and retried until the store confirms (app.media.deletions).
    """
    await _check_password(desk, user, password)
    session = await desk.db.session()
    pictures = (
        await session.scalars(select(Visualization.id).where(Visualization.user_id == user.id))
    ).all()
    await deletions.remove_after_commit(session, pictures)
    await session.execute(
        delete(User).where(User.id == user.id).execution_options(synchronize_session=False)
    )


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
