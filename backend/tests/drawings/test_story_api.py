"""POST /api/v1/visualizations/story as the app calls it: no token, offline provider."""

from __future__ import annotations

import base64
import logging
import re
from typing import Any

import httpx
import pytest

from app.drawings.offline.story_art import (
    BACKGROUND,
    CENTRE_POSITION,
    CORNER_POSITIONS,
    TAP_TARGET_RADIUS,
)
from tests.drawings.pixels import drawn_share_in_circle, open_png
from tests.drawings.stories import ONE_PER_LANGUAGE
from tests.helpers.envelope import assert_error
from tests.helpers.swift_decoding import STORY_DRAWING, assert_swift_decodes, drawing_response

STORY = "/api/v1/visualizations/story"
CJK = re.compile(r"[\u4e00-\u9fff]")
FEELING = {"feeling_category": "bad", "selected_emotions": ["freaked_out", "down"]}


async def tell(client: httpx.AsyncClient, story: Any, **extra: Any) -> httpx.Response:
    return await client.post(STORY, json={**FEELING, "story_text": story, **extra})


@pytest.mark.parametrize("language", ["en", "zh", "es"])
async def test_a_story_is_analysed_and_drawn_in_its_own_language(
    client: httpx.AsyncClient, language: str
) -> None:
    response = await tell(client, ONE_PER_LANGUAGE[language])

    assert response.status_code == 200, response.text
    body = response.json()
    assert_swift_decodes(body, drawing_response(STORY_DRAWING))
    analysis = body["data"]["story_analysis"]
    assert analysis["language"] == language
    assert 3 <= len(analysis["factors"]) <= 4
    text = " ".join([analysis["central_stressor"], *(f["factor"] for f in analysis["factors"])])
    if language == "zh":
        assert CJK.search(text)
    else:
        assert not CJK.search(text)
        assert all(word[0].isupper() for word in analysis["central_stressor"].split()[:1])
    image = open_png(base64.b64decode(body["data"]["image_data"]))
    assert body["data"]["image_size"] == {"width": image.width, "height": image.height}
    assert image.width == image.height


async def test_something_is_drawn_at_the_centre_and_at_each_factors_corner(
    client: httpx.AsyncClient,
) -> None:
    data = (await tell(client, ONE_PER_LANGUAGE["en"])).json()["data"]
    image = open_png(base64.b64decode(data["image_data"]))
    side = image.width
    radius = TAP_TARGET_RADIUS * side
    factors = len(data["story_analysis"]["factors"])

    spots = [CENTRE_POSITION, *CORNER_POSITIONS[:factors]]
    for x, y in spots:
        assert drawn_share_in_circle(image, (x * side, y * side), radius, BACKGROUND) > 0.3
    for x, y in CORNER_POSITIONS[factors:]:
        assert drawn_share_in_circle(image, (x * side, y * side), radius, BACKGROUND) < 0.05


async def test_another_language_falls_back_to_english(client: httpx.AsyncClient) -> None:
    story = (
        "Demain je dois présenter mon projet devant tout le conseil d'administration et je "
        "n'arrive plus à dormir, j'imagine que je vais tout oublier."
    )
    analysis = (await tell(client, story)).json()["data"]["story_analysis"]
    assert analysis["language"] == "en"


async def test_the_limits_count_the_trimmed_story(client: httpx.AsyncClient) -> None:
    short = "x" * 49
    refused = await tell(client, f"   {short}\n\n   ")
    error = assert_error(refused, 400, "TEXT_TOO_SHORT")
    assert error["error"]["details"] == {"min_length": 50, "actual_length": 49}

    just_enough = "I keep worrying that my friends are tired of me, all the time."
    assert len(just_enough) >= 50
    assert (await tell(client, f"  {just_enough}  ")).status_code == 200

    long = "word " * 1001
    error = assert_error(await tell(client, long), 400, "VALIDATION_ERROR")
    assert error["error"]["details"] == {
        "field": "story_text",
        "max_length": 5000,
        "actual_length": len(long.strip()),
    }
    padded = " " * 100 + "a" * 5000 + " " * 100
    assert (await tell(client, padded)).status_code == 200


@pytest.mark.parametrize("story", [None, "", "   "])
async def test_a_missing_or_blank_story_is_text_too_short(
    client: httpx.AsyncClient, story: str | None
) -> None:
    body = {**FEELING} if story is None else {**FEELING, "story_text": story}
    error = assert_error(await client.post(STORY, json=body), 400, "TEXT_TOO_SHORT")
    assert error["error"]["details"] == {"min_length": 50, "actual_length": 0}


async def test_the_category_and_emotions_are_checked_before_the_story(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        STORY, json={"feeling_category": "x", "selected_emotions": ["down"], "story_text": "short"}
    )
    error = assert_error(response, 400, "VALIDATION_ERROR")
    assert error["error"]["details"]["field"] == "feeling_category"


async def test_the_story_never_reaches_the_logs(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    story = "My very private story about Zanzibar-Quokka and my sister's wedding that went badly."
    with caplog.at_level(logging.DEBUG):
        assert (await tell(client, story)).status_code == 200
        assert_error(await tell(client, "Zanzibar-Quokka"), 400, "TEXT_TOO_SHORT")
    assert "story drawn" in caplog.text
    assert "Zanzibar" not in caplog.text
