"""The drawing screen's input rules, with the error details its app expects."""

from __future__ import annotations

from dataclasses import dataclass

from app.catalog.feelings import FEELING_CATEGORIES, PROFILES, PROFILES_BY_ID, FeelingProfile
from app.drawings.errors import TextTooShort
from app.drawings.schemas import FeelingRequest, StoryRequest
from app.platform.http.errors import ValidationFailed

MIN_STORY_LENGTH = 50
MAX_STORY_LENGTH = 5000
_EMOTION_IDS = [p.id for p in PROFILES]


@dataclass(frozen=True, slots=True)
class Feeling:
    """A checked request: the category as sent, the chosen profiles in the order sent."""

    category: str
    profiles: tuple[FeelingProfile, ...]


def checked_feeling(body: FeelingRequest) -> Feeling:
    category = body.feeling_category
    if category not in FEELING_CATEGORIES:
        raise ValidationFailed(
            "feeling_category must be one of: good, bad, not_sure.",
            details={
                "field": "feeling_category",
                "provided": category,
                "valid_values": list(FEELING_CATEGORIES),
            },
        )
    if not body.selected_emotions:
        raise ValidationFailed(
            "Choose at least one emotion.", details={"field": "selected_emotions"}
        )
    chosen = list(dict.fromkeys(body.selected_emotions))
    unknown = [e for e in chosen if e not in PROFILES_BY_ID]
    if unknown:
        raise ValidationFailed(
            f"Unknown emotion ids: {', '.join(unknown)}.",
            details={
                "field": "selected_emotions",
                "invalid_values": unknown,
                "valid_values": _EMOTION_IDS,
            },
        )
    # A category that does not match the emotions is accepted: the app allows it.
    return Feeling(category, tuple(PROFILES_BY_ID[e] for e in chosen))


def checked_story(body: StoryRequest) -> tuple[Feeling, str]:
    """The feeling and the story, trimmed; both limits count the trimmed text."""
    feeling = checked_feeling(body)
    story = (body.story_text or "").strip()
    if len(story) < MIN_STORY_LENGTH:
        raise TextTooShort(
            f"Tell a little more: at least {MIN_STORY_LENGTH} characters.",
            details={"min_length": MIN_STORY_LENGTH, "actual_length": len(story)},
        )
    if len(story) > MAX_STORY_LENGTH:
        raise ValidationFailed(
            f"The story is longer than {MAX_STORY_LENGTH} characters.",
            details={
                "field": "story_text",
                "max_length": MAX_STORY_LENGTH,
                "actual_length": len(story),
            },
        )
    return feeling, story
