"""Models and migrations agree, and the migration chain runs both ways."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator

import asyncpg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

import app.models  # noqa: F401
from app.platform.db.database import Base, libpq_url
from app.platform.db.migrate import downgrade, upgrade


@pytest.fixture(scope="module")
def scratch_url(pg_url: str) -> Iterator[str]:
    """A database of its own: the round trip must not disturb the shared test schema."""
    name = f"migrations_{uuid.uuid4().hex[:8]}"
    admin = libpq_url(pg_url)

    async def run(sql: str) -> None:
        conn = await asyncpg.connect(admin)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(run(f'CREATE DATABASE "{name}"'))
    yield make_url(pg_url).set(database=name).render_as_string(hide_password=False)
    asyncio.run(run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _diff(url: str) -> list[object]:
    def compare(conn: Connection) -> list[object]:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": True}
        )
        return list(compare_metadata(context, Base.metadata))

    async def run() -> list[object]:
        engine = create_async_engine(url)
        try:
            async with engine.connect() as conn:
                return await conn.run_sync(compare)
        finally:
            await engine.dispose()

    return asyncio.run(run())


def _tables(url: str) -> set[str]:
    async def run() -> set[str]:
        conn = await asyncpg.connect(libpq_url(url))
        try:
            rows = await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            return {r["tablename"] for r in rows}
        finally:
            await conn.close()

    return asyncio.run(run())


EXPECTED_TABLES = {
    "users",
    "emotion_entries",
    "visualizations",
    "intake_sessions",
    "emotion_analytics",
    "ai_usage",
    "auth_sessions",
    "login_addresses",
    "pending_media_deletions",
    "alembic_version",
}


def test_autogenerate_finds_no_drift_between_models_and_migrations(scratch_url: str) -> None:
    upgrade(scratch_url)
    assert _diff(scratch_url) == []


def test_downgrade_to_base_and_upgrade_to_head_round_trip(scratch_url: str) -> None:
    upgrade(scratch_url)
    assert _tables(scratch_url) == EXPECTED_TABLES
    downgrade(scratch_url, "base")
    assert _tables(scratch_url) == {"alembic_version"}
    upgrade(scratch_url)
    assert _tables(scratch_url) == EXPECTED_TABLES
    assert _diff(scratch_url) == []


async def test_updated_at_changes_on_every_update(session: object) -> None:
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import AsyncSession

    assert isinstance(session, AsyncSession)
    row = (
        await session.execute(
            text(
                "INSERT INTO users (email, hashed_password, name) "
                "VALUES ('touch@example.com', 'x', 'T') RETURNING id, updated_at"
            )
        )
    ).one()
    # now() is the transaction start, so move the stored value back to see the trigger act.
    await session.execute(
        text("UPDATE users SET updated_at = now() - interval '1 day' WHERE id = :id"),
        {"id": row.id},
    )
    await session.execute(text("UPDATE users SET name = 'U' WHERE id = :id"), {"id": row.id})
    updated = (
        await session.execute(
            text("SELECT updated_at, now() AS now FROM users WHERE id = :id"), {"id": row.id}
        )
    ).one()
    assert updated.updated_at == updated.now


async def test_schema_constraints_reject_invalid_rows(session: object) -> None:
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError
    from sqlalchemy.ext.asyncio import AsyncSession

    assert isinstance(session, AsyncSession)
    user_id = (
        await session.execute(
            text(
                "INSERT INTO users (email, hashed_password, name) "
                "VALUES ('c@example.com', 'x', 'C') RETURNING id"
            )
        )
    ).scalar_one()
    bad_rows = [
        "INSERT INTO users (email, hashed_password, name) VALUES ('Upper@Example.com', 'x', 'n')",
        "INSERT INTO users (email, hashed_password, name) VALUES ('no-at-sign', 'x', 'n')",
        f"INSERT INTO emotion_entries (user_id, situation, emotions, intensity) "
        f"VALUES ('{user_id}', 's', '{{}}', 0.5)",
        f"INSERT INTO emotion_entries (user_id, situation, emotions, intensity) "
        f"VALUES ('{user_id}', 's', '{{joy}}', 1.5)",
        f"INSERT INTO emotion_entries (user_id, situation, emotions, intensity) "
        f"VALUES ('{user_id}', '', '{{joy}}', 0.5)",
        f"INSERT INTO emotion_entries (user_id, situation, emotions, intensity, source) "
        f"VALUES ('{user_id}', 's', '{{joy}}', 0.5, 'other')",
    ]
    for sql in bad_rows:
        nested = await session.begin_nested()
        with pytest.raises(IntegrityError):
            await session.execute(text(sql))
        await nested.rollback()


def test_visual_elements_objects_become_the_array_and_come_back(scratch_url: str) -> None:
    """Rows written before the array shape are migrated both ways without losing their data."""
    downgrade(scratch_url, "base")
    upgrade(scratch_url, "0003")

    async def seed() -> None:
        conn = await asyncpg.connect(libpq_url(scratch_url))
        try:
            user = await conn.fetchval(
                "INSERT INTO users (email, hashed_password, name) "
                "VALUES ('a@example.com', 'x', 'A') RETURNING id"
            )
            entry = await conn.fetchval(
                "INSERT INTO emotion_entries (user_id, situation, emotions, intensity) "
                "VALUES ($1, 's', '{joy}', 0.5) RETURNING id",
                user,
            )
            await conn.execute(
                "INSERT INTO visualizations (entry_id, user_id, status, visual_elements, "
                "gemini_analysis) VALUES ($1, $2, 'completed', $3::jsonb, $4::jsonb)",
                entry,
                user,
                '{"color_palette": ["#AABBCC", "#112233"], "shape": "circles, waves", '
                '"shapes": ["circles", "waves"], "suggested_palette": ["#000000"]}',
                '{"shapes": ["circles", "waves"], "color_palette": ["#000000"]}',
            )
        finally:
            await conn.close()

    async def elements() -> object:
        conn = await asyncpg.connect(libpq_url(scratch_url))
        try:
            return json.loads(await conn.fetchval("SELECT visual_elements FROM visualizations"))
        finally:
            await conn.close()

    asyncio.run(seed())
    upgrade(scratch_url, "0004")
    assert asyncio.run(elements()) == [
        {"type": "color_palette", "values": ["#AABBCC", "#112233"]},
        {"type": "shape", "description": "circles, waves"},
    ]
    downgrade(scratch_url, "0003")
    assert asyncio.run(elements()) == {
        "color_palette": ["#AABBCC", "#112233"],
        "shape": "circles, waves",
        "shapes": ["circles", "waves"],
        "suggested_palette": ["#000000"],
    }
    downgrade(scratch_url, "base")
    upgrade(scratch_url)
