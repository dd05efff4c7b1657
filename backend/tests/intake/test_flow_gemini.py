"""The whole intake on Gemini (the fake server, through the real SDK): its JSON reaches the API."""

from __future__ import annotations

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import IntakeSession
from tests.fakes import replies
from tests.fakes.gemini import FakeGemini
from tests.helpers.envelope import assert_error
from tests.helpers.intake import Intake, load_session
from tests.intake import gemini_answers as answers


async def test_gemini_questions_summary_and_insights_reach_the_responses(
    gemini_intake: Intake,
    gemini_client: httpx.AsyncClient,
    fake_gemini: FakeGemini,
    session: AsyncSession,
) -> None:
    fake_gemini.script(
        answers.question(1, themes=(" Work ", "Deadlines")),
        answers.question(2),
        answers.question(3),
        answers.summary(),
    )

    started = await gemini_intake.start("My manager moved the deadline and I feel behind")
    assert started["provider"] == "gemini"
    assert started["ai_context"]["provider"] == "gemini"
    assert started["ai_context"]["themes"] == ["work", "deadlines"]
    [first] = started["scenarios"]
    assert first["id"] == "q1"
    assert first["question"] == "Gemini question 1: what stands out?"
    assert [o["id"] for o in first["options"]] == ["q1-a", "q1-b", "q1-c"]
    assert [o["text"] for o in first["options"]] == [
        "Gemini option 1A",
        "Gemini option 1B",
        "Gemini option 1C",
    ]
    assert first["options"][0]["emotion_indicators"] == ["anxiety", "fear"]
    session_id = started["session_id"]

    second = await gemini_intake.refine(session_id, "q1-b", "It was announced in public")
    assert second.status_code == 200, second.text
    data = second.json()["data"]
    assert data["is_complete"] is False
    assert data["scenarios"][0]["question"] == "Gemini question 2: what stands out?"
    assert [o["id"] for o in data["scenarios"][0]["options"]] == ["q2-a", "q2-b", "q2-c"]
    # What Gemini was told: the chosen option, the person's words as data, the rounds left.
    prompt = fake_gemini.requests[1].prompt
    assert "the person chose q1-b" in prompt
    assert '<user_data>"It was announced in public"</user_data>' in prompt
    assert "At most 2 more question(s) may be asked" in prompt

    third = await gemini_intake.refine(session_id, "q2-c")
    assert third.json()["data"]["scenarios"][0]["question"] == (
        "Gemini question 3: what stands out?"
    )
    assert "At most 1 more question(s) may be asked" in fake_gemini.requests[2].prompt

    last = await gemini_intake.refine(session_id, "q3-a")
    assert last.status_code == 200, last.text
    assert last.json()["data"]["is_complete"] is True
    assert last.json()["data"]["scenarios"] == []
    # With no round left the flow ends without a paid call.
    assert len(fake_gemini.requests) == 3

    completed = await gemini_intake.complete(session_id, ["anger", "anxiety"], 0.8)
    assert completed.status_code == 201, completed.text
    result = completed.json()["data"]
    assert result["provider"] == "gemini"
    assert result["ai_summary"] == answers.SUMMARY["ai_summary"]
    assert result["insights"] == answers.SUMMARY["insights"]
    assert result["entry"]["situation"] == answers.SUMMARY["situation_summary"]
    assert result["entry"]["source"] == "intake_flow"
    assert result["entry"]["intensity"] == 0.8
    summary_prompt = fake_gemini.requests[3].prompt
    assert "the person chose q1-b" in summary_prompt
    assert "the person chose q3-a" in summary_prompt
    assert "anger, anxiety" in summary_prompt
    assert fake_gemini.pending == 0

    row = await load_session(session, session_id)
    assert row.final_summary == answers.SUMMARY["ai_summary"]
    assert row.ai_context["provider"] == "gemini"
    assert row.ai_context["summary"]["provider"] == "gemini"
    assert [h["selected_option_id"] for h in row.conversation_history] == ["q1-b", "q2-c", "q3-a"]
    assert row.conversation_history[0]["additional_context"] == "It was announced in public"

    listed = await gemini_client.get("/api/v1/entries", headers=gemini_intake.headers)
    assert [e["id"] for e in listed.json()["data"]["entries"]] == [result["entry"]["id"]]


