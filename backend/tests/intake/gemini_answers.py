"""Scripted Gemini answers for the intake tests: recognisable text at every step."""

from __future__ import annotations

from typing import Any

from tests.fakes import replies
from tests.fakes.replies import FakeReply


def question(n: int, *, themes: tuple[str, ...] = ("Work",), complete: bool = False) -> FakeReply:
    """Gemini's answer asking question `n`, with model-chosen ids the provider renumbers."""
    answer: dict[str, Any] = {
        "scenarios": []
        if complete
        else [
            {
                "id": f"model-{n}",
                "question": f"Gemini question {n}: what stands out?",
                "options": [
                    {
                        "id": "x",
                        "text": f"Gemini option {n}A",
                        "emotion_indicators": ["anxiety", "anxiety", "fear"],
                    },
                    {"id": "y", "text": f"Gemini option {n}B", "emotion_indicators": ["anger"]},
                    {"id": "z", "text": f"Gemini option {n}C", "emotion_indicators": ["sadness"]},
                ],
            }
        ],
        "is_complete": complete,
        "themes": list(themes),
    }
    return replies.text_reply(answer)


SUMMARY = {
    "situation_summary": "Gemini paragraph: a moved deadline left you behind and exposed.",
    "ai_summary": "Gemini summary: the pressure is real, and so is your care for the work.",
    "insights": ["Gemini insight one.", "Gemini insight two.", "Gemini insight three."],
}


def summary() -> FakeReply:
    return replies.text_reply(SUMMARY)


def outage(count: int) -> list[FakeReply]:
    """`count` answers of 503: enough to exhaust one call's retries (1 + ai_max_retries)."""
    return [replies.error_reply(503, "UNAVAILABLE", "The model is overloaded.")] * count


# fake_gemini_settings uses ai_max_retries=3: one call makes at most four attempts.
ATTEMPTS_PER_CALL = 4
