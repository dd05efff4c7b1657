"""Auth routes: register, login, refresh, me."""

from __future__ import annotations

from fastapi import APIRouter, status

from app.auth import service
from app.auth.deps import CurrentUser, LoginGuardDep, PasswordHasherDep, TokenServiceDep
from app.auth.schemas import (
    AIUsagePublic,
    AllowancePublic,
    AuthPublic,
    LoginRequest,
    MePublic,
    RegisterRequest,
    TokenPublic,
    UserPublic,
)
from app.core.db import RequestDbDep, SessionDep
from app.core.envelope import Envelope, ok
from app.core.errors import Unauthorized
from app.core.security import TokenService
from app.models import User
from app.quota.deps import AIQuotaDep

router = APIRouter(prefix="/auth", tags=["auth"])


def _auth_response(user: User, tokens: TokenService) -> AuthPublic:
    return AuthPublic(
        access_token=tokens.issue(user.id),
        expires_in=tokens.expires_in,
        user=UserPublic.model_validate(user, from_attributes=True),
    )


@router.post("/register", status_code=status.HTTP_201_CREATED, summary="Create an account")
async def register(
    body: RegisterRequest,
    db: RequestDbDep,
    hasher: PasswordHasherDep,
    tokens: TokenServiceDep,
) -> Envelope[AuthPublic]:
    user = await service.register_user(
        db, hasher, email=body.email, password=body.password, name=body.name
    )
    return ok(_auth_response(user, tokens))


@router.post("/login", summary="Exchange e-mail and password for an access token")
async def login(
    body: LoginRequest,
    db: RequestDbDep,
    hasher: PasswordHasherDep,
    tokens: TokenServiceDep,
    guard: LoginGuardDep,
) -> Envelope[AuthPublic]:
    email = service.normalise_email(body.email)
    # Keyed by the e-mail as typed, known or not, so the limit reveals nothing about accounts.
    await guard.refuse_if_blocked(email)
    try:
        user = await service.authenticate(db, hasher, email=email, password=body.password)
    except Unauthorized:
        await guard.record_failure(email)
        raise
    return ok(_auth_response(user, tokens))


@router.post("/refresh", summary="A fresh token for a currently valid one")
async def refresh(user: CurrentUser, tokens: TokenServiceDep) -> Envelope[TokenPublic]:
    return ok(TokenPublic(access_token=tokens.issue(user.id), expires_in=tokens.expires_in))


@router.get("/me", summary="The signed-in user and their counts")
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
