"""The story infographic: the central stressor in the middle, one factor in each used corner.

The app places a circular tap target 18 % of the picture wide on each corner that has a factor,
so those positions are fixed. Shapes are painted at twice the size and halved (cheap
anti-aliasing); labels are set afterwards at the final size, where FreeType smooths them itself.
"""

from __future__ import annotations

import io
import threading
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from app.drawings.offline.icons import draw_icon
from app.drawings.offline.story_bank import BankStory

RGB = tuple[int, int, int]

# Fractions of the picture's width and height.
CENTRE_POSITION: tuple[float, float] = (0.5, 0.5)
# factors[0..3] in this order: top-left, top-right, bottom-left, bottom-right.
CORNER_POSITIONS: tuple[tuple[float, float], ...] = (
    (0.22, 0.22),
    (0.78, 0.22),
    (0.22, 0.78),
    (0.78, 0.78),
)
# The app's tap target around each corner: 18 % wide, so 9 % of the size as a radius.
TAP_TARGET_RADIUS = 0.09

_FONTS = Path(__file__).resolve().parent / "fonts"
FONT_PATH = _FONTS / "EmotionVizLabels-Regular.otf"
# Written by make_subset.py beside the font: exactly the characters it has glyphs for.
LABEL_CHARACTERS: frozenset[str] = frozenset(
    (_FONTS / "EmotionVizLabels-Regular.chars.txt").read_text(encoding="utf-8")
)

# Everything not drawn stays exactly this colour (the empty corner, the margins).
BACKGROUND: RGB = (247, 245, 241)
_SUPERSAMPLE = 2
_LINE: RGB = (203, 207, 213)
_INK: RGB = (74, 84, 98)
_TEXT: RGB = (52, 60, 72)
_CORNER_DISC = 0.085
_CENTRE_DISC = 0.12
_CORNER_ICON = 0.047
_CENTRE_ICON = 0.066
_CORNER_FONT = 0.031
_CENTRE_FONT = 0.039
# Corner labels sit on the outer side of their disc, so the middle of the picture stays clear.
_CORNER_LABEL_WIDTH = 0.4
# Narrow enough that a two-line centre label never reaches the bottom corners' discs.
_CENTRE_LABEL_WIDTH = 0.38
_LABEL_GAP = 0.012
_SMALLEST_FONT_SHARE = 0.6
_MIN_PIXELS = 6
_CORNER_TINTS: tuple[RGB, ...] = (
    (221, 230, 240),
    (233, 223, 240),
    (221, 236, 228),
    (243, 228, 213),
)
_CENTRE_TINTS: dict[str, RGB] = {
    "grief": (226, 221, 236),
    "health": (216, 234, 228),
    "performance": (243, 226, 214),
    "study": (222, 229, 241),
    "money": (236, 232, 210),
    "relationship": (242, 218, 222),
    "family": (238, 226, 212),
    "loneliness": (220, 228, 238),
    "self_image": (234, 222, 238),
    "work": (226, 230, 236),
    "general": (228, 230, 232),
}
_DEFAULT_CENTRE_TINT: RGB = (228, 230, 232)


def _darker(colour: RGB, amount: float) -> RGB:
    r, g, b = colour
    return (round(r * (1 - amount)), round(g * (1 - amount)), round(b * (1 - amount)))


class _ThreadFonts(threading.local):
    def __init__(self) -> None:
        self.by_size: dict[int, ImageFont.FreeTypeFont] = {}


# A FreeType face must not be used by two threads at once, and pictures are drawn in a pool of
# worker threads: each thread keeps its own fonts (loading one takes well under a millisecond).
_thread_fonts = _ThreadFonts()


def _font(pixels: int) -> ImageFont.FreeTypeFont:
    fonts = _thread_fonts.by_size
    if pixels not in fonts:
        # Basic layout: labels need no shaping, and it renders the same with or without libraqm.
        fonts[pixels] = ImageFont.truetype(
            str(FONT_PATH), pixels, layout_engine=ImageFont.Layout.BASIC
        )
    return fonts[pixels]


def font_covers(text: str) -> bool:
    """Whether every character of a label has a glyph in the label font (else it would not show)."""
    return all(c in LABEL_CHARACTERS for c in text if not c.isspace())


def _tokens(text: str) -> tuple[list[str], str]:
    """Words and their separator; Chinese, written without spaces, breaks between characters."""
    if " " in text.strip():
        return text.split(), " "
    if any("\u3400" <= c <= "\u9fff" for c in text):
        return list(text), ""
    # One long word: never split mid-word; the font shrinks instead.
    return [text], ""


def _width(font: ImageFont.FreeTypeFont, text: str) -> float:
    return font.getlength(text)


def _greedy(
    tokens: list[str], joiner: str, font: ImageFont.FreeTypeFont, max_width: float
) -> list[str]:
    lines: list[str] = []
    current = ""
    for token in tokens:
        candidate = f"{current}{joiner}{token}" if current else token
        if current and _width(font, candidate) > max_width:
            lines.append(current)
            current = token
        else:
            current = candidate
    return [*lines, current]


