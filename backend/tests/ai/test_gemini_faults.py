"""Faults of Gemini's answers through the real google-genai SDK and the fake Gemini server.

Transport faults (timeouts, dropped and refused connections, 429/5xx) are in
test_gemini_transports.py, run through each transport the SDK may use.
"""

from __future__ import annotations

import asyncio
import logging

import pytest

from app.ai.errors import AIImageError, AITextError
from app.ai.gemini import GeminiProvider
from tests.fakes import replies
from tests.fakes.fixtures import FAKE_GEMINI_KEY, make_gemini_provider
from tests.fakes.gemini import FakeGemini
from tests.helpers.ai_inputs import ANALYSIS, ENTRY
from tests.helpers.waiting import eventually


async def test_rate_limit_after_retries_says_so(
    fake_gemini: FakeGemini, gemini_provider: GeminiProvider
) -> None:
    fake_gemini.script(*[replies.error_reply(429, "RESOURCE_EXHAUSTED")] * 4)
    with pytest.raises(AITextError) as caught:
        await gemini_provider.summarize_intake("x", [], ["joy"], 0.2)
    assert caught.value.retryable
    assert "rate limit or quota" in caught.value.message


@pytest.mark.parametrize(
    ("code", "status"), [(400, "INVALID_ARGUMENT"), (403, "PERMISSION_DENIED")]
)
async def test_never_retries_client_errors(
    fake_gemini: FakeGemini, gemini_provider: GeminiProvider, code: int, status: str
) -> None:
    fake_gemini.script(replies.error_reply(code, status, "Request contains an invalid argument."))
    with pytest.raises(AITextError) as caught:
        await gemini_provider.start_intake("x")
    assert not caught.value.retryable
    assert len(fake_gemini.requests) == 1


async def test_404_names_the_text_model_setting(
    fake_gemini: FakeGemini, gemini_provider: GeminiProvider
) -> None:
    fake_gemini.script(replies.error_reply(404, "NOT_FOUND", "models/x is not found"))
    with pytest.raises(AITextError) as caught:
        await gemini_provider.start_intake("x")
    assert "GEMINI_TEXT_MODEL" in caught.value.message
    assert "gemini-flash-latest" in caught.value.message
    assert not caught.value.retryable
    assert len(fake_gemini.requests) == 1


async def test_404_on_images_names_the_nanobanana_setting(
    fake_gemini: FakeGemini, gemini_provider: GeminiProvider
) -> None:
    fake_gemini.script(replies.error_reply(404, "NOT_FOUND", "models/x is not found"))
    with pytest.raises(AIImageError) as caught:
        await gemini_provider.render_image(ANALYSIS, ENTRY, "abstract")
    assert caught.value.code == "VISUALIZATION_ERROR"
    assert "NANOBANANA_MODEL" in caught.value.message
    assert not caught.value.retryable


async def test_invalid_key_says_so_without_showing_it(
    fake_gemini: FakeGemini, gemini_provider: GeminiProvider, caplog: pytest.LogCaptureFixture
) -> None:
    fake_gemini.valid_keys = {"another-key"}
    caplog.set_level(logging.DEBUG)
    with pytest.raises(AITextError) as caught:
        await gemini_provider.start_intake("x")
    assert "API key" in caught.value.message
    assert "GEMINI_API_KEY" in caught.value.message
    assert not caught.value.retryable
    assert FAKE_GEMINI_KEY not in caught.value.message
    assert FAKE_GEMINI_KEY not in caplog.text


async def test_401_is_reported_as_a_bad_key(
    fake_gemini: FakeGemini, gemini_provider: GeminiProvider
) -> None:
    fake_gemini.script(replies.error_reply(401, "UNAUTHENTICATED"))
    with pytest.raises(AIImageError) as caught:
        await gemini_provider.render_image(ANALYSIS, ENTRY, "diagram")
    assert "API key" in caught.value.message
    assert "GEMINI_API_KEY" in caught.value.message


async def test_malformed_json_is_retried_once_then_a_clean_error(
    fake_gemini: FakeGemini, gemini_provider: GeminiProvider
) -> None:
    fake_gemini.script(replies.malformed_reply(), replies.malformed_reply())
    with pytest.raises(AITextError) as caught:
        await gemini_provider.start_intake("x")
    assert "not valid JSON" in caught.value.message
    assert len(fake_gemini.requests) == 2


async def test_answer_breaking_the_schema_is_an_error_not_invented_content(
    fake_gemini: FakeGemini, gemini_provider: GeminiProvider
) -> None:
    bad = {**replies.ANALYSIS_ANSWER, "color_palette": ["red", "blue"]}
    fake_gemini.script(replies.text_reply(bad), replies.text_reply(bad))
    with pytest.raises(AITextError) as caught:
        await gemini_provider.analyze_entry(ENTRY, "abstract")
    assert "expected structure" in caught.value.message
    assert "color_palette" in caught.value.message


