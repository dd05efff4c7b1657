"""Base request schema: shared input rules for every body the API accepts."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator


def _contains_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_contains_nul(k) or _contains_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_contains_nul(v) for v in value)
    return False


class RequestModel(BaseModel):
    """Rejects unknown-type coercions and the NUL character.

    PostgreSQL text cannot store U+0000, so letting it through would turn bad input into a 500.
    """

    model_config = ConfigDict(str_strip_whitespace=False, extra="ignore")

    @model_validator(mode="before")
    @classmethod
    def _reject_nul(cls, data: Any) -> Any:
        if _contains_nul(data):
            raise ValueError("Text must not contain the NUL character (U+0000).")
        return data
