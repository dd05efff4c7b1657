"""The emotion catalog: the single source of truth for entries, intake options and analytics.

Two sets share it: the journal's ten emotions, which the guided intake offers, and the eleven of
the app's "Draw My Feelings" screen (app.catalog.feelings), which a drawing kept in the journal
records. An entry may name any of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from app.catalog.feelings import PROFILES


@dataclass(frozen=True, slots=True)
class Emotion:
    id: str
    name: str
    description: str
    color: str
    icon: str
    # How the drawing screen sorts its emotions; the journal's ten are not split that way.
    category: Literal["good", "bad"] | None = None


JOURNAL_EMOTIONS: tuple[Emotion, ...] = (
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

# The drawing screen's emotions, coloured with the accent the app shows for each.
DRAWING_EMOTIONS: tuple[Emotion, ...] = tuple(
    Emotion(p.id, p.name, p.description, p.accent, p.icon, p.category) for p in PROFILES
)

CATALOG: tuple[Emotion, ...] = JOURNAL_EMOTIONS + DRAWING_EMOTIONS

EMOTIONS_BY_ID: dict[str, Emotion] = {e.id: e for e in CATALOG}
EMOTION_IDS: tuple[str, ...] = tuple(EMOTIONS_BY_ID)

# Enums of the ids, for request schemas and AI response schemas (so models can only pick these).
EmotionId = StrEnum("EmotionId", {e.id: e.id for e in CATALOG})  # type: ignore[misc]
# What the guided intake's questions may point at: the journal's own vocabulary.
IntakeEmotionId = StrEnum("IntakeEmotionId", {e.id: e.id for e in JOURNAL_EMOTIONS})  # type: ignore[misc]
