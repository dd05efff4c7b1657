"""The committed label font: a small subset that still has a glyph for every bank character."""

from __future__ import annotations

from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from PIL import Image, ImageDraw, ImageFont

from app.drawings.offline.story_art import FONT_PATH, LABEL_CHARACTERS, font_covers
from app.drawings.offline.story_bank import bank_strings

# Chosen with room to grow: the subset is about 150 KB, a full CJK font is 8-16 MB.
MAX_FONT_BYTES = 300_000


def _cmap() -> set[str]:
    with TTFont(FONT_PATH, lazy=True) as font:
        return {chr(code) for code in font.getBestCmap()}


def test_every_character_the_bank_can_output_has_a_glyph() -> None:
    cmap = _cmap()
    needed = {c for text in bank_strings() for c in text}
    missing = sorted(needed - cmap)
    assert not missing, f"run make_subset.py again: no glyph for {''.join(missing)!r}"
    assert {chr(c) for c in range(0x20, 0x7F)} <= cmap
    assert set("¿¡ñÑáéíóúüÁÉÍÓÚÜ，。“”") <= cmap


def test_the_character_list_beside_the_font_matches_its_cmap() -> None:
    assert _cmap() == LABEL_CHARACTERS
    assert all(font_covers(text) for text in bank_strings())
    assert not font_covers("鑫")  # a real character, but none of the bank's


def test_the_font_is_small_renamed_and_licensed() -> None:
    assert FONT_PATH.stat().st_size < MAX_FONT_BYTES
    with TTFont(FONT_PATH, lazy=True) as font:
        family = font["name"].getDebugName(1)
    assert family == "EmotionViz Labels"
    licence = (FONT_PATH.parent / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence
    assert "Adobe" in licence


def test_pillow_draws_ink_for_chinese_and_spanish_labels() -> None:
    font = ImageFont.truetype(str(FONT_PATH), 32)
    for label in ("当众表现焦虑", "¿Añorar su Presencia?"):
        image = Image.new("L", (600, 60), 0)
        ImageDraw.Draw(image).text((5, 5), label, font=font, fill=255)
        # Every character leaves ink: a missing glyph would leave a blank gap instead.
        for char in label.replace(" ", ""):
            alone = Image.new("L", (60, 60), 0)
            ImageDraw.Draw(alone).text((5, 5), char, font=font, fill=255)
            assert alone.getbbox() is not None, char
        assert image.getbbox() is not None
