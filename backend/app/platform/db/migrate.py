"""Run Alembic programmatically (CLI start-up, tests)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from app.platform.config import BACKEND_DIR


def alembic_config(url: str | None = None) -> Config:
    cfg = Config(str(BACKEND_DIR / "alembic.ini"))
    cfg.set_main_option("script_location", str(BACKEND_DIR / "migrations"))
    if url:
        cfg.attributes["url"] = url
    return cfg


def upgrade(url: str | None = None, revision: str = "head") -> None:
    """Apply migrations. Must be called outside a running event loop (env.py uses asyncio.run)."""
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str | None = None, revision: str = "base") -> None:
    command.downgrade(alembic_config(url), revision)
