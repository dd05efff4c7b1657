"""Who is calling: `CurrentUser` for routes, `authenticate_token` for the WebSocket."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import HTTPConnection

from app.auth.passwords import PasswordHasher
from app.core.context import user_id_var
from app.core.db import SessionDep
from app.core.errors import Unauthorized
from app.core.security import TokenService
from app.models import User

_bearer = HTTPBearer(auto_error=False, description="JWT from /auth/login or /auth/register")


def get_token_service(conn: HTTPConnection) -> TokenService:
    service: TokenService = conn.app.state.tokens
    return service


TokenServiceDep = Annotated[TokenService, Depends(get_token_service)]


async def authenticate_token(token: str, tokens: TokenService, session: AsyncSession) -> User:
    """The active user a token belongs to; Unauthorized otherwise (deleted, inactive, bad)."""
    user_id = tokens.subject(token)
    user = await session.scalar(select(User).where(User.id == user_id))
    if user is None or not user.is_active:
        raise Unauthorized("The account for this token no longer exists or is disabled.")
    return user


async def get_current_user(
    conn: HTTPConnection,
    session: SessionDep,
    tokens: TokenServiceDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> User:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("Send `Authorization: Bearer <token>`.")
    user = await authenticate_token(credentials.credentials, tokens, session)
    # For the access log (read by middleware from scope state) and for every log line after this.
    conn.scope.setdefault("state", {})["user_id"] = str(user.id)
    user_id_var.set(str(user.id))
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


def get_password_hasher(conn: HTTPConnection) -> PasswordHasher:
    # Built on first use (it computes the dummy hash), one per application.
    hasher: PasswordHasher | None = getattr(conn.app.state, "passwords", None)
    if hasher is None:
        hasher = PasswordHasher(conn.app.state.settings.password_hash_concurrency)
        conn.app.state.passwords = hasher
    return hasher


PasswordHasherDep = Annotated[PasswordHasher, Depends(get_password_hasher)]
