"""Intake routes: analyze → refine (up to 3 rounds) → complete.

Another user's session is 403 and an unknown one 404, as for entries; see service.py for the
rules on steps, in-flight claims and AI failures.
"""

from __future__ import annotations

from fastapi import APIRouter, status

from app.auth.deps import CurrentUser
from app.intake import service
from app.intake.deps import IntakeAIDep
from app.intake.schemas import (
    IntakeAnalyze,
    IntakeComplete,
    IntakeCompleted,
    IntakeRefine,
    IntakeRefined,
    IntakeStarted,
)
from app.platform.db.database import RequestDbDep
from app.platform.http.envelope import Envelope, ok

router = APIRouter(prefix="/intake", tags=["intake"])


@router.post("/analyze", summary="Start a guided intake: the first question about a situation")
async def analyze(
    body: IntakeAnalyze, user: CurrentUser, db: RequestDbDep, ai: IntakeAIDep
) -> Envelope[IntakeStarted]:
    return ok(await service.analyze(db, user, ai, body))


@router.post("/refine", summary="Answer the current question; get the next one or the end")
async def refine(
    body: IntakeRefine, user: CurrentUser, db: RequestDbDep, ai: IntakeAIDep
) -> Envelope[IntakeRefined]:
    return ok(await service.refine(db, user, ai, body))


@router.post(
    "/complete",
    status_code=status.HTTP_201_CREATED,
    summary="Finish the intake: the AI's summary and insights, saved as a journal entry",
)
async def complete(
    body: IntakeComplete, user: CurrentUser, db: RequestDbDep, ai: IntakeAIDep
) -> Envelope[IntakeCompleted]:
    return ok(await service.complete(db, user, ai, body))
