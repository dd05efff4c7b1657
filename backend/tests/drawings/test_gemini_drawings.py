"""The drawing screen on the Gemini path: the real google-genai SDK against the fake Gemini.

Deadlines are a second or two here, so a hanging Gemini is shown in a test run, not a minute.
"""

from __future__ import annotations

import asyncio
import base64
import io
import logging
from collections.abc import AsyncIterator

import httpx
import pytest
from PIL import Image

from app.ai.gemini import GeminiProvider
from app.main import create_app
from app.platform.config import Settings
from app.platform.db.database import Database
from tests.drawings.pixels import open_png
from tests.fakes import replies
from tests.fakes.fixtures import make_gemini_provider
from tests.fakes.gemini import FakeGemini
from tests.helpers.clients import client_for
from tests.helpers.envelope import assert_error
from tests.helpers.swift_decoding import (
    DRAWING,
    STORY_DRAWING,
    assert_swift_decodes,
    drawing_response,
)
from tests.helpers.waiting import eventually

FEELING = "/api/v1/visualizations/feeling"
STORY = "/api/v1/visualizations/story"
CHOICE = {"feeling_category": "bad", "selected_emotions": ["fuming", "mad_as_hell"]}
STORY_BODY = {
    **CHOICE,
    "story_text": "Tomorrow I give a speech at our company's annual gala in front of everyone.",
}
DEADLINE = 2.0


def png(width: int, height: int, colour: tuple[int, int, int] = (150, 160, 170)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def drawing_settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "drawing_feeling_deadline_seconds": DEADLINE,
            "drawing_story_deadline_seconds": DEADLINE,
        }
    )


@pytest.fixture
async def provider(
    drawing_settings: Settings, fake_gemini: FakeGemini
) -> AsyncIterator[GeminiProvider]:
    gemini = make_gemini_provider(fake_gemini, drawing_settings, nanobanana_timeout_seconds=30)
    yield gemini
    await gemini.aclose()


