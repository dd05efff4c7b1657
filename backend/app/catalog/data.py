"""The emotion catalog: the single source of truth for entries, intake options and analytics."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class Emotion:
    id: str
    name: str
    description: str
    color: str
    icon: str


CATALOG: tuple[Emotion, ...] = (
    Emotion("joy", "Joy", "Happiness, delight, a sense that things are good.", "#FFD700", "smile"),
    Emotion("sadness", "Sadness", "Loss, disappointment or grief.", "#4A6FA5", "cloud.rain"),
    Emotion("anger", "Anger", "Feeling wronged, blocked or provoked.", "#C0392B", "flame"),
    Emotion("fear", "Fear", "A sense of threat or danger.", "#6C3483", "exclamationmark.triangle"),
    Emotion("disgust", "Disgust", "Aversion or moral revulsion.", "#6B8E23", "hand.raised"),
    Emotion("surprise", "Surprise", "Something unexpected happened.", "#FF8C42", "sparkles"),
    Emotion("anxiety", "Anxiety", "Worry about what might happen.", "#808080", "cloud"),
    Emotion("contentment", "Contentment", "Calm satisfaction and ease.", "#7FB685", "leaf"),
    Emotion(
        "frustration", "Frustration", "Effort that keeps meeting obstacles.", "#B85C38", "tornado"
    ),
    Emotion("excitement", "Excitement", "Energised anticipation.", "#E84393", "bolt"),
)

EMOTIONS_BY_ID: dict[str, Emotion] = {e.id: e for e in CATALOG}
EMOTION_IDS: tuple[str, ...] = tuple(EMOTIONS_BY_ID)

# An enum of the ids, for request schemas and AI response schemas (so models can only pick these).
EmotionId = StrEnum("EmotionId", {e.id: e.id for e in CATALOG})  # type: ignore[misc]
