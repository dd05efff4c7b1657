from __future__ import annotations

from pydantic import BaseModel


class EmotionPublic(BaseModel):
    id: str
    name: str
    description: str
    color: str
    icon: str


class EmotionsPublic(BaseModel):
    emotions: list[EmotionPublic]
