"""POST /api/v1/visualizations/feeling as the app calls it: no token, offline provider."""

from __future__ import annotations

import base64
import copy
from typing import Any

import httpx
import pytest

from app.catalog.feelings import PROFILES
from tests.drawings.pixels import colour_counts, open_png
from tests.helpers.envelope import assert_error
from tests.helpers.swift_decoding import DRAWING, assert_swift_decodes, drawing_response

FEELING = "/api/v1/visualizations/feeling"
ALL_IDS = [p.id for p in PROFILES]


async def draw(client: httpx.AsyncClient, body: Any, **headers: str) -> httpx.Response:
    return await client.post(FEELING, json=body, headers=headers)


async def test_a_feeling_is_drawn_as_the_app_decodes_it(client: httpx.AsyncClient) -> None:
    response = await draw(
        client, {"feeling_category": "good", "selected_emotions": ["super_happy", "chill"]}
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert_swift_decodes(body, drawing_response(DRAWING))
    assert body["success"] is True
    assert body["error"] is None
    assert body["meta"]["api_version"] == "2.4"
    assert body["meta"]["timestamp"].endswith("Z")
    data = body["data"]
    assert data["image_format"] == "png"
    assert 3 <= len(data["dominant_colors"]) <= 4
    assert "Super Happy" in data["prompt_used"]
    assert "Chill" in data["prompt_used"]


async def test_the_picture_is_a_square_png_of_the_size_it_claims(
    client: httpx.AsyncClient,
) -> None:
    data = (
        await draw(client, {"feeling_category": "bad", "selected_emotions": ["fuming", "down"]})
    ).json()["data"]

    encoded = data["image_data"]
    assert "\n" not in encoded
    assert not encoded.startswith("data:")
    raw = base64.b64decode(encoded, validate=True)
    assert base64.b64encode(raw).decode() == encoded  # standard alphabet, padded
    image = open_png(raw)
    assert image.width == image.height
    assert data["image_size"] == {"width": image.width, "height": image.height}
    assert image.width in (512, 1024)


async def test_each_dominant_colour_is_close_to_many_of_the_pictures_pixels(
    client: httpx.AsyncClient,
) -> None:
    data = (
        await draw(client, {"feeling_category": "not_sure", "selected_emotions": ALL_IDS})
    ).json()["data"]
    image = open_png(base64.b64decode(data["image_data"]))
    counts = colour_counts(image.resize((128, 128)))
    total = sum(n for n, _ in counts)

    for colour in data["dominant_colors"]:
        assert len(colour) == 7
        target = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
        near = sum(
            n
            for n, rgb in counts
            if sum((a - b) ** 2 for a, b in zip(rgb, target, strict=True)) < 24**2
        )
        assert near / total > 0.02, (colour, near / total)


async def test_duplicates_are_dropped_and_a_mismatched_category_is_accepted(
    client: httpx.AsyncClient,
) -> None:
    once = await draw(client, {"feeling_category": "bad", "selected_emotions": ["chill"]})
    twice = await draw(client, {"feeling_category": "bad", "selected_emotions": ["chill", "chill"]})

    assert once.status_code == twice.status_code == 200
    assert once.json()["data"]["image_data"] == twice.json()["data"]["image_data"]
    assert once.json()["data"]["prompt_used"].count("Chill") == 1


@pytest.mark.parametrize(
    ("body", "details"),
    [
        (
            {"feeling_category": "meh", "selected_emotions": ["chill"]},
            {
                "field": "feeling_category",
                "provided": "meh",
                "valid_values": ["good", "bad", "not_sure"],
            },
        ),
        (
            {"selected_emotions": ["chill"]},
            {
                "field": "feeling_category",
                "provided": None,
                "valid_values": ["good", "bad", "not_sure"],
            },
        ),
        (
            {"feeling_category": "Good", "selected_emotions": ["chill"]},
            {
                "field": "feeling_category",
                "provided": "Good",
                "valid_values": ["good", "bad", "not_sure"],
            },
        ),
        (
            {"feeling_category": "good", "selected_emotions": ["chill", "joy", "elated"]},
            {
                "field": "selected_emotions",
                "invalid_values": ["joy", "elated"],
                "valid_values": ALL_IDS,
            },
        ),
        ({"feeling_category": "good", "selected_emotions": []}, {"field": "selected_emotions"}),
        ({"feeling_category": "good"}, {"field": "selected_emotions"}),
    ],
)
async def test_bad_categories_and_emotions_are_400_with_the_screens_details(
    client: httpx.AsyncClient, body: dict[str, Any], details: dict[str, Any]
) -> None:
    response = await draw(client, body)
    error = assert_error(response, 400, "VALIDATION_ERROR")
    assert error["error"]["details"] == details


@pytest.mark.parametrize(
    "body",
    [
        {"feeling_category": 1, "selected_emotions": ["chill"]},
        {"feeling_category": "good", "selected_emotions": "chill"},
        {"feeling_category": "good", "selected_emotions": [1]},
        ["good", "chill"],
    ],
)
async def test_wrong_json_types_are_400(client: httpx.AsyncClient, body: Any) -> None:
    assert_error(await draw(client, body), 400, "VALIDATION_ERROR")


async def test_malformed_json_is_400(client: httpx.AsyncClient) -> None:
    response = await client.post(
        FEELING,
        content=b'{"feeling_category": "good",',
        headers={"content-type": "application/json"},
    )
    assert_error(response, 400, "VALIDATION_ERROR")


def _decode_fails(body: dict[str, Any]) -> bool:
    try:
        assert_swift_decodes(body, drawing_response(DRAWING))
    except AssertionError:
        return True
    return False


async def test_the_swift_check_would_catch_each_way_an_answer_can_break(
    client: httpx.AsyncClient,
) -> None:
    response = await draw(client, {"feeling_category": "good", "selected_emotions": ["cozy"]})
    good: dict[str, Any] = response.json()

    def broken(change: Any) -> dict[str, Any]:
        body: dict[str, Any] = copy.deepcopy(good)
        change(body)
        return body

    assert not _decode_fails(good)
    assert _decode_fails(broken(lambda b: b["data"].pop("prompt_used")))
    assert _decode_fails(broken(lambda b: b["data"].update(prompt_used=None)))
    assert _decode_fails(broken(lambda b: b["data"]["image_size"].update(width="1024")))
    assert _decode_fails(broken(lambda b: b["data"].update(generation_time_ms=3500.5)))
    assert _decode_fails(broken(lambda b: b.pop("meta")))
    assert _decode_fails(broken(lambda b: b.update(success=1)))
