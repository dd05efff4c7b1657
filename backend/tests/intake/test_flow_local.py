"""The whole intake on the local provider: analyze → refine ×3 → complete."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app.catalog.data import EMOTION_IDS
from tests.helpers.intake import SITUATION, Intake, entries_of_session, first_option, load_session


def assert_scenarios(scenarios: list[dict[str, Any]]) -> None:
    assert scenarios
    for scenario in scenarios:
        assert set(scenario) == {"id", "question", "options"}
        assert 2 <= len(scenario["options"]) <= 4
        for option in scenario["options"]:
            assert set(option) == {"id", "text", "emotion_indicators"}
            assert option["emotion_indicators"]
            assert set(option["emotion_indicators"]) <= set(EMOTION_IDS)


async def test_analyze_starts_a_session_with_the_first_question(
    intake: Intake, session: AsyncSession
) -> None:
    response = await intake.analyze()

    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert_scenarios(data["scenarios"])
    assert data["provider"] == "local"
    assert data["ai_context"]["provider"] == "local"
    assert data["ai_context"]["themes"]
    assert data["current_step"] == 1
    assert data["rounds_left"] == 3
    row = await load_session(session, data["session_id"])
    assert row.initial_situation == SITUATION
    assert row.current_step == 1
    assert row.is_complete is False
    assert row.completed_at is None
    assert row.ai_context == data["ai_context"]
    assert [h["scenario"] for h in row.conversation_history] == data["scenarios"]
    assert all(h["selected_option_id"] is None for h in row.conversation_history)


async def test_whole_flow_ends_after_three_rounds_and_creates_a_linked_entry(
    intake: Intake, client: httpx.AsyncClient, session: AsyncSession
) -> None:
    started = await intake.start()
    session_id = started["session_id"]
    scenarios = started["scenarios"]
    chosen: list[str] = []
    seen_option_ids: set[str] = set()
    answers: list[dict[str, Any]] = []
    for round_number in (1, 2, 3):
        option_ids = [o["id"] for s in scenarios for o in s["options"]]
        assert not seen_option_ids & set(option_ids), "option ids repeat across the session"
        seen_option_ids |= set(option_ids)
        chosen.append(option_ids[-1])
        response = await intake.refine(session_id, option_ids[-1], f"  round {round_number}  ")
        assert response.status_code == 200, response.text
        data = response.json()["data"]
        answers.append(data)
        assert data["session_id"] == session_id
        assert data["provider"] == "local"
        scenarios = data["scenarios"]
        if round_number < 3:
            assert data["is_complete"] is False
            assert_scenarios(scenarios)
            assert data["current_step"] == round_number + 1
            assert data["rounds_left"] == 3 - round_number
    assert answers[-1]["is_complete"] is True
    assert answers[-1]["scenarios"] == []
    assert answers[-1]["rounds_left"] == 0

    row = await load_session(session, session_id)
    assert row.is_complete is True
    assert row.completed_at is None  # finished asking, not yet completed
    history = row.conversation_history
    assert [h["step"] for h in history] == [1, 2, 3]
    assert [h["selected_option_id"] for h in history] == chosen
    assert [h["additional_context"] for h in history] == ["round 1", "round 2", "round 3"]
    assert all(len(h["scenario"]["options"]) >= 2 for h in history)

    response = await intake.complete(session_id, ["anxiety", "frustration"], 0.745)
    assert response.status_code == 201, response.text
    data = response.json()["data"]
    assert data["provider"] == "local"
    assert data["session_id"] == session_id
    assert data["ai_summary"]
    assert data["insights"]
    assert all(isinstance(i, str) and i for i in data["insights"])
    entry = data["entry"]
    assert entry["situation"] == data["situation_summary"]
    assert entry["emotions"] == ["anxiety", "frustration"]
    assert entry["intensity"] == 0.75  # a JSON number, rounded half up like every entry
    assert entry["notes"] == "Created from the guided intake (3 questions answered)."
    assert entry["source"] == "intake_flow"
    assert entry["has_visualization"] is False

    row = await load_session(session, session_id)
    assert row.completed_at is not None
    assert row.final_summary == data["ai_summary"]
    assert row.ai_context["summary"]["insights"] == data["insights"]
    assert row.ai_context["summary"]["entry_id"] == entry["id"]
    linked = await entries_of_session(session, session_id)
    assert [str(e.id) for e in linked] == [entry["id"]]
    assert linked[0].source == "intake_flow"

    listed = await client.get("/api/v1/entries", headers=intake.headers)
    assert listed.status_code == 200
    assert [e["id"] for e in listed.json()["data"]["entries"]] == [entry["id"]]
    fetched = await client.get(f"/api/v1/entries/{entry['id']}", headers=intake.headers)
    assert fetched.json()["data"] == {**entry, "visualization_id": None}


async def test_complete_is_allowed_before_the_questions_run_out(
    intake: Intake, session: AsyncSession
) -> None:
    started = await intake.start()
    refined = await intake.refine(started["session_id"], first_option(started["scenarios"]))
    assert refined.json()["data"]["is_complete"] is False

    response = await intake.complete(started["session_id"], ["sadness"], 0.3)

    assert response.status_code == 201, response.text
    entry = response.json()["data"]["entry"]
    assert entry["notes"] == "Created from the guided intake (1 question answered)."
    row = await load_session(session, started["session_id"])
    assert row.is_complete is True
    assert row.completed_at is not None
    # The question left open stays in the history, unanswered.
    assert [h["selected_option_id"] is None for h in row.conversation_history] == [False, True]


async def test_complete_right_after_analyze_summarises_the_situation_alone(
    intake: Intake,
) -> None:
    started = await intake.start()

    response = await intake.complete(started["session_id"], ["anxiety"], 0)

    assert response.status_code == 201, response.text
    entry = response.json()["data"]["entry"]
    assert entry["notes"] == "Created from the guided intake (0 questions answered)."
    assert entry["intensity"] == 0.0
