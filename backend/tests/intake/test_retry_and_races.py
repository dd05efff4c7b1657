"""On real commits: an AI failure mid-flow leaves the session retryable; races advance it once."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from sqlalchemy import func, select

from app.models import EmotionEntry, IntakeSession
from app.platform.db.database import Database
from tests.fakes.gemini import FakeGemini
from tests.helpers.envelope import assert_error
from tests.helpers.intake import Intake, entries_of_session, first_option, load_session
from tests.helpers.users import UserFactory
from tests.helpers.waiting import eventually
from tests.intake import gemini_answers as answers

_SNAPSHOT_COLUMNS = (
    "conversation_history",
    "current_step",
    "is_complete",
    "ai_context",
    "final_summary",
    "completed_at",
    "updated_at",
)


async def _snapshot(db: Database, session_id: str) -> dict[str, Any]:
    async with db.sessionmaker() as s:
        row = await load_session(s, session_id)
        return {name: getattr(row, name) for name in _SNAPSHOT_COLUMNS}


async def _intake(client: httpx.AsyncClient, users: UserFactory) -> Intake:
    return Intake(client, users.headers(await users.create()))


async def test_gemini_failure_mid_flow_leaves_the_session_as_it_was_and_the_step_retryable(
    committed_gemini_client: httpx.AsyncClient,
    committed_users: UserFactory,
    committed_db: Database,
    fake_gemini: FakeGemini,
) -> None:
    intake = await _intake(committed_gemini_client, committed_users)
    fake_gemini.script(answers.question(1), answers.question(2))
    started = await intake.start()
    session_id = started["session_id"]
    assert (await intake.refine(session_id, "q1-a")).status_code == 200
    before = await _snapshot(committed_db, session_id)

    fake_gemini.script(*answers.outage(answers.ATTEMPTS_PER_CALL))
    failed = await intake.refine(session_id, "q2-b", "extra words that must not stick")

    assert_error(failed, 503, "GEMINI_API_ERROR")
    assert fake_gemini.pending == 0
    assert await _snapshot(committed_db, session_id) == before

    # The same answer again, once Gemini is back: the flow goes on from where it was.
    fake_gemini.script(answers.question(3))
    retried = await intake.refine(session_id, "q2-b", "extra words that must not stick")
    assert retried.status_code == 200, retried.text
    assert retried.json()["data"]["scenarios"][0]["id"] == "q3"
    after = await _snapshot(committed_db, session_id)
    assert after["current_step"] == 3
    assert [h["selected_option_id"] for h in after["conversation_history"]] == [
        "q1-a",
        "q2-b",
        None,
    ]


async def test_gemini_failure_on_complete_creates_no_entry_and_can_be_retried(
    committed_gemini_client: httpx.AsyncClient,
    committed_users: UserFactory,
    committed_db: Database,
    fake_gemini: FakeGemini,
) -> None:
    intake = await _intake(committed_gemini_client, committed_users)
    fake_gemini.script(answers.question(1))
    started = await intake.start()
    session_id = started["session_id"]
    before = await _snapshot(committed_db, session_id)

    fake_gemini.script(*answers.outage(answers.ATTEMPTS_PER_CALL))
    failed = await intake.complete(session_id)

    assert_error(failed, 503, "GEMINI_API_ERROR")
    assert await _snapshot(committed_db, session_id) == before
    async with committed_db.sessionmaker() as s:
        assert await entries_of_session(s, session_id) == []

    fake_gemini.script(answers.summary())
    retried = await intake.complete(session_id)
    assert retried.status_code == 201, retried.text
    assert retried.json()["data"]["insights"] == answers.SUMMARY["insights"]
    async with committed_db.sessionmaker() as s:
        assert len(await entries_of_session(s, session_id)) == 1


async def test_a_refine_arriving_while_another_holds_the_session_gets_409_and_changes_nothing(
    committed_gemini_client: httpx.AsyncClient,
    committed_users: UserFactory,
    committed_db: Database,
    fake_gemini: FakeGemini,
) -> None:
    intake = await _intake(committed_gemini_client, committed_users)
    fake_gemini.script(answers.question(1), answers.question(2))
    session_id = (await intake.start())["session_id"]

    # The first refine is waiting on Gemini (held until released) when the second arrives.
    fake_gemini.hold()
    first = asyncio.create_task(intake.refine(session_id, "q1-a"))
    await eventually(lambda: fake_gemini.held == 1, what="the first refine's call at Gemini")
    second = await intake.refine(session_id, "q1-b")
    fake_gemini.release()
    first_response = await first

    assert first_response.status_code == 200, first_response.text
    assert_error(second, 409, "CONFLICT")
    assert "right now" in second.json()["error"]["message"]
    # Sent again now, the second answer is stale: its option belongs to a closed step.
    late = await intake.refine(session_id, "q1-b")
    assert_error(late, 400, "VALIDATION_ERROR")
    assert late.json()["error"]["details"][0]["offered"] == ["q2-a", "q2-b", "q2-c"]
    state = await _snapshot(committed_db, session_id)
    assert state["current_step"] == 2
    assert [h["selected_option_id"] for h in state["conversation_history"]] == ["q1-a", None]
    assert len(fake_gemini.requests) == 2  # the losers never reached Gemini


async def test_two_refines_sent_together_advance_the_session_exactly_once(
    committed_client: httpx.AsyncClient, committed_users: UserFactory, committed_db: Database
) -> None:
    intake = await _intake(committed_client, committed_users)
    started = await intake.start()
    session_id = started["session_id"]
    options = [o["id"] for o in started["scenarios"][0]["options"]]

    responses = await asyncio.gather(
        intake.refine(session_id, options[0]), intake.refine(session_id, options[1])
    )

    statuses = sorted(r.status_code for r in responses)
    assert statuses[0] == 200, [r.text for r in responses]
    assert statuses[1] in (400, 409), [r.text for r in responses]
    state = await _snapshot(committed_db, session_id)
    assert state["current_step"] == 2
    answered = [h["selected_option_id"] for h in state["conversation_history"]]
    assert answered[0] in options[:2]
    assert answered[1:] == [None]


async def test_two_completes_sent_together_make_exactly_one_entry(
    committed_client: httpx.AsyncClient, committed_users: UserFactory, committed_db: Database
) -> None:
    intake = await _intake(committed_client, committed_users)
    started = await intake.start()
    session_id = started["session_id"]
    await intake.refine(session_id, first_option(started["scenarios"]))

    responses = await asyncio.gather(intake.complete(session_id), intake.complete(session_id))

    assert sorted(r.status_code for r in responses) == [201, 409]
    async with committed_db.sessionmaker() as s:
        assert len(await entries_of_session(s, session_id)) == 1
        total = await s.scalar(select(func.count()).select_from(EmotionEntry))
        sessions = await s.scalar(select(func.count()).select_from(IntakeSession))
    assert (total, sessions) == (1, 1)
