"""The test database: its tables, and one-off SQL on a connection of its own."""

from __future__ import annotations

import asyncpg

# Every table a test may write, emptied after a test that really commits (`committed_db`).
TABLES = (
    "visualizations",
    "emotion_entries",
    "intake_sessions",
    "emotion_analytics",
    "ai_usage",
    "auth_sessions",
    "login_addresses",
    "users",
    "pending_media_deletions",
)


async def run_sql(url: str, sql: str) -> asyncpg.Record | None:
    """Run `sql` on a fresh asyncpg connection to `url` (a libpq URL); its first row, if any."""
    conn = await asyncpg.connect(url)
    try:
        return await conn.fetchrow(sql)
    finally:
        await conn.close()