async def test_indicator_outside_the_catalog_is_rejected(
    fake_gemini: FakeGemini, gemini_provider: GeminiProvider
) -> None:
    bad = replies.INTAKE_ANSWER | {
        "scenarios": [
            {
                "id": "x",
                "question": "?",
                "options": [
                    {"id": "a", "text": "one", "emotion_indicators": ["rage"]},
                    {"id": "b", "text": "two", "emotion_indicators": ["joy"]},
                ],
            }
        ]
    }
    fake_gemini.script(replies.text_reply(bad), replies.text_reply(bad))
    with pytest.raises(AITextError):
        await gemini_provider.start_intake("x")


async def test_blocked_prompt_is_a_clear_error(
    fake_gemini: FakeGemini, gemini_provider: GeminiProvider
) -> None:
    fake_gemini.script(replies.blocked_reply("PROHIBITED_CONTENT"))
    with pytest.raises(AITextError) as caught:
        await gemini_provider.start_intake("x")
    assert "blocked" in caught.value.message
    assert "PROHIBITED_CONTENT" in caught.value.message
    assert not caught.value.retryable
    assert len(fake_gemini.requests) == 1
    # Gemini answered: it is up, only this text was refused.
    assert gemini_provider.readiness()["gemini_api"] == "healthy"


async def test_safety_finish_reason_on_text_is_a_refusal(
    fake_gemini: FakeGemini, gemini_provider: GeminiProvider
) -> None:
    fake_gemini.script(replies.refusal_reply("SAFETY"))
    with pytest.raises(AITextError) as caught:
        await gemini_provider.summarize_intake("x", [], ["fear"], 0.9)
    assert "SAFETY" in caught.value.message


@pytest.mark.parametrize("reason", ["IMAGE_SAFETY", "PROHIBITED_CONTENT", "SAFETY"])
async def test_refused_image_is_a_visualization_error(
    fake_gemini: FakeGemini, gemini_provider: GeminiProvider, reason: str
) -> None:
    fake_gemini.script(replies.refusal_reply(reason))
    with pytest.raises(AIImageError) as caught:
        await gemini_provider.render_image(ANALYSIS, ENTRY, "abstract")
    assert reason in caught.value.message
    assert not caught.value.retryable


async def test_no_image_finish_reason_is_a_retryable_failure(
    fake_gemini: FakeGemini, gemini_provider: GeminiProvider
) -> None:
    fake_gemini.script(replies.refusal_reply("NO_IMAGE"))
    with pytest.raises(AIImageError) as caught:
        await gemini_provider.render_image(ANALYSIS, ENTRY, "abstract")
    assert "no image" in caught.value.message
    assert "NO_IMAGE" in caught.value.message
    assert caught.value.retryable


async def test_answer_without_inline_image_is_a_failure(
    fake_gemini: FakeGemini, gemini_provider: GeminiProvider
) -> None:
    fake_gemini.script(replies.no_image_reply())
    with pytest.raises(AIImageError) as caught:
        await gemini_provider.render_image(ANALYSIS, ENTRY, "abstract")
    assert "no image" in caught.value.message


async def test_image_bytes_that_are_not_a_picture_are_rejected(
    fake_gemini: FakeGemini, gemini_provider: GeminiProvider
) -> None:
    fake_gemini.script(*[replies.image_reply(b"definitely not a png")] * 2)
    with pytest.raises(AIImageError) as caught:
        await gemini_provider.render_image(ANALYSIS, ENTRY, "abstract")
    assert "not a readable picture" in caught.value.message
    assert len(fake_gemini.requests) == 2  # one more try, then the error


async def test_a_decompression_bomb_is_a_final_answer_problem_not_an_outage(
    fake_gemini: FakeGemini, gemini_provider: GeminiProvider
) -> None:
    fake_gemini.script(replies.image_reply(replies.bomb_png()))
    with pytest.raises(AIImageError) as caught:
        await gemini_provider.render_image(ANALYSIS, ENTRY, "abstract")
    assert "far larger than asked for" in caught.value.message
    assert caught.value.retryable is False  # another try would only send another
    assert caught.value.outcome == "invalid_answer"
    assert len(fake_gemini.requests) == 1
    # Gemini answered: the image service is not reported down, nor is its circuit opened.
    assert gemini_provider.readiness()["nanobanana_api"] == "healthy"


async def test_a_gif_labelled_as_png_is_refused_like_unreadable_bytes(
    fake_gemini: FakeGemini, gemini_provider: GeminiProvider
) -> None:
    # The MIME type is only the label: the bytes decide which decoder would run.
    fake_gemini.script(*[replies.image_reply(replies.gif_bytes(), mime_type="image/png")] * 2)
    with pytest.raises(AIImageError) as caught:
        await gemini_provider.render_image(ANALYSIS, ENTRY, "abstract")
    assert "not a readable picture" in caught.value.message
    assert caught.value.outcome == "invalid_answer"


