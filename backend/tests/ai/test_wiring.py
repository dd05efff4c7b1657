"""The provider on app.state: chosen by settings, reported by /health/ready, closed on shutdown."""

from __future__ import annotations

import subprocess
import sys

import httpx
import pytest
from asgi_lifespan import LifespanManager

from app.ai.errors import AITextError
from app.ai.factory import build_provider
from app.ai.gemini import GeminiProvider
from app.ai.local import LocalProvider
from app.main import create_app
from app.platform.config import BACKEND_DIR, Settings
from app.platform.db.database import Database
from bench.asgi_state import per_request_state
from tests.fakes import replies
from tests.fakes.fixtures import fake_gemini_settings, make_gemini_provider
from tests.fakes.gemini import FakeGemini


def test_auto_picks_local_without_a_key_and_gemini_with_one(settings: Settings) -> None:
    local = settings.model_copy(update={"ai_provider": "auto", "gemini_api_key": None})
    assert isinstance(build_provider(local), LocalProvider)
    with FakeGemini.running() as fake:
        keyed = fake_gemini_settings(fake, settings, ai_provider="auto")
        assert isinstance(build_provider(keyed), GeminiProvider)


def test_gemini_without_a_key_is_refused_with_a_clear_message(settings: Settings) -> None:
    forced = settings.model_copy(update={"ai_provider": "gemini", "gemini_api_key": None})
    with pytest.raises(ValueError, match="GEMINI_API_KEY"):
        build_provider(forced)


async def test_ready_says_not_configured_with_the_local_provider(
    client: httpx.AsyncClient,
) -> None:
    body = (await client.get("/health/ready")).json()
    assert body["checks"]["gemini_api"] == "not_configured"
    assert body["checks"]["nanobanana_api"] == "not_configured"


async def test_ready_reports_gemini_health_without_calling_it(
    settings: Settings, database: Database, fake_gemini: FakeGemini
) -> None:
    provider = make_gemini_provider(fake_gemini, settings, ai_max_retries=0)
    app = create_app(settings, database=database, ai_provider=provider)
    try:
        async with LifespanManager(per_request_state(app)) as manager:
            transport = httpx.ASGITransport(app=manager.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                ready = (await client.get("/health/ready")).json()
                assert ready["checks"]["gemini_api"] == "healthy"
                assert fake_gemini.requests == []  # readiness never spends money
                fake_gemini.script(replies.error_reply(503, "UNAVAILABLE"))
                with pytest.raises(AITextError):
                    await app.state.ai_provider.start_intake("x")
                ready = (await client.get("/health/ready")).json()
                assert ready["checks"]["gemini_api"] == "unhealthy"
                assert ready["checks"]["nanobanana_api"] == "healthy"
                assert ready["status"] == "ready"  # the database decides readiness
    finally:
        await provider.aclose()


async def test_the_app_builds_and_closes_its_own_provider(
    settings: Settings, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    closed: list[bool] = []

    async def aclose(self: LocalProvider) -> None:
        closed.append(True)

    monkeypatch.setattr(LocalProvider, "aclose", aclose)
    app = create_app(settings, database=database)
    async with LifespanManager(app):
        assert isinstance(app.state.ai_provider, LocalProvider)
    assert closed == [True]


def test_the_offline_server_never_loads_the_gemini_sdk() -> None:
    """google-genai (with aiohttp) is ~45 MB a worker: only a Gemini-backed process pays it."""
    code = (
        "import sys, app.main\n"
        "loaded = sorted(m for m in sys.modules if m.startswith(('google.genai', 'aiohttp')))\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=BACKEND_DIR, check=True, timeout=120)
