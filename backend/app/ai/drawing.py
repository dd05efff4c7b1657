"""Procedural pictures for the local provider (Pillow): symmetrical, muted, one per entry.

The same input always gives the same bytes (a seeded RNG, deterministic PNG encoding); a
different entry gives a visibly different picture. CPU-bound: call `draw_png` in a thread.
"""

from __future__ import annotations

import colorsys
import hashlib
import io
import math
import random

from PIL import Image, ImageDraw, ImageFilter

from app.ai.protocol import VisualStyle
from app.catalog.data import EMOTIONS_BY_ID

RGB = tuple[int, int, int]
SIZE = 1024
NEUTRAL = "#8E9AA6"


def _hex_to_rgb(value: str) -> RGB:
    value = value.lstrip("#")
    return (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16))


def rgb_to_hex(rgb: RGB) -> str:
    return "#{:02X}{:02X}{:02X}".format(*rgb)


def mute(hex_colour: str, *, lightness: float | None = None) -> RGB:
    """The colour with saturation capped at 30 % and lightness kept in a gentle band.

    Idempotent, so palettes from anywhere (Gemini's analysis too) can be passed through it."""
    r, g, b = (c / 255 for c in _hex_to_rgb(hex_colour))
    h, light, s = colorsys.rgb_to_hls(r, g, b)
    s = min(s, 0.3)
    light = lightness if lightness is not None else min(max(light, 0.45), 0.75)
    r2, g2, b2 = colorsys.hls_to_rgb(h, light, s)
    return (round(r2 * 255), round(g2 * 255), round(b2 * 255))


def muted_palette(emotions: list[str]) -> list[str]:
    """Hex colours for the entry's emotions (catalog colours, muted), at least two."""
    colours = [rgb_to_hex(mute(EMOTIONS_BY_ID[e].color)) for e in emotions if e in EMOTIONS_BY_ID]
    unique = list(dict.fromkeys(colours))
    if len(unique) < 2:
        # One emotion: pair it with a lighter shade of itself so the picture stays in its hue.
        base = unique[0] if unique else NEUTRAL
        unique.append(rgb_to_hex(mute(base, lightness=0.7)))
    return unique[:8]


def seed_for(*parts: object) -> int:
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:8], "big")


def _mirror(img: Image.Image) -> Image.Image:
    """Copy the left half onto the right, flipped: exact left-right symmetry."""
    half = img.width // 2
    left = img.crop((0, 0, half, img.height))
    img.paste(left.transpose(Image.Transpose.FLIP_LEFT_RIGHT), (img.width - half, 0))
    return img


def _with_alpha(rgb: RGB, alpha: int) -> tuple[int, int, int, int]:
    return (*rgb, alpha)


def _abstract(draw: ImageDraw.ImageDraw, rng: random.Random, colours: list[RGB], k: float) -> None:
    count = 8 + round(k * 18)
    for i in range(count):
        colour = colours[i % len(colours)]
        cx = rng.uniform(0.05, 0.55) * SIZE
        cy = rng.uniform(0.1, 0.9) * SIZE
        rx = rng.uniform(0.06, 0.22 + 0.12 * k) * SIZE
        ry = rx * rng.uniform(0.5, 1.4)
        draw.ellipse((cx - rx, cy - ry, cx + rx, cy + ry), fill=_with_alpha(colour, 70))
    # Calm entries get a few wide horizontal bands; intense ones sharper, more numerous strokes.
    for _ in range(2 + round(k * 6)):
        y = rng.uniform(0.15, 0.85) * SIZE
        width = max(2, round(4 + 18 * (1 - k)))
        draw.line(
            (0, y, SIZE / 2, y + rng.uniform(-80, 80) * k),
            fill=_with_alpha(colours[0], 90),
            width=width,
        )


