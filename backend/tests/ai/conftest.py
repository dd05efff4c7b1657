"""AI tests: both providers, the fake Gemini and its fixtures."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from app.ai.local import LocalProvider
from app.ai.protocol import AIProvider
from tests.fakes.fixtures import fake_gemini, gemini_provider, make_gemini_provider
from tests.fakes.gemini import FakeGemini

__all__ = ["fake_gemini", "gemini_provider"]


@pytest.fixture(params=["local", "gemini"])
async def provider(request: pytest.FixtureRequest) -> AsyncIterator[AIProvider]:
    """Each contract test runs against the local provider and against Gemini on the fake."""
    if request.param == "local":
        yield LocalProvider()
        return
    with FakeGemini.running() as fake:
        gemini = make_gemini_provider(fake)
        yield gemini
        await gemini.aclose()