def _wrap(
    text: str, font: ImageFont.FreeTypeFont, max_width: float, max_lines: int
) -> list[str] | None:
    """The label on one line, two balanced lines or (if allowed) three; None if it cannot fit."""
    if _width(font, text) <= max_width:
        return [text]
    tokens, joiner = _tokens(text)
    best: tuple[float, list[str]] | None = None
    for cut in range(1, len(tokens)):
        lines = [joiner.join(tokens[:cut]), joiner.join(tokens[cut:])]
        widest = max(_width(font, line) for line in lines)
        if widest <= max_width and (best is None or widest < best[0]):
            best = (widest, lines)
    if best is not None:
        return best[1]
    if max_lines > 2:
        lines = _greedy(tokens, joiner, font, max_width)
        if len(lines) <= max_lines and all(_width(font, line) <= max_width for line in lines):
            return lines
    return None


def _fit(text: str, pixels: int, max_width: float) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The largest font at which the label fits: in two lines down to a floor size, then three.

    Shrinking rather than cutting: a label is never clipped, however long the model made it."""
    floor = max(8, round(pixels * _SMALLEST_FONT_SHARE))
    size = pixels
    while size > _MIN_PIXELS:
        font = _font(size)
        lines = _wrap(text, font, max_width, 2 if size > floor else 3)
        if lines is not None:
            return font, lines
        size -= max(1, round(size * 0.08))
    font = _font(_MIN_PIXELS)
    return font, _greedy(*_tokens(text), font, max_width)


def _label(
    draw: ImageDraw.ImageDraw,
    text: str,
    anchor_x: float,
    edge_y: float,
    *,
    above: bool,
    pixels: int,
    max_width: float,
    bold: bool = False,
) -> None:
    """Draw a label centred on anchor_x, starting at edge_y and growing away from the disc."""
    font, lines = _fit(text, pixels, max_width)
    line_height = round(font.size * 1.28)
    block = line_height * len(lines)
    top = edge_y - block if above else edge_y
    pad = round(font.size * 0.35)
    widest = max(_width(font, line) for line in lines)
    draw.rounded_rectangle(
        (anchor_x - widest / 2 - pad, top - pad / 2, anchor_x + widest / 2 + pad, top + block),
        radius=pad,
        fill=BACKGROUND,
    )
    # Faux bold (the subset has one weight); below ~17 px a stroke would only blur the letters.
    stroke = round(font.size / 34) if bold else 0
    for i, line in enumerate(lines):
        draw.text(
            (anchor_x, top + i * line_height),
            line,
            font=font,
            fill=_TEXT,
            anchor="ma",
            stroke_width=stroke,
            stroke_fill=_TEXT,
        )


def draw_story(story: BankStory, *, size: int = 1024) -> bytes:
    """A square RGB PNG: the stressor at the centre, factor i at corner i, lines between them."""
    buffer = io.BytesIO()
    paint_story(story, size=size).save(buffer, format="PNG", compress_level=3)
    return buffer.getvalue()


def paint_story(story: BankStory, *, size: int = 1024) -> Image.Image:
    """`draw_story`'s picture before it is encoded."""
    analysis = story.analysis
    factors = analysis.factors[: len(CORNER_POSITIONS)]
    big = size * _SUPERSAMPLE
    canvas = Image.new("RGB", (big, big), BACKGROUND)
    draw = ImageDraw.Draw(canvas)
    centre = (CENTRE_POSITION[0] * big, CENTRE_POSITION[1] * big)
    for fx, fy in CORNER_POSITIONS[: len(factors)]:
        draw.line((fx * big, fy * big, *centre), fill=_LINE, width=max(2, round(big * 0.006)))
    centre_tint = _CENTRE_TINTS.get(story.category, _DEFAULT_CENTRE_TINT)
    radius = _CENTRE_DISC * big
    draw.ellipse(
        (centre[0] - radius, centre[1] - radius, centre[0] + radius, centre[1] + radius),
        fill=centre_tint,
        outline=_darker(centre_tint, 0.12),
        width=max(2, round(big * 0.006)),
    )
    draw_icon(draw, story.centre_icon, centre, _CENTRE_ICON * big, _INK, centre_tint)
    for i, (fx, fy) in enumerate(CORNER_POSITIONS[: len(factors)]):
        tint = _CORNER_TINTS[i]
        spot = (fx * big, fy * big)
        radius = _CORNER_DISC * big
        draw.ellipse(
            (spot[0] - radius, spot[1] - radius, spot[0] + radius, spot[1] + radius),
            fill=tint,
            outline=_darker(tint, 0.1),
            width=max(2, round(big * 0.004)),
        )
        icon = story.factor_icons[i] if i < len(story.factor_icons) else ""
        draw_icon(draw, icon, spot, _CORNER_ICON * big, _INK, tint)
    img = canvas.reduce(_SUPERSAMPLE)
    text = ImageDraw.Draw(img)
    _label(
        text,
        analysis.central_stressor,
        CENTRE_POSITION[0] * size,
        (CENTRE_POSITION[1] + _CENTRE_DISC + _LABEL_GAP) * size,
        above=False,
        pixels=round(_CENTRE_FONT * size),
        max_width=_CENTRE_LABEL_WIDTH * size,
        bold=True,
    )
    for (fx, fy), factor in zip(CORNER_POSITIONS, factors, strict=False):
        top_row = fy < CENTRE_POSITION[1]
        offset = (_CORNER_DISC + _LABEL_GAP) * (-1 if top_row else 1)
        _label(
            text,
            factor.factor,
            fx * size,
            (fy + offset) * size,
            above=top_row,
            pixels=round(_CORNER_FONT * size),
            max_width=_CORNER_LABEL_WIDTH * size,
        )
    return img
