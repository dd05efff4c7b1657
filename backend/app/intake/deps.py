"""What the intake routes need to call the AI, as typed dependencies."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from starlette.requests import HTTPConnection

from app.ai.protocol import AIProvider
from app.intake.ai_step import IntakeAI
from app.quota.deps import quota_from_settings


def get_ai_provider(conn: HTTPConnection) -> AIProvider:
    provider: AIProvider = conn.app.state.ai_provider
    return provider


async def get_intake_ai(conn: HTTPConnection) -> IntakeAI:
    settings = conn.app.state.settings
    return IntakeAI(
        provider=get_ai_provider(conn),
        quota=quota_from_settings(settings),
        deadline_seconds=settings.ai_text_deadline_seconds,
    )


AIProviderDep = Annotated[AIProvider, Depends(get_ai_provider)]
IntakeAIDep = Annotated[IntakeAI, Depends(get_intake_ai)]
