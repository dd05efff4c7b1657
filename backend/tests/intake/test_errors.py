"""Every way an intake call can be refused: a 4xx envelope, and nothing changed."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.helpers.envelope import assert_error
from tests.helpers.intake import INTAKE, Intake, entries_of_session, first_option, load_session


async def _finish_questions(intake: Intake) -> str:
    started = await intake.start()
    scenarios = started["scenarios"]
    for _ in range(3):
        data = (await intake.refine(started["session_id"], first_option(scenarios))).json()["data"]
        scenarios = data["scenarios"]
    assert data["is_complete"] is True
    session_id: str = started["session_id"]
    return session_id


@pytest.mark.parametrize("path", ["analyze", "refine", "complete"])
async def test_every_intake_route_requires_a_token(client: httpx.AsyncClient, path: str) -> None:
    response = await client.post(f"{INTAKE}/{path}", json={})
    assert_error(response, 401, "UNAUTHORIZED")


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"situation": ""},
        {"situation": "   \n\t "},
        {"situation": "x" * 5001},
        {"situation": 42},
        {"situation": None},
        {"situation": "bad \x00 byte"},
    ],
    ids=["missing", "empty", "blank", "too-long", "number", "null", "nul"],
)
async def test_analyze_rejects_a_missing_blank_or_oversized_situation(
    intake: Intake, body: dict[str, Any]
) -> None:
    response = await intake.client.post(f"{INTAKE}/analyze", json=body, headers=intake.headers)
    body_out = assert_error(response, 400, "VALIDATION_ERROR")
    assert body_out["error"]["details"]


async def test_analyze_accepts_a_situation_of_exactly_5000_characters(intake: Intake) -> None:
    assert (await intake.analyze("a" * 5000)).status_code == 200


async def test_refine_of_an_unknown_session_is_404(intake: Intake) -> None:
    assert_error(await intake.refine(uuid.uuid4(), "q1-a"), 404, "NOT_FOUND")


async def test_complete_of_an_unknown_session_is_404(intake: Intake) -> None:
    assert_error(await intake.complete(uuid.uuid4()), 404, "NOT_FOUND")


@pytest.mark.parametrize("session_id", ["not-a-uuid", "", 12, None, "1' OR '1'='1"])
async def test_malformed_session_ids_are_400(intake: Intake, session_id: Any) -> None:
    refined = await intake.client.post(
        f"{INTAKE}/refine",
        json={"session_id": session_id, "selected_option_id": "q1-a"},
        headers=intake.headers,
    )
    completed = await intake.client.post(
        f"{INTAKE}/complete",
        json={"session_id": session_id, "final_emotions": ["joy"], "intensity": 0.5},
        headers=intake.headers,
    )
    for response in (refined, completed):
        body = assert_error(response, 400, "VALIDATION_ERROR")
        assert "session_id" in str(body["error"])


async def test_another_users_session_is_403_for_refine_and_complete_and_stays_untouched(
    intake: Intake, other_intake: Intake, session: AsyncSession
) -> None:
    started = await intake.start()
    session_id = started["session_id"]
    option = first_option(started["scenarios"])

    assert_error(await other_intake.refine(session_id, option), 403, "FORBIDDEN")
    assert_error(await other_intake.complete(session_id), 403, "FORBIDDEN")

    row = await load_session(session, session_id)
    assert row.current_step == 1
    assert row.completed_at is None
    assert all(h["selected_option_id"] is None for h in row.conversation_history)
    assert await entries_of_session(session, session_id) == []
    # Its owner carries on as if nothing happened.
    assert (await intake.refine(session_id, option)).status_code == 200


@pytest.mark.parametrize("option_id", ["q9-a", "q1-z", "a", "Q1-A", " q1-a"])
async def test_refine_rejects_an_option_not_offered_in_the_current_step(
    intake: Intake, option_id: str, session: AsyncSession
) -> None:
    started = await intake.start()

    response = await intake.refine(started["session_id"], option_id)

    body = assert_error(response, 400, "VALIDATION_ERROR")
    detail = body["error"]["details"][0]
    assert detail["field"] == "selected_option_id"
    assert detail["offered"] == [o["id"] for o in started["scenarios"][0]["options"]]
    row = await load_session(session, started["session_id"])
    assert row.current_step == 1


async def test_refine_rejects_an_option_of_an_earlier_step(intake: Intake) -> None:
    started = await intake.start()
    session_id = started["session_id"]
    old_options = [o["id"] for o in started["scenarios"][0]["options"]]
    assert (await intake.refine(session_id, old_options[0])).status_code == 200

    for option_id in old_options:
        assert_error(await intake.refine(session_id, option_id), 400, "VALIDATION_ERROR")


@pytest.mark.parametrize(
    "extra",
    [
        {"selected_option_id": ""},
        {"selected_option_id": "x" * 65},
        {"selected_option_id": None},
        {"selected_option_id": 1},
        {"additional_context": "x" * 2001},
        {"additional_context": 5},
    ],
    ids=["empty-option", "long-option", "null-option", "number-option", "long-context", "number"],
)
async def test_refine_rejects_malformed_fields(intake: Intake, extra: dict[str, Any]) -> None:
    started = await intake.start()
    body = {"session_id": started["session_id"], "selected_option_id": "q1-a", **extra}
    response = await intake.client.post(f"{INTAKE}/refine", json=body, headers=intake.headers)
    assert_error(response, 400, "VALIDATION_ERROR")


async def test_refine_keeps_2000_characters_of_context_and_drops_a_blank_one(
    intake: Intake, session: AsyncSession
) -> None:
    started = await intake.start()
    first = await intake.refine(
        started["session_id"], first_option(started["scenarios"]), "c" * 2000
    )
    assert first.status_code == 200, first.text
    second_option = first_option(first.json()["data"]["scenarios"])
    assert (await intake.refine(started["session_id"], second_option, "   ")).status_code == 200

    row = await load_session(session, started["session_id"])
    contexts = [h["additional_context"] for h in row.conversation_history[:2]]
    assert contexts == ["c" * 2000, None]


async def test_refine_after_the_last_round_is_409(intake: Intake) -> None:
    session_id = await _finish_questions(intake)
    response = await intake.refine(session_id, "q3-a")
    assert_error(response, 409, "CONFLICT")


async def test_a_completed_session_cannot_be_refined_or_completed_again(
    intake: Intake, session: AsyncSession
) -> None:
    started = await intake.start()
    session_id = started["session_id"]
    assert (await intake.complete(session_id)).status_code == 201

    assert_error(
        await intake.refine(session_id, first_option(started["scenarios"])), 409, "CONFLICT"
    )
    assert_error(await intake.complete(session_id), 409, "CONFLICT")
    assert len(await entries_of_session(session, session_id)) == 1


@pytest.mark.parametrize(
    ("final_emotions", "intensity"),
    [
        (["joy", "rage"], 0.5),
        ([], 0.5),
        (["joy", "joy"], 0.5),
        (["joy", "sadness", "anger", "fear", "disgust", "surprise", "anxiety", "contentment",
          "frustration", "excitement", "joy"], 0.5),
        ("joy", 0.5),
        (["joy"], -0.01),
        (["joy"], 1.01),
        (["joy"], "0.5"),
        (["joy"], True),
        (["joy"], None),
    ],
    ids=[
        "unknown-emotion", "no-emotions", "duplicate", "eleven", "not-a-list",
        "below-0", "above-1", "string-intensity", "bool-intensity", "null-intensity",
    ],
)  # fmt: skip
async def test_complete_rejects_emotions_outside_the_catalog_and_intensity_outside_0_1(
    intake: Intake, session: AsyncSession, final_emotions: Any, intensity: Any
) -> None:
    started = await intake.start()

    response = await intake.complete(started["session_id"], final_emotions, intensity)

    assert_error(response, 400, "VALIDATION_ERROR")
    row = await load_session(session, started["session_id"])
    assert row.completed_at is None
    assert await entries_of_session(session, started["session_id"]) == []


@pytest.mark.parametrize("intensity", [0, 1, 1.0])
async def test_complete_accepts_the_ends_of_the_intensity_scale(
    intake: Intake, intensity: float
) -> None:
    started = await intake.start()
    response = await intake.complete(started["session_id"], ["joy"], intensity)
    assert response.status_code == 201, response.text
    assert response.json()["data"]["entry"]["intensity"] == float(intensity)
