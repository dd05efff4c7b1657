"""`emotionviz seed`: the development account and a varied, idempotent sample journal."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.passwords import PasswordHasher
from app.catalog.data import EMOTION_IDS
from app.entries.seed import SEED_EMAIL, SEED_PASSWORD, sample_entries, seed_development_data
from app.models import EmotionEntry, User
from app.platform.config import BACKEND_DIR
from app.platform.db.database import Database

NOW = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)


def test_sample_journal_is_deterministic_for_a_given_day() -> None:
    assert sample_entries(NOW) == sample_entries(NOW)


def test_sample_journal_is_a_varied_spread_over_the_last_90_days() -> None:
    rows = sample_entries(NOW)
    assert 50 <= len(rows) <= 70
    for row in rows:
        assert NOW - timedelta(days=90) <= row["created_at"] < NOW
        assert row["updated_at"] == row["created_at"]
        assert 1 <= len(row["emotions"]) <= 10
        assert len(set(row["emotions"])) == len(row["emotions"])
        assert set(row["emotions"]) <= set(EMOTION_IDS)
        assert 0 <= row["intensity"] <= 1
        assert row["intensity"] == row["intensity"].quantize(Decimal("0.01"))
    assert {r["created_at"].weekday() for r in rows} == set(range(7))
    assert len({e for r in rows for e in r["emotions"]}) >= 8
    assert len({r["intensity"] for r in rows}) >= 20
    situations = " ".join(r["situation"].lower() for r in rows)
    for theme in ("work", "sleep", "family"):
        assert theme in situations
    # Recurring themes: several situations appear more than once.
    repeated = [
        s for s in {r["situation"] for r in rows} if sum(r["situation"] == s for r in rows) > 1
    ]
    assert len(repeated) >= 5


async def test_seeding_twice_creates_the_user_and_entries_once(session: AsyncSession) -> None:
    hasher = PasswordHasher(concurrency=1)
    first = await seed_development_data(session, hasher, now=NOW)
    second = await seed_development_data(session, hasher, now=NOW + timedelta(days=3))
    assert first.user_created is True
    assert first.entries_created == len(sample_entries(NOW))
    assert (second.user_created, second.entries_created) == (False, 0)
    users = await session.scalar(
        select(func.count()).select_from(User).where(User.email == SEED_EMAIL)
    )
    assert users == 1
    entries = await session.scalar(
        select(func.count())
        .select_from(EmotionEntry)
        .join(User, User.id == EmotionEntry.user_id)
        .where(User.email == SEED_EMAIL)
    )
    assert entries == first.entries_created


async def test_seeded_user_logs_in_with_the_documented_password_and_lists_entries(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    result = await seed_development_data(session, PasswordHasher(concurrency=1))
    await session.flush()
    login = await client.post(
        "/api/v1/auth/login", json={"email": SEED_EMAIL, "password": SEED_PASSWORD}
    )
    assert login.status_code == 200
    assert login.json()["data"]["user"]["name"] == "Test User"
    token = login.json()["data"]["access_token"]
    listed = await client.get(
        "/api/v1/entries", params={"limit": 100}, headers={"Authorization": f"Bearer {token}"}
    )
    data = listed.json()["data"]
    assert data["total"] == result.entries_created
    created = [datetime.fromisoformat(e["created_at"]) for e in data["entries"]]
    assert created == sorted(created, reverse=True)
    assert created[0] - created[-1] > timedelta(days=60)


def _run_cli_seed(database_url: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url, "DATA_DIR": str(data_dir)}
    return subprocess.run(
        [sys.executable, "-m", "app.cli", "seed"],
        cwd=BACKEND_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def test_emotionviz_seed_command_is_idempotent_against_a_real_database(
    committed_db: Database, pg_url: str, tmp_path: Path
) -> None:
    first = _run_cli_seed(pg_url, tmp_path)
    assert first.returncode == 0, first.stderr
    assert "created" in first.stdout
    second = _run_cli_seed(pg_url, tmp_path)
    assert second.returncode == 0, second.stderr
    assert "already there; 0 sample entries added" in second.stdout
    async with committed_db.sessionmaker() as session:
        users = await session.scalar(
            select(func.count()).select_from(User).where(User.email == SEED_EMAIL)
        )
        entries = await session.scalar(select(func.count()).select_from(EmotionEntry))
    assert users == 1
    assert entries is not None
    assert 50 <= entries <= 70
