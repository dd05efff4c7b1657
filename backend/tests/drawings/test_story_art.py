"""The story infographic: something drawn on every tap target, labels that fit, nothing else."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from PIL import Image, ImageChops

from app.drawings.offline.story_art import (
    BACKGROUND,
    CENTRE_POSITION,
    CORNER_POSITIONS,
    TAP_TARGET_RADIUS,
    draw_story,
)
from app.drawings.offline.story_bank import BankStory, analyse_story
from app.drawings.story_analysis import StoryAnalysis, StoryFactor
from tests.drawings.pixels import drawn_share_in_circle, open_png
from tests.drawings.stories import STORIES

# One story per language, with four and with three factors.
SAMPLES = {f"{language}-{category}": story for language, category, story in STORIES}
PICKED = ["en-performance", "zh-work", "es-relationship", "en-money", "zh-family", "es-grief"]


def _synthetic(labels: list[str], stressor: str, language: str) -> BankStory:
    factors = [StoryFactor(factor=label, insight="A short insight.") for label in labels]
    return BankStory(
        analysis=StoryAnalysis(central_stressor=stressor, factors=factors, language=language),
        category="work",
        centre_icon="briefcase",
        factor_icons=["clock", "eye", "no_such_icon", "stack"][: len(labels)],
    )


def test_the_layout_constants_are_the_apps_tap_targets() -> None:
    assert CENTRE_POSITION == (0.5, 0.5)
    assert CORNER_POSITIONS == ((0.22, 0.22), (0.78, 0.22), (0.22, 0.78), (0.78, 0.78))
    assert TAP_TARGET_RADIUS == 0.09


@pytest.mark.parametrize("size", [1024, 512])
def test_a_square_rgb_png_of_the_requested_size(size: int) -> None:
    image = open_png(draw_story(analyse_story(SAMPLES["en-work"]), size=size))
    assert image.size == (size, size)
    assert image.mode == "RGB"


@pytest.mark.parametrize("name", PICKED)
def test_every_used_corner_and_the_centre_have_a_drawing_and_unused_corners_stay_empty(
    name: str,
) -> None:
    story = analyse_story(SAMPLES[name])
    size = 1024
    image = open_png(draw_story(story, size=size))
    radius = TAP_TARGET_RADIUS * size
    used = len(story.analysis.factors)
    centre = (CENTRE_POSITION[0] * size, CENTRE_POSITION[1] * size)
    assert drawn_share_in_circle(image, centre, radius, BACKGROUND) > 0.9
    for i, (fx, fy) in enumerate(CORNER_POSITIONS):
        share = drawn_share_in_circle(image, (fx * size, fy * size), radius, BACKGROUND)
        if i < used:
            assert share > 0.7, (name, i)
        else:
            assert share == 0, (name, i)


def test_three_factor_stories_leave_the_bottom_right_corner_empty() -> None:
    story = _synthetic(["Fear of Failing", "Too Little Time", "Uncertain Future"], "X Y", "en")
    image = open_png(draw_story(story, size=512))
    fx, fy = CORNER_POSITIONS[3]
    empty = drawn_share_in_circle(image, (fx * 512, fy * 512), 0.09 * 512, BACKGROUND)
    assert empty == 0


@pytest.mark.parametrize(
    ("labels", "stressor", "language"),
    [
        (
            ["Extraordinarily Overwhelming Responsibilities Everywhere"] * 4,
            "Unbelievably Complicated Interpersonal Workplace Dynamics",
            "en",
        ),
        (["Responsabilidades Extraordinariamente Agotadoras"] * 4, "Presión Laboral", "es"),
        (["挥之不去的思念与来不及说的话和事后的自责"] * 4, "当众表现焦虑与经济不安全感", "zh"),
        (["Incomprehensibilities"] * 4, "Supercalifragilisticexpialidocious", "en"),
    ],
)
def test_long_labels_shrink_and_wrap_but_never_run_off_the_picture(
    labels: list[str], stressor: str, language: str
) -> None:
    size = 512
    image = open_png(draw_story(_synthetic(labels, stressor, language), size=size))
    plain = Image.new("RGB", image.size, BACKGROUND)
    margin = round(0.01 * size)
    inner = (margin, margin, size - margin, size - margin)
    difference = ImageChops.difference(image, plain)
    frame = difference.copy()
    frame.paste((0, 0, 0), inner)
    assert frame.getbbox() is None, "something touches the picture's edge"
    # ... and each label is really there: ink above the top corners and below the bottom ones.
    for fx, fy in CORNER_POSITIONS:
        top = fy < 0.5
        band = (
            round((fx - 0.2) * size),
            round((0.0 if top else fy + 0.1) * size),
            round((fx + 0.2) * size),
            round((fy - 0.1 if top else 1.0) * size),
        )
        assert difference.crop(band).getbbox() is not None


def test_the_same_story_gives_the_same_bytes() -> None:
    story = analyse_story(SAMPLES["es-money"])
    assert draw_story(story, size=512) == draw_story(story, size=512)


def test_drawing_in_parallel_threads_gives_the_same_pictures() -> None:
    stories = [analyse_story(SAMPLES[name]) for name in PICKED[:3]]
    alone = [draw_story(story, size=512) for story in stories]
    with ThreadPoolExecutor(max_workers=3) as pool:
        together = list(pool.map(lambda story: draw_story(story, size=512), stories * 2))
    assert together == alone * 2
