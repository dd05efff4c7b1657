"""Pytest fixtures around the fake Gemini, for any test package.

Use them from your package's conftest.py:

    from tests.fakes.fixtures import fake_gemini, gemini_provider  # noqa: F401

- `fake_gemini`: a running `FakeGemini` (tests/fakes/gemini.py), fresh for each test.
- `gemini_provider`: a real `GeminiProvider` (real SDK) pointed at it, closed afterwards. Pass it to
  `create_app(settings, database=..., ai_provider=gemini_provider)` to run the app on the fake.
- `fake_gemini_settings(fake, base=None, **overrides)`: Settings for the Gemini path on the fake
  (key `FAKE_GEMINI_KEY`, tiny retry delays, short timeouts); `base` keeps your other settings.
- `make_gemini_provider(fake, base=None, **overrides)`: the same, as a provider (close it yourself).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from pydantic import SecretStr

from app.ai.gemini import GeminiProvider
from app.platform.config import Settings
from tests.fakes.gemini import FakeGemini

FAKE_GEMINI_KEY = "fake-gemini-key-0123456789"


def fake_gemini_settings(
    fake: FakeGemini, base: Settings | None = None, **overrides: Any
) -> Settings:
    values: dict[str, Any] = {
        "ai_provider": "gemini",
        "gemini_api_key": SecretStr(FAKE_GEMINI_KEY),
        "gemini_base_url": fake.base_url,
        "ai_max_retries": 3,
        "ai_retry_base_delay_seconds": 0.01,
        "gemini_text_timeout_seconds": 5.0,
        "nanobanana_timeout_seconds": 5.0,
        "ai_circuit_failure_threshold": 5,
        "ai_circuit_reset_seconds": 30.0,
    }
    values.update(overrides)
    for secret in ("gemini_api_key", "nanobanana_api_key"):
        if isinstance(values.get(secret), str):
            values[secret] = SecretStr(values[secret])
    if base is not None:
        return base.model_copy(update=values)
    return Settings(_env_file=None, **values)


def make_gemini_provider(
    fake: FakeGemini, base: Settings | None = None, **overrides: Any
) -> GeminiProvider:
    return GeminiProvider(fake_gemini_settings(fake, base, **overrides))


@pytest.fixture
def fake_gemini() -> Iterator[FakeGemini]:
    with FakeGemini.running() as fake:
        yield fake


@pytest.fixture
async def gemini_provider(fake_gemini: FakeGemini) -> AsyncIterator[GeminiProvider]:
    provider = make_gemini_provider(fake_gemini)
    yield provider
    await provider.aclose()
