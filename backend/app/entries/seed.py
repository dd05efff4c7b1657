"""Development data for `emotionviz seed`: the test user and ~60 varied entries over 90 days.

The entries carry patterns for the analytics to find: work troubles on weekdays (worst on Mondays,
anxiety with frustration), poor sleep with anxiety and sadness, family and friends at weekends with
joy and contentment, and work stress creeping up over the last month. Generation is seeded, so the
same day always yields the same journal.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.passwords import PasswordHasher
from app.entries.schemas import intensity_to_decimal
from app.models import EmotionEntry, User
from app.platform.config import Settings
from app.platform.db.database import Database, create_engine

SEED_EMAIL = "test@example.com"
SEED_PASSWORD = "Test123!"  # noqa: S105 (the documented development account)
SEED_NAME = "Test User"
SEED_ENTRY_COUNT = 60
SEED_DAYS = 90
_RANDOM_SEED = 20251124


@dataclass(frozen=True, slots=True)
class _Template:
    theme: str
    situation: str
    emotions: tuple[str, ...]
    intensity: float
    notes: str | None = None


_WORK = (
    _Template(
        "work",
        "My manager moved the project deadline up by a week",
        ("anxiety", "frustration"),
        0.75,
    ),
    _Template(
        "work", "The presentation to the leadership team went badly", ("anxiety", "sadness"), 0.7
    ),
    _Template(
        "work", "A colleague took credit for my work in the stand-up", ("anger", "frustration"), 0.8
    ),
    _Template(
        "work", "Back-to-back meetings left no time for real work", ("frustration", "anxiety"), 0.6
    ),
    _Template("work", "Got praise from my team lead for the release", ("joy", "excitement"), 0.65),
    _Template(
        "work",
        "Inbox full of urgent requests on Monday morning",
        ("anxiety", "frustration"),
        0.7,
        "Started the week already behind.",
    ),
    _Template(
        "work", "Performance review is coming up and I feel unprepared", ("anxiety", "fear"), 0.7
    ),
)
_SLEEP = (
    _Template("sleep", "Slept badly again and woke up at 3am", ("anxiety", "sadness"), 0.55),
    _Template(
        "sleep", "Could not fall asleep thinking about work", ("anxiety", "frustration"), 0.6
    ),
    _Template("sleep", "Finally slept eight hours and woke up rested", ("contentment", "joy"), 0.4),
    _Template("sleep", "Exhausted after a short night of sleep", ("sadness", "frustration"), 0.5),
)
_FAMILY = (
    _Template(
        "family",
        "Sunday dinner with my family",
        ("joy", "contentment"),
        0.6,
        "Everyone was there for once.",
    ),
    _Template("family", "Argument with my sister about our parents", ("anger", "sadness"), 0.7),
    _Template("family", "Phone call with mom, she sounded lonely", ("sadness", "anxiety"), 0.5),
    _Template(
        "family", "Played with the kids in the park all afternoon", ("joy", "contentment"), 0.55
    ),
    _Template(
        "family",
        "My brother announced he is getting married",
        ("surprise", "joy", "excitement"),
        0.8,
    ),
)
_OTHER = (
    _Template(
        "friends",
        "A friend cancelled our plans at the last minute",
        ("sadness", "frustration"),
        0.45,
    ),
    _Template("friends", "Surprise birthday party from my friends", ("surprise", "joy"), 0.85),
    _Template("exercise", "Morning run along the river", ("contentment", "joy"), 0.5),
    _Template("money", "An unexpected bill arrived", ("anxiety", "fear"), 0.6),
    _Template("health", "Waiting for the results of a medical test", ("fear", "anxiety"), 0.75),
    _Template(
        "commute", "Train delayed for an hour, missed the meeting", ("frustration", "anger"), 0.65
    ),
    _Template(
        "neighbours", "Neighbours left rubbish all over the stairs", ("disgust", "anger"), 0.5
    ),
)


def _pick(rng: random.Random, day: datetime) -> _Template:
    weekend = day.weekday() >= 5
    roll = rng.random()
    if weekend:
        pool = _FAMILY if roll < 0.55 else _OTHER if roll < 0.85 else _SLEEP
    else:
        pool = _WORK if roll < 0.5 else _SLEEP if roll < 0.7 else _OTHER if roll < 0.85 else _FAMILY
    return rng.choice(pool)


def sample_entries(now: datetime, count: int = SEED_ENTRY_COUNT) -> list[dict[str, Any]]:
    """The seeded entries as column values, oldest first, all within the last SEED_DAYS days."""
    rng = random.Random(_RANDOM_SEED)  # noqa: S311 (sample data, reproducible on purpose)
    today = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    days = sorted(rng.sample(range(1, SEED_DAYS), count), reverse=True)
    rows = []
    for days_ago in days:
        day = today - timedelta(days=days_ago)
        template = _pick(rng, day)
        intensity = template.intensity + rng.uniform(-0.15, 0.15)
        if template.theme == "work":
            if day.weekday() == 0:
                intensity += 0.15  # Mondays hurt
            if days_ago <= 30 and template.emotions[0] != "joy":
                intensity += 0.1  # and work stress has been rising lately
        emotions = list(template.emotions)
        if rng.random() < 0.2:
            extra = rng.choice(("surprise", "fear", "contentment", "excitement", "sadness"))
            if extra not in emotions:
                emotions.append(extra)
        created_at = day + timedelta(hours=rng.randint(7, 22), minutes=rng.randint(0, 59))
        rows.append(
            {
                "situation": template.situation,
                "emotions": emotions,
                "intensity": intensity_to_decimal(min(1.0, max(0.05, intensity))),
                "notes": template.notes,
                "source": "manual",
                "created_at": created_at,
                "updated_at": created_at,
            }
        )
    return rows


@dataclass(frozen=True, slots=True)
class SeedResult:
    user_created: bool
    entries_created: int


async def seed_development_data(
    session: AsyncSession, hasher: PasswordHasher, *, now: datetime | None = None
) -> SeedResult:
    """Create the development user and their entries; a second run changes nothing."""
    user_created = False
    user_id = await session.scalar(select(User.id).where(User.email == SEED_EMAIL))
    if user_id is None:
        statement = (
            pg_insert(User)
            .values(
                email=SEED_EMAIL,
                name=SEED_NAME,
                hashed_password=await hasher.hash(SEED_PASSWORD),
                is_verified=True,
            )
            .on_conflict_do_nothing(index_elements=[User.email])
            .returning(User.id)
        )
        user_id = await session.scalar(statement)
        user_created = user_id is not None
        if user_id is None:  # another seed won the race
            user_id = await session.scalar(select(User.id).where(User.email == SEED_EMAIL))
    assert user_id is not None
    # Lock the user so two seeds at once cannot both find "no entries" and both insert.
    await session.execute(select(User.id).where(User.id == user_id).with_for_update())
    existing = await session.scalar(
        select(func.count()).select_from(EmotionEntry).where(EmotionEntry.user_id == user_id)
    )
    if existing:
        return SeedResult(user_created=user_created, entries_created=0)
    rows = [{**row, "user_id": user_id} for row in sample_entries(now or datetime.now(UTC))]
    await session.execute(insert(EmotionEntry), rows)
    return SeedResult(user_created=user_created, entries_created=len(rows))


async def run_seed(settings: Settings) -> SeedResult:
    """Seed the configured database in one committed transaction (used by the CLI)."""
    database = Database.from_engine(create_engine(settings, pool_size=1, max_overflow=0))
    try:
        async with database.sessionmaker() as session, session.begin():
            return await seed_development_data(session, PasswordHasher(concurrency=1))
    finally:
        await database.dispose()
