"""One user driving the intake over HTTP, and the intake's rows as the database has them."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import EmotionEntry, IntakeSession

INTAKE = "/api/v1/intake"
SITUATION = "My manager moved the project deadline up by a week and I am behind"


class Intake:
    """One user driving the intake over HTTP."""

    def __init__(self, client: httpx.AsyncClient, headers: dict[str, str]) -> None:
        self.client = client
        self.headers = headers

    async def analyze(self, situation: Any = SITUATION) -> httpx.Response:
        return await self.client.post(
            f"{INTAKE}/analyze", json={"situation": situation}, headers=self.headers
        )

    async def start(self, situation: str = SITUATION) -> dict[str, Any]:
        response = await self.analyze(situation)
        assert response.status_code == 200, response.text
        data: dict[str, Any] = response.json()["data"]
        return data

    async def refine(
        self, session_id: Any, option_id: Any, additional_context: Any = None, **extra: Any
    ) -> httpx.Response:
        body: dict[str, Any] = {"session_id": str(session_id), "selected_option_id": option_id}
        if additional_context is not None:
            body["additional_context"] = additional_context
        body.update(extra)
        return await self.client.post(f"{INTAKE}/refine", json=body, headers=self.headers)

    async def complete(
        self,
        session_id: Any,
        final_emotions: Any = ("anxiety", "frustration"),
        intensity: Any = 0.7,
    ) -> httpx.Response:
        body = {
            "session_id": str(session_id),
            "final_emotions": list(final_emotions),
            "intensity": intensity,
        }
        return await self.client.post(f"{INTAKE}/complete", json=body, headers=self.headers)


def first_option(scenarios: list[dict[str, Any]]) -> str:
    option_id: str = scenarios[0]["options"][0]["id"]
    return option_id


async def load_session(session: AsyncSession, session_id: str | uuid.UUID) -> IntakeSession:
    """The row as the database has it now (not a cached copy)."""
    row = await session.scalar(
        select(IntakeSession)
        .where(IntakeSession.id == uuid.UUID(str(session_id)))
        .execution_options(populate_existing=True)
    )
    assert row is not None
    return row


async def entries_of_session(session: AsyncSession, session_id: str) -> list[EmotionEntry]:
    rows = await session.scalars(
        select(EmotionEntry)
        .where(EmotionEntry.intake_session_id == uuid.UUID(session_id))
        .execution_options(populate_existing=True)
    )
    return list(rows)
