"""Who is calling, as route dependencies: `CurrentUser` (and its `CurrentSession`), `Claims` for
the two hot routes; the per-application services auth keeps (token service, user cache, password
hasher). The checks themselves live in app.auth.live (is the session live?) and
app.auth.user_cache."""

from __future__ import annotations

import logging
import uuid
from typing import Annotated

from fastapi import Depends
from starlette.requests import HTTPConnection

from app.auth.passwords import PasswordHasher
from app.auth.tokens import TokenClaims, TokenService
from app.auth.user_cache import ActiveUserCache
from app.models import User
from app.platform.context import user_id_var
from app.platform.db.database import RequestDbDep
from app.platform.http.bearer import bearer_token
from app.platform.http.errors import Unauthorized

log = logging.getLogger(__name__)


# Dependencies on the request path are `async def` even when they never await: FastAPI runs a
# plain `def` dependency in a worker thread, a thread hop on every request.
async def get_token_service(conn: HTTPConnection) -> TokenService:
    service: TokenService = conn.app.state.tokens
    return service


TokenServiceDep = Annotated[TokenService, Depends(get_token_service)]


def get_user_cache(conn: HTTPConnection) -> ActiveUserCache:
    # One per application, made in create_app (tests build an application per test).
    cache: ActiveUserCache = conn.app.state.user_cache
    return cache


async def _token_claims(conn: HTTPConnection) -> TokenClaims:
    token = bearer_token(conn.scope)
    if token is None:
        raise Unauthorized("Send `Authorization: Bearer <token>`.")
    return (await get_token_service(conn)).claims(token)


def _attribute_to(conn: HTTPConnection, user_id: uuid.UUID) -> None:
    # For the access log (read by middleware from scope state) and for every log line after this.
    conn.scope.setdefault("state", {})["user_id"] = str(user_id)
    user_id_var.set(str(user_id))


async def get_claims(conn: HTTPConnection) -> TokenClaims:
    """The account and session a valid token names; whether they are still live is NOT checked.

    Only for routes whose one statement checks that itself (`session_is_live`), so that the hot
    routes (GET and POST /entries) ask PostgreSQL once per request, not twice; a test keeps the
    list of such routes to those two. Every other route uses CurrentUser. The request is logged
    under the id the token names, so a refused request shows whose token it was.
    """
    claims = await _token_claims(conn)
    _attribute_to(conn, claims.user_id)
    return claims


Claims = Annotated[TokenClaims, Depends(get_claims)]


async def get_current_user(conn: HTTPConnection, request_db: RequestDbDep) -> User:
    """The caller's account, refused (401) if the token is bad, its session ended, or the
    account is gone or disabled."""
    claims = await _token_claims(conn)
    user = await get_user_cache(conn).get(request_db, claims)
    # For the routes that act on the session itself (refresh, logout, password change).
    conn.scope.setdefault("state", {})["token_claims"] = claims
    _attribute_to(conn, user.id)
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


async def get_current_session(conn: HTTPConnection, user: CurrentUser) -> TokenClaims:
    """The live session of the caller's token (after CurrentUser has checked it)."""
    claims: TokenClaims = conn.scope["state"]["token_claims"]
    return claims


CurrentSession = Annotated[TokenClaims, Depends(get_current_session)]


def get_password_hasher(conn: HTTPConnection) -> PasswordHasher:
    # One per application, made in create_app.
    hasher: PasswordHasher = conn.app.state.passwords
    return hasher


PasswordHasherDep = Annotated[PasswordHasher, Depends(get_password_hasher)]