def _diagram(draw: ImageDraw.ImageDraw, rng: random.Random, colours: list[RGB], k: float) -> None:
    centre = (SIZE / 2, SIZE / 2)
    core = (0.12 + 0.1 * k) * SIZE
    nodes = 4 + 2 * rng.randint(0, 2)  # even, so the ring is symmetric about the vertical axis
    ring = (0.3 + 0.05 * rng.random()) * SIZE
    offset = math.pi / nodes if rng.random() < 0.5 else 0.0
    for i in range(nodes):
        angle = -math.pi / 2 + offset + 2 * math.pi * i / nodes
        x, y = centre[0] + ring * math.cos(angle), centre[1] + ring * math.sin(angle)
        radius = (0.04 + 0.05 * rng.random() + 0.03 * k) * SIZE
        colour = colours[(i % (len(colours) - 1)) + 1] if len(colours) > 1 else colours[0]
        draw.line((*centre, x, y), fill=_with_alpha(colours[-1], 160), width=round(2 + 6 * k))
        draw.ellipse(
            (x - radius, y - radius, x + radius, y + radius),
            fill=_with_alpha(colour, 220),
            outline=_with_alpha(colours[-1], 200),
            width=3,
        )
    draw.ellipse(
        (centre[0] - core, centre[1] - core, centre[0] + core, centre[1] + core),
        fill=_with_alpha(colours[0], 235),
        outline=_with_alpha(colours[-1], 220),
        width=4,
    )


def _metaphor(draw: ImageDraw.ImageDraw, rng: random.Random, colours: list[RGB], k: float) -> None:
    horizon = (0.55 + 0.1 * rng.random()) * SIZE
    sun = (0.06 + 0.08 * (1 - k)) * SIZE
    sun_y = horizon - (0.15 + 0.25 * rng.random()) * SIZE
    draw.ellipse(
        (SIZE / 2 - sun, sun_y - sun, SIZE / 2 + sun, sun_y + sun),
        fill=_with_alpha(colours[-1], 200),
    )
    # Mountain ridges: taller and more jagged the stronger the feeling.
    for layer in range(3):
        colour = colours[layer % len(colours)]
        points = [(0.0, float(SIZE))]
        steps = 4 + round(k * 8)
        for s in range(steps + 1):
            x = s * (SIZE / 2) / steps
            peak = rng.uniform(0.05, 0.12 + 0.25 * k) * SIZE
            points.append((x, horizon - peak + layer * 0.07 * SIZE))
        points.append((SIZE / 2, float(SIZE)))
        draw.polygon(points, fill=_with_alpha(colour, 150 + 30 * layer))
    water = horizon + 0.2 * SIZE
    draw.rectangle(
        (0, water, SIZE / 2, SIZE),
        fill=_with_alpha(mute(rgb_to_hex(colours[-1]), lightness=0.8), 255),
    )
    for i in range(3 + round(k * 7)):  # ripples on the water
        y = horizon + 0.22 * SIZE + i * 0.02 * SIZE
        draw.line(
            (rng.uniform(0.05, 0.3) * SIZE, y, SIZE / 2, y),
            fill=_with_alpha(colours[0], 90),
            width=3,
        )


_PAINTERS = {"abstract": _abstract, "diagram": _diagram, "metaphor": _metaphor}


def draw_png(palette: list[str], intensity: float, style: VisualStyle, seed: int) -> bytes:
    """A SIZE×SIZE PNG, muted and mirror-symmetric."""
    rng = random.Random(seed)  # noqa: S311 - deterministic art, not security
    colours = [mute(c) for c in palette] or [mute(NEUTRAL)]
    k = min(max(intensity, 0.0), 1.0)
    top = mute(palette[0], lightness=0.9)
    bottom = mute(palette[-1], lightness=0.78)
    background = Image.linear_gradient("L").resize((SIZE, SIZE))
    img = Image.composite(
        Image.new("RGB", (SIZE, SIZE), bottom), Image.new("RGB", (SIZE, SIZE), top), background
    )
    draw = ImageDraw.Draw(img, "RGBA")
    _PAINTERS[style](draw, rng, colours, k)
    if style == "abstract":
        img = img.filter(ImageFilter.GaussianBlur(radius=6 + 10 * (1 - k)))
    img = _mirror(img)
    buffer = io.BytesIO()
    img.save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()
