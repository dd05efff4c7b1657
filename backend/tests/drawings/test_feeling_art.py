"""The offline feeling picture: square, muted, mirror-symmetric, deterministic, per selection."""

from __future__ import annotations

import itertools

import pytest
from PIL import Image, ImageChops, ImageStat

from app.catalog.feelings import PROFILES, PROFILES_BY_ID
from app.drawings.offline.feeling_art import MAX_SATURATION, describe_feeling, draw_feeling
from tests.drawings.pixels import hls_saturations, open_png

SELECTIONS = [[p.id] for p in PROFILES] + [
    ["super_happy", "chill"],
    ["fuming", "freaked_out", "down"],
    [p.id for p in PROFILES],
]


def _draw(ids: list[str], *, seed: int = 3, size: int = 512) -> Image.Image:
    return open_png(draw_feeling([PROFILES_BY_ID[i] for i in ids], seed=seed, size=size))


def _mean_difference(a: Image.Image, b: Image.Image) -> float:
    return sum(ImageStat.Stat(ImageChops.difference(a, b)).mean) / 3


@pytest.mark.parametrize("size", [1024, 512])
def test_a_square_rgb_png_of_the_requested_size(size: int) -> None:
    image = _draw(["cozy", "pumped"], size=size)
    assert image.size == (size, size)
    assert image.mode == "RGB"


@pytest.mark.parametrize("ids", SELECTIONS, ids="+".join)
def test_the_picture_is_exactly_left_right_symmetric(ids: list[str]) -> None:
    image = _draw(ids)
    mirrored = image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    assert ImageChops.difference(image, mirrored).getbbox() is None


@pytest.mark.parametrize("ids", SELECTIONS, ids="+".join)
def test_nearly_every_pixel_is_muted(ids: list[str]) -> None:
    saturations = hls_saturations(_draw(ids))
    total = sum(n for n, _ in saturations)
    # A little headroom over the cap for 8-bit rounding where blended colours meet.
    muted = sum(n for n, s in saturations if s <= MAX_SATURATION + 0.05)
    assert muted / total >= 0.99


def test_the_same_seed_and_profiles_give_the_same_bytes() -> None:
    chosen = [PROFILES_BY_ID["chill"], PROFILES_BY_ID["down"]]
    assert draw_feeling(chosen, seed=42, size=512) == draw_feeling(chosen, seed=42, size=512)
    assert draw_feeling(chosen, seed=42, size=512) != draw_feeling(chosen, seed=43, size=512)


def test_every_single_feeling_looks_visibly_different_from_every_other() -> None:
    small = {p.id: _draw([p.id], size=256) for p in PROFILES}
    for a, b in itertools.combinations(small, 2):
        assert _mean_difference(small[a], small[b]) > 4, (a, b)


def test_adding_a_feeling_changes_the_picture() -> None:
    one = _draw(["content"], size=256)
    two = _draw(["content", "fuming"], size=256)
    assert _mean_difference(one, two) > 4


def test_intense_selections_have_more_contrast_than_calm_ones() -> None:
    calm = ImageStat.Stat(_draw(["chill"]).convert("L")).stddev[0]
    intense = ImageStat.Stat(_draw(["pumped", "fuming"]).convert("L")).stddev[0]
    assert intense > calm


def test_an_empty_selection_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one"):
        draw_feeling([], seed=1)
    with pytest.raises(ValueError, match="at least one"):
        describe_feeling([])


def test_the_description_names_the_feelings_colours_and_shapes() -> None:
    chosen = [PROFILES_BY_ID["super_happy"], PROFILES_BY_ID["down"]]
    text = describe_feeling(chosen)
    for expected in ("Super Happy", "Down", "warm yellow", "soft navy", "sinking curves"):
        assert expected in text
    assert "no objects, people or text" in text