@pytest.fixture
async def gemini_client(
    drawing_settings: Settings,
    database: Database,
    provider: GeminiProvider,
    fake_gemini: FakeGemini,
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(drawing_settings, database=database, ai_provider=provider)
    try:
        async for client in client_for(app):
            yield client
    finally:
        fake_gemini.release()


async def test_a_feeling_is_drawn_by_nano_banana_pro_at_one_to_one(
    gemini_client: httpx.AsyncClient, fake_gemini: FakeGemini
) -> None:
    fake_gemini.script(replies.image_reply(png(1024, 1024), with_thought_image=True))

    response = await gemini_client.post(FEELING, json=CHOICE)

    assert response.status_code == 200, response.text
    assert_swift_decodes(response.json(), drawing_response(DRAWING))
    sent = fake_gemini.requests[0]
    assert sent.model == "gemini-3-pro-image"
    assert sent.generation_config["responseModalities"] == ["IMAGE"]
    assert sent.generation_config["imageConfig"]["aspectRatio"] == "1:1"
    assert "Fuming" in sent.prompt
    assert "Mad as Hell" in sent.prompt
    assert "no text" in sent.prompt
    data = response.json()["data"]
    assert data["prompt_used"] == sent.prompt
    assert data["image_size"] == {"width": 1024, "height": 1024}


async def test_a_non_square_feeling_is_centre_cropped_and_a_jpeg_becomes_png(
    gemini_client: httpx.AsyncClient, fake_gemini: FakeGemini
) -> None:
    wide = io.BytesIO()
    image = Image.new("RGB", (1200, 800), (200, 40, 40))
    image.paste((40, 40, 200), (200, 0, 1000, 800))  # the middle 800 px are blue
    image.save(wide, format="JPEG")
    fake_gemini.script(replies.image_reply(wide.getvalue(), mime_type="image/jpeg"))

    data = (await gemini_client.post(FEELING, json=CHOICE)).json()["data"]

    picture = open_png(base64.b64decode(data["image_data"]))
    assert picture.size == (1024, 1024)
    assert data["image_size"] == {"width": 1024, "height": 1024}
    r, _g, b = picture.convert("RGB").getpixel((10, 512))  # type: ignore[misc]
    assert b > 150 > r  # the red side bands were cut off, not squeezed in


async def test_a_story_is_analysed_by_gemini_then_drawn_with_its_labels(
    gemini_client: httpx.AsyncClient, fake_gemini: FakeGemini
) -> None:
    response = await gemini_client.post(STORY, json=STORY_BODY)

    assert response.status_code == 200, response.text
    assert_swift_decodes(response.json(), drawing_response(STORY_DRAWING))
    analysis_request, image_request = fake_gemini.requests
    assert analysis_request.model == "gemini-flash-latest"
    assert analysis_request.response_schema is not None
    assert "central_stressor" in analysis_request.response_schema["properties"]
    assert "annual gala" in analysis_request.prompt  # as quoted data
    assert "<user_data>" in analysis_request.prompt
    assert analysis_request.generation_config["thinkingConfig"] == {"thinking_level": "LOW"}
    data = response.json()["data"]
    assert data["story_analysis"] == replies.STORY_ANSWER
    for label in ("Public Performance Anxiety", "Fear Of Judgment", "High Stakes", "Perfectionism"):
        assert label in image_request.prompt
    assert "top-left" in image_request.prompt
    assert "bottom-right corner stays empty" in image_request.prompt


async def test_a_non_square_story_is_asked_for_again_then_padded_never_cropped(
    gemini_client: httpx.AsyncClient, fake_gemini: FakeGemini, caplog: pytest.LogCaptureFixture
) -> None:
    fake_gemini.script(
        replies.text_reply(replies.STORY_ANSWER),
        replies.image_reply(png(1200, 800)),
        replies.image_reply(png(1200, 800, (10, 200, 10))),
    )
    with caplog.at_level(logging.INFO):
        data = (await gemini_client.post(STORY, json=STORY_BODY)).json()["data"]

    assert len(fake_gemini.requests) == 3
    assert "padded" in caplog.text
    picture = open_png(base64.b64decode(data["image_data"])).convert("RGB")
    assert picture.size == (1024, 1024)
    # The whole second answer is there, between bands of the light background.
    assert picture.getpixel((512, 512)) == (10, 200, 10)
    assert picture.getpixel((512, 5)) != (10, 200, 10)


async def test_a_second_answer_that_is_square_is_used_as_it_is(
    gemini_client: httpx.AsyncClient, fake_gemini: FakeGemini
) -> None:
    fake_gemini.script(
        replies.text_reply(replies.STORY_ANSWER),
        replies.image_reply(png(800, 1200)),
        replies.image_reply(png(1024, 1024, (10, 200, 10))),
    )
    data = (await gemini_client.post(STORY, json=STORY_BODY)).json()["data"]
    picture = open_png(base64.b64decode(data["image_data"])).convert("RGB")
    assert picture.getpixel((5, 5)) == (10, 200, 10)


@pytest.mark.parametrize(
    ("path", "refusal"),
    [
        (FEELING, replies.refusal_reply("IMAGE_SAFETY")),
        (STORY, replies.blocked_reply("SAFETY")),
    ],
)
async def test_a_refusal_is_400_content_filtered(
    gemini_client: httpx.AsyncClient,
    fake_gemini: FakeGemini,
    path: str,
    refusal: replies.FakeReply,
) -> None:
    fake_gemini.script(refusal)
    body = STORY_BODY if path == STORY else CHOICE
    error = assert_error(await gemini_client.post(path, json=body), 400, "CONTENT_FILTERED")
    assert set(error["error"]["details"]) == {"reason", "suggestion"}
    assert len(fake_gemini.requests) == 1  # a refusal is not retried


async def test_an_outage_is_503_generation_service_error(
    gemini_client: httpx.AsyncClient, fake_gemini: FakeGemini
) -> None:
    fake_gemini.script(*[replies.error_reply(503, "UNAVAILABLE")] * 4)
    response = await gemini_client.post(FEELING, json=CHOICE)
    error = assert_error(response, 503, "GENERATION_SERVICE_ERROR")
    details = error["error"]["details"]
    assert details["service"] == "nano_banana_pro"
    assert details["retry_after_seconds"] == int(response.headers["retry-after"]) >= 1


async def test_a_hanging_gemini_is_504_within_the_deadline(
    gemini_client: httpx.AsyncClient, fake_gemini: FakeGemini
) -> None:
    fake_gemini.hold()
    response = await gemini_client.post(STORY, json=STORY_BODY)
    error = assert_error(response, 504, "GENERATION_TIMEOUT")
    assert error["error"]["details"] == {"timeout_seconds": DEADLINE}
    assert fake_gemini.held == 1  # the request gave up; Gemini was still "thinking"


async def test_a_full_house_is_503_generation_service_error(
    drawing_settings: Settings, database: Database, fake_gemini: FakeGemini
) -> None:
    provider = make_gemini_provider(
        fake_gemini, drawing_settings, ai_image_concurrency=1, ai_slot_wait_seconds=0.2
    )
    app = create_app(drawing_settings, database=database, ai_provider=provider)
    fake_gemini.hold()
    try:
        async for client in client_for(app):
            first = asyncio.create_task(client.post(FEELING, json=CHOICE))
            await eventually(lambda: fake_gemini.held == 1, what="the first picture in flight")
            response = await client.post(FEELING, json=CHOICE)
            error = assert_error(response, 503, "GENERATION_SERVICE_ERROR")
            assert error["error"]["details"]["service"] == "ai_capacity"
            fake_gemini.release()
            assert (await first).status_code == 200
    finally:
        fake_gemini.release()
        await provider.aclose()


async def test_health_says_degraded_while_gemini_fails_and_never_calls_it(
    gemini_client: httpx.AsyncClient, fake_gemini: FakeGemini
) -> None:
    healthy = (await gemini_client.get("/api/v1/visualizations/health")).json()
    assert healthy["status"] == "healthy"
    assert healthy["checks"]["gemini_api"] == {
        "status": "healthy",
        "mode": "gemini",
        "text_model": "gemini-flash-latest",
        "image_model": "gemini-3-pro-image",
    }
    fake_gemini.script(*[replies.error_reply(503, "UNAVAILABLE")] * 4)
    await gemini_client.post(FEELING, json=CHOICE)
    calls = len(fake_gemini.requests)

    degraded = (await gemini_client.get("/api/v1/visualizations/health")).json()

    assert degraded["status"] == "degraded"
    assert degraded["checks"]["gemini_api"]["status"] == "unhealthy"
    assert len(fake_gemini.requests) == calls
