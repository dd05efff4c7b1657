"""Intake routes (SPEC §4.5): analyze → refine (up to 3 rounds) → complete.

Another user's session is 403 and an unknown one 404, as for entries; see service.py for the
rules on steps, locking and AI failures.
"""

from __future__ import annotations

from fastapi import APIRouter, status

from app.auth.deps import CurrentUser
from app.core.db import SessionDep
from app.core.envelope import Envelope, ok
from app.intake import service
from app.intake.deps import AIProviderDep
from app.intake.schemas import (
    IntakeAnalyze,
    IntakeComplete,
    IntakeCompleted,
    IntakeRefine,
    IntakeRefined,
    IntakeStarted,
)

router = APIRouter(prefix="/intake", tags=["intake"])


@router.post("/analyze", summary="Start a guided intake: the first question about a situation")
async def analyze(
    body: IntakeAnalyze, user: CurrentUser, session: SessionDep, provider: AIProviderDep
) -> Envelope[IntakeStarted]:
    return ok(await service.analyze(session, user, provider, body))


@router.post("/refine", summary="Answer the current question; get the next one or the end")
async def refine(
    body: IntakeRefine, user: CurrentUser, session: SessionDep, provider: AIProviderDep
) -> Envelope[IntakeRefined]:
    return ok(await service.refine(session, user, provider, body))


@router.post(
    "/complete",
    status_code=status.HTTP_201_CREATED,
    summary="Finish the intake: the AI's summary and insights, saved as a journal entry",
)
async def complete(
    body: IntakeComplete, user: CurrentUser, session: SessionDep, provider: AIProviderDep
) -> Envelope[IntakeCompleted]:
    return ok(await service.complete(session, user, provider, body))