async def test_gemini_may_finish_before_the_rounds_run_out(
    gemini_intake: Intake, fake_gemini: FakeGemini, session: AsyncSession
) -> None:
    fake_gemini.script(answers.question(1), answers.question(2, complete=True))
    started = await gemini_intake.start()

    response = await gemini_intake.refine(started["session_id"], "q1-a")

    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["is_complete"] is True
    assert data["scenarios"] == []
    assert data["rounds_left"] == 0
    row = await load_session(session, started["session_id"])
    assert row.is_complete is True
    assert row.current_step == 1
    again = await gemini_intake.refine(started["session_id"], "q1-b")
    assert_error(again, 409, "CONFLICT")
    completed = await gemini_intake.complete(started["session_id"])
    assert completed.status_code == 201, completed.text


async def test_analyze_answers_503_and_leaves_no_session_when_gemini_is_down(
    gemini_intake: Intake, fake_gemini: FakeGemini, session: AsyncSession
) -> None:
    fake_gemini.script(*answers.outage(answers.ATTEMPTS_PER_CALL))

    response = await gemini_intake.analyze()

    body = assert_error(response, 503, "GEMINI_API_ERROR")
    assert "key" not in str(body["error"]).lower()
    assert fake_gemini.pending == 0
    assert await session.scalar(select(func.count()).select_from(IntakeSession)) == 0


async def test_analyze_answers_503_when_gemini_returns_malformed_json(
    gemini_intake: Intake, fake_gemini: FakeGemini
) -> None:
    fake_gemini.script(replies.malformed_reply(), replies.malformed_reply())

    response = await gemini_intake.analyze()

    assert_error(response, 503, "GEMINI_API_ERROR")


async def test_a_step_with_two_questions_takes_one_answer_and_keeps_the_other_open(
    gemini_intake: Intake, fake_gemini: FakeGemini, session: AsyncSession
) -> None:
    two_questions = replies.text_reply(
        {
            "scenarios": [
                {
                    "id": f"s{n}",
                    "question": f"Side {n}?",
                    "options": [
                        {"id": "a", "text": "One", "emotion_indicators": ["joy"]},
                        {"id": "b", "text": "Two", "emotion_indicators": ["fear"]},
                    ],
                }
                for n in (1, 2)
            ],
            "is_complete": False,
            "themes": [],
        }
    )
    fake_gemini.script(answers.question(1), two_questions, answers.question(3))
    session_id = (await gemini_intake.start())["session_id"]
    step_two = (await gemini_intake.refine(session_id, "q1-a")).json()["data"]
    assert [s["id"] for s in step_two["scenarios"]] == ["q2.1", "q2.2"]

    response = await gemini_intake.refine(session_id, "q2.2-b")

    assert response.status_code == 200, response.text
    assert response.json()["data"]["scenarios"][0]["id"] == "q3"
    row = await load_session(session, session_id)
    assert [(h["step"], h["selected_option_id"]) for h in row.conversation_history] == [
        (1, "q1-a"),
        (2, None),
        (2, "q2.2-b"),
        (3, None),
    ]
    # Gemini saw the answers only, so the round count is right.
    assert "At most 1 more question(s) may be asked" in fake_gemini.requests[2].prompt


async def test_the_entry_situation_is_held_to_5000_characters_or_falls_back_to_the_person(
    gemini_intake: Intake, fake_gemini: FakeGemini
) -> None:
    long_summary = {**answers.SUMMARY, "situation_summary": "word " * 1500}
    blank_summary = {**answers.SUMMARY, "situation_summary": "   "}
    fake_gemini.script(answers.question(1), replies.text_reply(long_summary))
    first = await gemini_intake.start()
    long_entry = (await gemini_intake.complete(first["session_id"])).json()["data"]["entry"]
    fake_gemini.script(answers.question(1), replies.text_reply(blank_summary))
    second = await gemini_intake.start("I could not sleep again")
    blank = await gemini_intake.complete(second["session_id"])

    assert len(long_entry["situation"]) <= 5000
    assert long_entry["situation"].endswith("word…")
    assert blank.status_code == 201, blank.text
    assert blank.json()["data"]["entry"]["situation"] == "I could not sleep again"


async def test_the_summary_prompt_carries_the_intensity_the_entry_stores(
    gemini_intake: Intake, fake_gemini: FakeGemini
) -> None:
    session_id = (await gemini_intake.start())["session_id"]

    response = await gemini_intake.complete(session_id, ["joy"], 0.745)

    assert response.json()["data"]["entry"]["intensity"] == 0.75
    assert "intensity 0.75 on a 0-1 scale" in fake_gemini.requests[-1].prompt