async def test_thought_parts_are_skipped_and_jpeg_is_read(
    fake_gemini: FakeGemini, gemini_provider: GeminiProvider
) -> None:
    jpeg = replies.jpeg_bytes()
    fake_gemini.script(
        replies.image_reply(jpeg, mime_type="image/jpeg", with_thought_image=True, text="Done.")
    )
    image = await gemini_provider.render_image(ANALYSIS, ENTRY, "metaphor")
    assert image.mime_type == "image/jpeg"
    assert image.data == jpeg
    assert image.metadata["thought_parts_skipped"] == 1
    assert image.metadata["text"] == ["Done."]
    assert image.metadata["finish_reason"] == "STOP"


async def test_thought_text_is_not_taken_for_the_answer(
    fake_gemini: FakeGemini, gemini_provider: GeminiProvider
) -> None:
    fake_gemini.script(replies.text_reply(replies.SUMMARY_ANSWER, with_thought=True))
    summary = await gemini_provider.summarize_intake("x", [], ["joy"], 0.3)
    assert summary.ai_summary == replies.SUMMARY_ANSWER["ai_summary"]


async def test_snake_case_answers_are_understood(
    fake_gemini: FakeGemini, gemini_provider: GeminiProvider
) -> None:
    fake_gemini.snake_case = True
    fake_gemini.script(replies.image_reply(replies.jpeg_bytes(), mime_type="image/jpeg"))
    image = await gemini_provider.render_image(ANALYSIS, ENTRY, "diagram")
    assert image.mime_type == "image/jpeg"
    fake_gemini.script(replies.blocked_reply("SAFETY"))
    with pytest.raises(AITextError):
        await gemini_provider.start_intake("x")


async def test_circuit_opens_after_repeated_failures_and_fails_fast(
    fake_gemini: FakeGemini,
) -> None:
    provider = make_gemini_provider(
        fake_gemini, ai_max_retries=0, ai_circuit_failure_threshold=2, ai_circuit_reset_seconds=30
    )
    fake_gemini.script(*[replies.error_reply(500, "INTERNAL")] * 2)
    try:
        for _ in range(2):
            with pytest.raises(AITextError):
                await provider.start_intake("x")
        with pytest.raises(AITextError) as caught:
            await provider.start_intake("x")
        assert "paused" in caught.value.message
        assert caught.value.retryable
        assert len(fake_gemini.requests) == 2  # the third call never left the process
        assert provider.readiness() == {"gemini_api": "unhealthy", "nanobanana_api": "healthy"}
        # The image circuit is separate: pictures still go out.
        image = await provider.render_image(ANALYSIS, ENTRY, "abstract")
        assert image.data
    finally:
        await provider.aclose()


async def test_circuit_closes_again_after_a_successful_trial(fake_gemini: FakeGemini) -> None:
    provider = make_gemini_provider(
        fake_gemini, ai_max_retries=0, ai_circuit_failure_threshold=1, ai_circuit_reset_seconds=0.2
    )
    fake_gemini.script(replies.error_reply(503, "UNAVAILABLE"))
    try:
        with pytest.raises(AITextError):
            await provider.start_intake("x")
        assert provider.readiness()["gemini_api"] == "unhealthy"
        await asyncio.sleep(0.25)  # the circuit's pause (0.2 s) runs out: a trial may go out
        assert (await provider.start_intake("x")).scenarios
        assert provider.readiness()["gemini_api"] == "healthy"
    finally:
        await provider.aclose()


async def test_cancelled_trial_call_does_not_jam_the_circuit(fake_gemini: FakeGemini) -> None:
    provider = make_gemini_provider(
        fake_gemini, ai_max_retries=0, ai_circuit_failure_threshold=1, ai_circuit_reset_seconds=0.1
    )
    fake_gemini.script(
        replies.error_reply(503, "UNAVAILABLE"), replies.text_reply(replies.INTAKE_ANSWER).after(2)
    )
    try:
        with pytest.raises(AITextError):
            await provider.start_intake("x")
        await asyncio.sleep(0.15)  # the circuit's pause (0.1 s) runs out: a trial may go out
        trial = asyncio.create_task(provider.start_intake("x"))
        # Cancelled only once it is in flight: Gemini has it (and answers in 2 s).
        await eventually(lambda: len(fake_gemini.requests) == 2, what="the trial call at Gemini")
        trial.cancel()
        with pytest.raises(asyncio.CancelledError):
            await trial
        assert (await provider.start_intake("x")).scenarios  # a new trial may go out
    finally:
        await provider.aclose()
