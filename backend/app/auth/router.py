"""Auth routes: register, login, refresh, logout, password change, the account and its export."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Request, status
from starlette.responses import Response, StreamingResponse

from app.auth import service
from app.auth.deps import (
    CurrentSession,
    CurrentUser,
    PasswordHasherDep,
    TokenServiceDep,
)
from app.auth.export import Export
from app.auth.schemas import (
    AccountDeletion,
    AIUsagePublic,
    AllowancePublic,
    AuthPublic,
    LoginRequest,
    LogoutRequest,
    MePublic,
    PasswordChange,
    RegisterRequest,
    TokenPublic,
    UserPublic,
)
from app.auth.sessions import end_sessions, live_session, token_for
from app.auth.throttle import LoginGuardDep
from app.auth.tokens import TokenService
from app.media.deps import MediaDeletionsDep, MediaStoreDep
from app.platform.db.database import DatabaseDep, RequestDbDep, SessionDep
from app.platform.http.envelope import Envelope, ok
from app.quota.deps import AIQuotaDep

router = APIRouter(prefix="/auth", tags=["auth"])


async def get_account_desk(
    db: RequestDbDep, hasher: PasswordHasherDep, guard: LoginGuardDep, request: Request
) -> service.AccountDesk:
    days: int = request.app.state.settings.session_max_age_days
    return service.AccountDesk(db, hasher, guard, days)


AccountDeskDep = Annotated[service.AccountDesk, Depends(get_account_desk)]


def _signed_in(signed_in: service.SignedIn, tokens: TokenService) -> AuthPublic:
    issued = token_for(tokens, signed_in.session)
    return AuthPublic(
        access_token=issued.token,
        expires_in=issued.expires_in,
        user=UserPublic.model_validate(signed_in.user, from_attributes=True),
    )


@router.post("/register", status_code=status.HTTP_201_CREATED, summary="Create an account")
async def register(
    body: RegisterRequest, desk: AccountDeskDep, tokens: TokenServiceDep
) -> Envelope[AuthPublic]:
    signed_in = await service.register_user(
        desk, email=body.email, password=body.password, name=body.name
    )
    return ok(_signed_in(signed_in, tokens))


@router.post("/login", summary="Exchange e-mail and password for a token (a new session)")
async def login(
    body: LoginRequest, desk: AccountDeskDep, tokens: TokenServiceDep
) -> Envelope[AuthPublic]:
    signed_in = await service.authenticate(desk, email=body.email, password=body.password)
    return ok(_signed_in(signed_in, tokens))


@router.post("/refresh", summary="A fresh token for a currently valid one, in the same session")
async def refresh(
    user: CurrentUser, claims: CurrentSession, session: SessionDep, tokens: TokenServiceDep
) -> Envelope[TokenPublic]:
    """The session keeps its login time: no token outlives SESSION_MAX_AGE_DAYS after it."""
    row = await live_session(session, user.id, claims.session_id)
    assert row is not None  # CurrentUser has just checked it
    issued = token_for(tokens, row)
    return ok(TokenPublic(access_token=issued.token, expires_in=issued.expires_in))


@router.post(
    "/logout",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    summary="End this session, or every session of the account",
)
async def logout(
    user: CurrentUser,
    claims: CurrentSession,
    session: SessionDep,
    body: LogoutRequest | None = Body(default=None),
) -> Response:
    """Its tokens (and every token refreshed from them) are refused from now on."""
    everywhere = body is not None and body.everywhere
    await end_sessions(session, user.id, only=None if everywhere else claims.session_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/password", summary="Change the password; every session ends, a new one starts")
async def change_password(
    body: PasswordChange, user: CurrentUser, desk: AccountDeskDep, tokens: TokenServiceDep
) -> Envelope[AuthPublic]:
    """403 for a wrong current password (throttled like a failed login). Every session of the
    account ends, this one included; the answer carries a token of a new one."""
    signed_in = await service.change_password(
        desk, user, current_password=body.current_password, new_password=body.new_password
    )
    return ok(_signed_in(signed_in, tokens))


@router.get("/me", summary="The signed-in user, their counts and today's AI usage")
async def me(user: CurrentUser, session: SessionDep, quota: AIQuotaDep) -> Envelope[MePublic]:
    summary = await service.account_summary(session, user)
    usage = await quota.usage(session, user.id)
    return ok(
        MePublic(
            id=user.id,
            email=user.email,
            name=user.name,
            created_at=user.created_at,
            entry_count=summary.entry_count,
            visualization_count=summary.visualization_count,
            ai_usage=AIUsagePublic(
                day=usage.day,
                text_calls=AllowancePublic(used=usage.text.used, limit=usage.text.limit),
                images=AllowancePublic(used=usage.image.used, limit=usage.image.limit),
                resets_at=usage.resets_at,
            ),
        )
    )


@router.delete(
    "/me",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    summary="Delete the account and everything it holds",
)
async def delete_me(
    body: AccountDeletion, user: CurrentUser, desk: AccountDeskDep, deletions: MediaDeletionsDep
) -> Response:
    """Entries, intake sessions, visualizations and their pictures, sessions: all gone, and the
    account's tokens refused. 403 for a wrong password (throttled like a failed login)."""
    await service.delete_account(desk, deletions, user, password=body.password)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/me/export",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/zip": {}}, "description": "A ZIP archive"}},
    summary="Everything stored about the signed-in person, as a ZIP download",
)
async def export_me(
    user: CurrentUser, database: DatabaseDep, media: MediaStoreDep
) -> StreamingResponse:
    """`export.json` (profile, sessions, entries, intake conversations, visualizations with
    their analysis, AI usage) and `pictures/<visualization id>/` (the images and thumbnails
    themselves), streamed as it is made."""
    day = datetime.now(UTC).date().isoformat()
    return StreamingResponse(
        Export(database, media, user.id).archive(),
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="emotionviz-export-{day}.zip"',
            "Cache-Control": "no-store",
        },
    )
