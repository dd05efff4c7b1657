"""The shape of the offline story bank, and the parts of it that no language changes (icons)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class BankFactor:
    key: str
    label: str
    insight: str
    # Lower-case stems (Latin scripts: matched at the start of a word, accents ignored) or
    # substrings (Chinese, which has no spaces) that make this factor relevant to a story.
    keywords: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class BankCategory:
    key: str
    stressor: str
    keywords: tuple[str, ...]
    factors: tuple[BankFactor, ...]


def kw(words: str) -> tuple[str, ...]:
    """Keywords written as one "|"-separated string, which keeps the data modules readable."""
    return tuple(w.strip().lower() for w in words.split("|") if w.strip())


# Ties between categories go to the earlier one: a story about a funeral that also mentions work
# is about the loss first. The general category has no keywords and catches everything else.
CATEGORY_ORDER: tuple[str, ...] = (
    "grief",
    "health",
    "performance",
    "study",
    "money",
    "relationship",
    "family",
    "loneliness",
    "self_image",
    "work",
    "general",
)
FALLBACK_CATEGORY = "general"

CENTRE_ICONS: dict[str, str] = {
    "grief": "leaf",
    "health": "medical_cross",
    "performance": "microphone",
    "study": "book",
    "money": "coins",
    "relationship": "broken_heart",
    "family": "house",
    "loneliness": "person_alone",
    "self_image": "mirror",
    "work": "briefcase",
    "general": "cloud",
}

FACTOR_ICONS: dict[str, dict[str, str]] = {
    "grief": {
        "absence": "heart",
        "unsaid": "speech_bubble",
        "guilt": "weight",
        "changed": "clock",
        "alone": "person_alone",
    },
    "health": {
        "unknown": "question",
        "body_watch": "eye",
        "control": "cloud",
        "loved_one": "heart",
        "drained": "battery",
    },
    "performance": {
        "judgment": "eye",
        "perfection": "target",
        "body_alarm": "pulse",
        "stakes": "spotlight",
        "comparison": "chart",
    },
    "study": {
        "failing": "arrow_down",
        "grades_worth": "target",
        "expectations": "house",
        "time": "clock",
        "future": "question",
    },
    "money": {
        "debt": "weight",
        "income": "chart",
        "shame": "eye",
        "worst_case": "cloud",
        "providing": "house",
    },
    "relationship": {
        "unheard": "speech_bubble",
        "abandonment": "person_alone",
        "expectations": "scale",
        "trust": "shield",
        "loop": "loop",
    },
    "family": {
        "duty": "scale",
        "approval": "heart",
        "comparison": "chart",
        "roles": "people",
        "guilt": "weight",
    },
    "loneliness": {
        "connection": "people",
        "burden": "weight",
        "shrinking": "door",
        "evenings": "moon",
        "online": "phone",
    },
    "self_image": {
        "social_media": "phone",
        "inner_critic": "speech_bubble",
        "appearance": "eye",
        "never_enough": "target",
        "approval": "people",
    },
    "work": {
        "workload": "stack",
        "boss": "arrow_down",
        "deadlines": "clock",
        "unseen": "eye",
        "blurred": "house",
    },
    "general": {
        "too_much": "stack",
        "uncertain": "question",
        "alone": "person_alone",
        "self_judgment": "mirror",
        "empty": "battery",
    },
}
