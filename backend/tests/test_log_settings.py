"""LOG_LEVEL and LOG_FORMAT are read in any case; a wrong value names the valid ones."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from app.platform.config import Settings


@pytest.mark.parametrize(
    ("given", "level"),
    [("warning", "WARNING"), ("Warning", "WARNING"), (" debug ", "DEBUG"), ("ERROR", "ERROR")],
)
def test_log_level_is_accepted_in_any_case(
    monkeypatch: pytest.MonkeyPatch, given: str, level: str
) -> None:
    monkeypatch.setenv("LOG_LEVEL", given)
    assert Settings(_env_file=None).log_level == level


def test_an_unknown_log_level_is_refused_naming_the_valid_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LOG_LEVEL", "verbose")
    with pytest.raises(ValidationError) as refused:
        Settings(_env_file=None)
    message = str(refused.value)
    assert "log_level" in message
    assert "LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR (any case), not 'verbose'" in (
        message
    )


def test_log_format_defaults_to_auto_and_is_accepted_in_any_case(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("LOG_FORMAT", raising=False)
    assert Settings(_env_file=None).log_format == "auto"
    monkeypatch.setenv("LOG_FORMAT", "TEXT")
    assert Settings(_env_file=None).log_format == "text"
    monkeypatch.setenv("LOG_FORMAT", "pretty")
    with pytest.raises(ValidationError, match="LOG_FORMAT must be one of auto, json, text"):
        Settings(_env_file=None)
