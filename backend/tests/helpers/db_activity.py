"""What the application's connections are doing right now, as PostgreSQL sees them."""

from __future__ import annotations

import asyncpg

from app.platform.db.database import libpq_url


async def busy_connections(pg_url: str) -> int:
    """The app's connections that are checked out doing something: running a statement or
    inside a transaction (an idle pooled connection is neither)."""
    conn = await asyncpg.connect(libpq_url(pg_url))
    try:
        count: int = await conn.fetchval(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE application_name = 'emotionviz' AND state <> 'idle'"
        )
        return count
    finally:
        await conn.close()
