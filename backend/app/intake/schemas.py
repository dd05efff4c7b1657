"""Intake bodies. Scenarios are the AI layer's own models, sent as they are."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, Field

from app.ai.protocol import ProviderName, Scenario
from app.entries.schemas import Emotions, EntryPublic, Intensity, Situation
from app.platform.http.schemas import RequestModel

MAX_ADDITIONAL_CONTEXT_LENGTH = 2000
MAX_OPTION_ID_LENGTH = 64


def _blank_is_none(value: str | None) -> str | None:
    # "   " adds nothing to the conversation; keep it out of the prompt and the history.
    if value is None or not value.strip():
        return None
    return value.strip()


class IntakeAnalyze(RequestModel):
    situation: Situation


class IntakeRefine(RequestModel):
    session_id: uuid.UUID
    selected_option_id: str = Field(
        min_length=1,
        max_length=MAX_OPTION_ID_LENGTH,
        description="The id of an option offered in the session's current step.",
        examples=["q1-b"],
    )
    additional_context: Annotated[
        str | None,
        Field(
            max_length=MAX_ADDITIONAL_CONTEXT_LENGTH,
            description="Optional words of the person's own, up to 2000 characters; blank = none.",
        ),
        AfterValidator(_blank_is_none),
    ] = None


class IntakeComplete(RequestModel):
    session_id: uuid.UUID
    final_emotions: Emotions
    intensity: Intensity


class IntakeStarted(BaseModel):
    session_id: uuid.UUID
    scenarios: list[Scenario]
    ai_context: dict[str, Any] = Field(description="The provider's notes (themes, provider).")
    provider: ProviderName
    current_step: int
    rounds_left: int = Field(description="How many more answers the flow will still take.")


class IntakeRefined(BaseModel):
    session_id: uuid.UUID
    is_complete: bool
    scenarios: list[Scenario] = Field(description="Empty when the flow is complete.")
    provider: ProviderName
    current_step: int
    rounds_left: int


class IntakeCompleted(BaseModel):
    entry: EntryPublic
    ai_summary: str
    insights: list[str]
    situation_summary: str
    session_id: uuid.UUID
    provider: ProviderName
