from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class EmotionPublic(BaseModel):
    id: str
    name: str
    description: str
    color: str
    icon: str = Field(description="An SF Symbols name.")
    category: Literal["good", "bad"] | None = Field(
        description="`good` or `bad` for the emotions of the drawing screen; null for the "
        "journal's ten."
    )


class EmotionsPublic(BaseModel):
    emotions: list[EmotionPublic]
