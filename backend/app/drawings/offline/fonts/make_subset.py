"""Regenerate the story pictures' label font: a subset covering every bank character.

A developer tool, never imported by the app; it needs fontTools (a dev dependency). Run it
again whenever the story bank's text changes (a test fails when a character has no glyph).

The full font is Noto Sans SC Regular 2.004 (SIL Open Font License 1.1, (c) 2014-2021 Adobe),
as shipped on PyPI inside the wheel pylopdf-fonts-zh-cn 0.1.1 (the file
pylopdf_fonts_zh_cn/NotoSansSC-Regular.otf). It covers simplified Chinese and the full Latin
set (Spanish accents, ¿ ¡ ñ). Fetch the wheel into a scratch folder, outside the project, then
run from backend/:

    pip download --no-deps -d /tmp/labelfont pylopdf-fonts-zh-cn==0.1.1
    uv run python -m app.drawings.offline.fonts.make_subset \\
        /tmp/labelfont/pylopdf_fonts_zh_cn-0.1.1-py3-none-any.whl

The subset is renamed (a modified version of an OFL font should not pass for the original) and
its licence is written beside it, from the wheel's own licence file.
"""

from __future__ import annotations

import hashlib
import io
import string
import sys
import zipfile
from pathlib import Path

from fontTools import subset  # type: ignore[import-untyped]
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

from app.drawings.offline.story_bank import bank_strings

HERE = Path(__file__).resolve().parent
FONT_NAME = "EmotionVizLabels-Regular.otf"
# The characters the subset covers, one file the app reads to tell whether a label will render.
CHARACTERS_NAME = "EmotionVizLabels-Regular.chars.txt"
LICENCE_NAME = "OFL.txt"
SOURCE_MEMBER = "pylopdf_fonts_zh_cn/NotoSansSC-Regular.otf"
LICENCE_MEMBER = "pylopdf_fonts_zh_cn-0.1.1.dist-info/licenses/LICENSE"
SOURCE_SHA256 = "faa6c9df652116dde789d351359f3d7e5d2285a2b2a1f04a2d7244df706d5ea9"
FAMILY = "EmotionViz Labels"
POSTSCRIPT = "EmotionVizLabels-Regular"


# Beyond the bank's own text: the rest of the Spanish alphabet and Latin-1 (capital Ñ, ¿, ¡ ...)
# and everyday Chinese punctuation, so labels written elsewhere in these languages rarely miss a
# glyph. A few kilobytes; the Chinese ideographs are what make a full font large.
EXTRA = "".join(chr(c) for c in range(0xA1, 0x100)) + "，。、：；！？（）“”‘’《》—…·"


def characters() -> str:
    """ASCII, Latin-1, Chinese punctuation and every character the story bank can output."""
    visible_ascii = set(string.printable) - set(string.whitespace)
    # The soft hyphen is invisible by design: nothing to draw.
    chars = {" "} | visible_ascii | (set(EXTRA) - {"\xad"})
    for text in bank_strings():
        chars.update(text)
    return "".join(sorted(chars))


def _rename(font: TTFont) -> None:
    names = font["name"]
    replacements = {
        1: FAMILY,
        3: f"2.004;{POSTSCRIPT};subset",
        4: FAMILY,
        6: POSTSCRIPT,
        16: FAMILY,
    }
    for record in names.names:
        if record.nameID in replacements:
            record.string = replacements[record.nameID]


def build(wheel: Path) -> tuple[Path, int]:
    with zipfile.ZipFile(wheel) as archive:
        source = archive.read(SOURCE_MEMBER)
        licence = archive.read(LICENCE_MEMBER).decode()
    digest = hashlib.sha256(source).hexdigest()
    if digest != SOURCE_SHA256:
        raise SystemExit(
            f"unexpected source font (sha256 {digest}); update SOURCE_SHA256 knowingly"
        )
    font = TTFont(io.BytesIO(source), recalcTimestamp=False)
    options = subset.Options()
    # FreeType's own hinting is good at label sizes; the font's hints would double its size.
    options.hinting = False
    options.name_IDs = ["*"]
    options.name_languages = [0x409]
    options.drop_tables += ["VORG", "vhea", "vmtx", "DSIG", "BASE"]
    chars = characters()
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=chars)
    subsetter.subset(font)
    _rename(font)
    covered = "".join(sorted(chr(c) for c in font.getBestCmap()))
    target = HERE / FONT_NAME
    font.save(target)
    (HERE / CHARACTERS_NAME).write_text(covered, encoding="utf-8")
    copyright_line = font["name"].getDebugName(0)
    (HERE / LICENCE_NAME).write_text(
        f"{FONT_NAME} is a subset of Noto Sans SC Regular 2.004, renamed.\n"
        f"{copyright_line}\n\n{licence}",
        encoding="utf-8",
    )
    return target, len(chars)


def main() -> None:
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    target, count = build(Path(sys.argv[1]))
    print(f"{target.name}: {count} characters, {target.stat().st_size} bytes")


if __name__ == "__main__":
    main()
