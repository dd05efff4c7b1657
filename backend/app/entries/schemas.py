"""Entry bodies. `intensity` leaves as a JSON number: the iOS app decodes a Double."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, Field, model_validator

from app.catalog.data import EmotionId
from app.platform.http.schemas import RequestModel

MAX_SITUATION_LENGTH = 5000
MAX_NOTES_LENGTH = 10000
MAX_EMOTIONS = 10
_HUNDREDTH = Decimal("0.01")


def intensity_to_decimal(value: float) -> Decimal:
    """The stored form: two decimals, half up (0.745 -> 0.75), as numeric(3,2) holds it."""
    return Decimal(repr(value)).quantize(_HUNDREDTH, rounding=ROUND_HALF_UP)


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("Situation must not be blank.")
    return value


def _unique(value: list[EmotionId]) -> list[EmotionId]:
    if len(set(value)) != len(value):
        raise ValueError("Each emotion may appear only once.")
    return value


Situation = Annotated[
    str,
    Field(
        min_length=1, max_length=MAX_SITUATION_LENGTH, examples=["My manager moved the deadline"]
    ),
    AfterValidator(_not_blank),
]
Emotions = Annotated[
    list[EmotionId],
    Field(
        min_length=1,
        max_length=MAX_EMOTIONS,
        description="1–10 distinct ids from GET /emotions.",
        examples=[["anxiety", "frustration"]],
    ),
    AfterValidator(_unique),
]
Intensity = Annotated[
    float,
    Field(
        ge=0,
        le=1,
        # Strict: a bool or a numeric string is a client bug, not an intensity.
        strict=True,
        allow_inf_nan=False,
        description="0 to 1; stored with two decimals.",
        examples=[0.7],
    ),
]
Notes = Annotated[str, Field(max_length=MAX_NOTES_LENGTH)]


class EntryCreate(RequestModel):
    # `id`, `user_id`, `source`, timestamps: not fields, so a body carrying them changes nothing.
    situation: Situation
    emotions: Emotions
    intensity: Intensity
    notes: Notes | None = None


class EntryUpdate(RequestModel):
    """Partial update: only the fields sent change (`notes: null` clears the notes)."""

    situation: Situation | None = None
    emotions: Emotions | None = None
    intensity: Intensity | None = None
    notes: Notes | None = None

    @model_validator(mode="after")
    def _required_fields_not_null(self) -> EntryUpdate:
        nulled = [
            name
            for name in ("situation", "emotions", "intensity")
            if name in self.model_fields_set and getattr(self, name) is None
        ]
        if nulled:
            raise ValueError(f"{', '.join(nulled)} cannot be null; leave the field out instead.")
        return self

    def changes(self) -> dict[str, Any]:
        values = self.model_dump(exclude_unset=True)
        if "emotions" in values:
            values["emotions"] = [str(e) for e in values["emotions"]]
        if "intensity" in values:
            values["intensity"] = intensity_to_decimal(values["intensity"])
        return values


class EntryPublic(BaseModel):
    id: uuid.UUID
    situation: str
    emotions: list[str]
    intensity: float = Field(description="0 to 1, two decimals, always a JSON number.")
    notes: str | None
    source: str
    created_at: datetime
    updated_at: datetime
    has_visualization: bool
    visualization_id: uuid.UUID | None = None


class EntryCreated(BaseModel):
    entry: EntryPublic


class EntriesPublic(BaseModel):
    entries: list[EntryPublic]
    total: int
    limit: int
    offset: int


class EntrySort(StrEnum):
    newest_first = "-created_at"
    oldest_first = "created_at"
    most_intense_first = "-intensity"
    least_intense_first = "intensity"
    recently_updated_first = "-updated_at"
    least_recently_updated_first = "updated_at"

    @property
    def column_name(self) -> str:
        return self.value.lstrip("-")

    @property
    def descending(self) -> bool:
        return self.value.startswith("-")
