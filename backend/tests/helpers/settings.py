"""The settings the tests run the app with."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import SecretStr

from app.platform.config import Settings

TEST_JWT_SECRET = "test-secret-" + "x" * 40


def make_settings(pg_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        # The run's private sandbox, which tests/conftest.py points DATA_DIR at before any import.
        "data_dir": Path(os.environ["DATA_DIR"]),
        "database_url": pg_url,
        "jwt_secret_key": TEST_JWT_SECRET,
        "ai_provider": "local",
        "worker_in_process": False,
        "rate_limit_enabled": False,
        "log_level": "INFO",
        # Each access line as its request ends, so tests can read it at once
        # (tests/test_access_log.py covers the batches).
        "access_log_batch_ms": 0,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


def unreachable_db_settings(settings: Settings) -> Settings:
    """`settings` pointed at a port where no PostgreSQL listens, giving up after a second."""
    return settings.model_copy(
        update={
            "database_url": SecretStr("postgresql+asyncpg://nobody@127.0.0.1:1/none"),
            "db_connect_timeout_seconds": 1.0,
        }
    )
