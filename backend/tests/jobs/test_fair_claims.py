"""Jobs are claimed fairly across people: one person's backlog takes turns with everyone else's."""

from __future__ import annotations

import uuid

from sqlalchemy import update

from app.jobs import queue
from app.models import Visualization
from app.platform.db.database import Database
from tests.helpers.jobs import enqueue
from tests.helpers.users import UserFactory


async def _claim(database: Database) -> uuid.UUID:
    async with database.sessionmaker() as session, session.begin():
        job = await queue.claim_next_job(session, "test-worker", 60)
    assert job is not None
    return job.id


async def test_a_late_lone_job_goes_second_not_after_someone_elses_ten(
    committed_db: Database, committed_users: UserFactory
) -> None:
    busy, other = await committed_users.create(), await committed_users.create()
    owner = dict.fromkeys(await enqueue(committed_db, busy, 10), "busy")
    owner |= dict.fromkeys(await enqueue(committed_db, other, 1), "other")

    claimed = [owner[await _claim(committed_db)] for _ in range(11)]

    # Turns: one of busy's, then other's only one, then the rest of busy's.
    assert claimed == ["busy", "other"] + ["busy"] * 9


async def test_turns_count_the_jobs_a_person_already_has_running(
    committed_db: Database, committed_users: UserFactory
) -> None:
    first, second = await committed_users.create(), await committed_users.create()
    owner = dict.fromkeys(await enqueue(committed_db, first, 3), "first")
    owner |= dict.fromkeys(await enqueue(committed_db, second, 3), "second")

    claimed = [owner[await _claim(committed_db)] for _ in range(6)]

    # Oldest first among equal turns, and each claim counts as running for the next turn.
    assert claimed == ["first", "second"] * 3


async def test_an_expired_lease_is_claimed_again_in_its_owners_turn(
    committed_db: Database, committed_users: UserFactory
) -> None:
    first, second = await committed_users.create(), await committed_users.create()
    (stalled,) = await enqueue(committed_db, first, 1)
    assert await _claim(committed_db) == stalled
    waiting = await enqueue(committed_db, second, 2)
    async with committed_db.sessionmaker() as session, session.begin():
        await session.execute(
            update(Visualization)
            .where(Visualization.id == stalled)
            .values(locked_until=Visualization.created_at)  # its worker died long ago
        )

    claimed = [await _claim(committed_db) for _ in range(3)]

    # Its lease ran out, so it no longer counts as running: first turn, and the oldest.
    assert claimed[0] == stalled
    assert sorted(claimed[1:]) == sorted(waiting)
