"""The analysis of a story: a central stressor and the three or four factors feeding it.

The same models are the response schema the text model is asked to fill, so they stay plain
(strings, a list with bounds) rather than using types a model's schema language cannot express.
"""

from __future__ import annotations

from pydantic import BaseModel, Field, field_validator


class StoryFactor(BaseModel):
    factor: str = Field(
        description="A short label of 2-4 words, in Title Case where the language has case."
    )
    insight: str = Field(
        description=(
            "1-3 short sentences: the psychological root cause, a thinking pattern described "
            "without naming it, light social context where relevant. No advice."
        )
    )


class StoryAnalysis(BaseModel):
    central_stressor: str = Field(
        description=(
            "A general category of stress, not the event itself, at most 5 words, in Title "
            "Case where the language has case."
        )
    )
    # The app can tap only the picture's four corners, so never more than four factors.
    factors: list[StoryFactor] = Field(min_length=3, max_length=4)
    language: str = Field(
        min_length=2,
        max_length=2,
        description="ISO 639-1 code of the story's main language, two lower-case letters.",
    )

    @field_validator("language")
    @classmethod
    def _iso_639_1(cls, value: str) -> str:
        # A model may answer "EN"; the app compares the code as given, so store it lower-case.
        code = value.lower()
        if not (code.isascii() and code.isalpha()):
            raise ValueError("language must be two ASCII letters (ISO 639-1)")
        return code
