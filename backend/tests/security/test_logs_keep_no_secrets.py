"""Secrets never reach the logs: passwords, tokens, the Gemini key and the JWT secret.

The logging is configured as `emotionviz serve` does (JSON to stdout and the rotating file), but
at DEBUG and with the HTTP clients' loggers opened up to DEBUG too; then a whole session is
played on the app's own engine: register, login, failed login, authenticated calls, a refused
token, Gemini calls with the key (one accepted, one refused). Every line written is searched.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from app.ai.gemini import GeminiProvider
from app.main import create_app
from app.platform.config import Settings
from app.platform.db.database import Database, create_engine
from app.platform.observability.logging import configure_logging
from tests.fakes.fixtures import FAKE_GEMINI_KEY, fake_gemini, make_gemini_provider
from tests.fakes.gemini import FakeGemini
from tests.helpers.clients import client_for
from tests.helpers.routes import API
from tests.helpers.settings import TEST_JWT_SECRET

__all__ = ["fake_gemini"]

PASSWORD = "Unguessable-Passw0rd-7731"
WRONG_PASSWORD = "Wrong-Passw0rd-4410"
# Opened to DEBUG beyond what configure_logging allows: the clients that carry keys and tokens.
THIRD_PARTY = ("httpx", "httpx2", "httpcore", "httpcore2", "google_genai", "asyncio", "uvicorn")
# SQL statements (INFO) as an operator chasing a query would turn on; their bound values must be
# hidden. (Result rows are SQLAlchemy's DEBUG dump: it keeps its loggers at WARN unless told.)
SQL_LOGGER = "sqlalchemy.engine"


@pytest.fixture
def debug_log_file(settings: Settings, tmp_path: Path) -> Iterator[Path]:
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    saved = {name: logging.getLogger(name).level for name in (*THIRD_PARTY, SQL_LOGGER)}
    configure_logging(
        settings.model_copy(update={"data_dir": tmp_path, "log_level": "DEBUG"}), to_file=True
    )
    for name in THIRD_PARTY:
        logging.getLogger(name).setLevel(logging.DEBUG)
    logging.getLogger(SQL_LOGGER).setLevel(logging.INFO)
    try:
        yield tmp_path / "logs" / "app.log"
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
            handler.close()
        for handler in saved_handlers:
            root.addHandler(handler)
        root.setLevel(saved_level)
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)
        logging.getLogger("uvicorn.access").disabled = False


async def test_a_whole_session_logs_no_password_token_key_or_secret(
    debug_log_file: Path,
    settings: Settings,
    fake_gemini: FakeGemini,
    capsys: pytest.CaptureFixture[str],
) -> None:
    provider: GeminiProvider = make_gemini_provider(fake_gemini, settings)
    # The app's own engine (not the test transaction): its options are part of what is tested.
    database = Database.from_engine(create_engine(settings))
    app = create_app(settings, database=database, ai_provider=provider)
    tokens: list[str] = []
    try:
        async for client in client_for(app):
            email = "logged-user@example.com"
            body = {"email": email, "password": PASSWORD, "name": "Logged"}
            registered = await client.post(f"{API}/auth/register", json=body)
            assert registered.status_code == 201
            tokens.append(registered.json()["data"]["access_token"])
            failed = await client.post(
                f"{API}/auth/login", json={"email": email, "password": WRONG_PASSWORD}
            )
            assert failed.status_code == 401
            login = await client.post(
                f"{API}/auth/login", json={"email": email, "password": PASSWORD}
            )
            tokens.append(login.json()["data"]["access_token"])
            headers = {"Authorization": f"Bearer {tokens[-1]}"}

            await client.get(f"{API}/auth/me", headers=headers)
            await client.get(f"{API}/entries", headers={"Authorization": f"Bearer {tokens[0]}x"})
            analysed = await client.post(
                f"{API}/intake/analyze", json={"situation": "A tense week"}, headers=headers
            )
            assert analysed.status_code == 200, analysed.text
            fake_gemini.valid_keys = {"a-different-key"}  # now the key is refused
            refused = await client.post(
                f"{API}/intake/analyze", json={"situation": "Another week"}, headers=headers
            )
            assert refused.status_code == 503
    finally:
        await provider.aclose()
        async with database.engine.begin() as conn:
            await conn.execute(text("DELETE FROM users WHERE email = 'logged-user@example.com'"))
        await database.dispose()

    for handler in logging.getLogger().handlers:
        handler.flush()
    written = await asyncio.to_thread(debug_log_file.read_text)
    written += capsys.readouterr().out
    assert '"logger":"app.access"' in written  # the capture really saw the session
    assert "ai call" in written
    assert "INSERT INTO users" in written  # SQL was logged, its values were not
    secrets = {
        "password": PASSWORD,
        "wrong password": WRONG_PASSWORD,
        "gemini key": FAKE_GEMINI_KEY,
        "jwt secret": TEST_JWT_SECRET,
        "password hash": "$argon2id$",
        **{f"token {i}": token for i, token in enumerate(tokens)},
        **{f"token {i} signature": token.rsplit(".", 1)[1] for i, token in enumerate(tokens)},
    }
    leaked = [name for name, secret in secrets.items() if secret in written]
    assert leaked == []
