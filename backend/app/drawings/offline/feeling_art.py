"""Abstract pictures of chosen feelings, drawn with Pillow when no image model is configured.

Soft, muted and mirror-symmetric: each feeling adds its own shapes in its own colours, and the
energy of the selection sets how dense and contrasted the picture is. The same profiles and seed
always give the same bytes. CPU-bound (tens of milliseconds): call it in a worker thread.
"""

from __future__ import annotations

import colorsys
import io
import math
import random
from collections.abc import Callable, Sequence

from PIL import Image, ImageDraw, ImageFilter

from app.catalog.feelings import ENERGY_INTENSITY, FeelingProfile

RGB = tuple[int, int, int]
RGBA = tuple[int, int, int, int]
Point = tuple[float, float]
Motif = Callable[[ImageDraw.ImageDraw, random.Random, list[RGB], float, int], None]

# Saturation cap (HLS) for every colour drawn: it keeps the pictures in the screen's soft look.
MAX_SATURATION = 0.3
# Everything is painted at half size and blurred: the blur hides the upscaling, and painting a
# quarter of the pixels keeps a 1024 px picture well under the server's time budget.
_WORK_SCALE = 2


def _hex_to_rgb(value: str) -> RGB:
    value = value.lstrip("#")
    return (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16))


def _mute(rgb: RGB, *, lightness: float | None = None) -> RGB:
    h, light, s = colorsys.rgb_to_hls(*(c / 255 for c in rgb))
    # Lightness stays off the extremes too: near white or black, one unit of rounding is
    # already a large HLS saturation, which would break the soft look the cap promises.
    light = lightness if lightness is not None else min(max(light, 0.3), 0.86)
    r, g, b = colorsys.hls_to_rgb(h, light, min(s, MAX_SATURATION))
    return (round(r * 255), round(g * 255), round(b * 255))


def _alpha(rgb: RGB, alpha: float) -> RGBA:
    return (*rgb, max(0, min(255, round(alpha))))


def _mix(colours: Sequence[RGB]) -> RGB:
    n = len(colours)
    return (
        round(sum(c[0] for c in colours) / n),
        round(sum(c[1] for c in colours) / n),
        round(sum(c[2] for c in colours) / n),
    )


def _ring(draw: ImageDraw.ImageDraw, centre: Point, radius: float, fill: RGBA) -> None:
    x, y = centre
    draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=fill)


def _outline(
    draw: ImageDraw.ImageDraw, centre: Point, radius: float, colour: RGBA, width: float
) -> None:
    x, y = centre
    box = (x - radius, y - radius, x + radius, y + radius)
    draw.ellipse(box, outline=colour, width=max(1, round(width)))


def _steps(n: int) -> list[float]:
    return [i / (n - 1) for i in range(n)]


# Each motif paints one feeling's shape vocabulary on a w x w canvas. Only the left half survives
# the mirror, so shapes live there or are centred on the vertical axis.


def _rising_radiating(
    draw: ImageDraw.ImageDraw, rng: random.Random, pal: list[RGB], k: float, w: int
) -> None:
    origin = (w / 2, w * 0.8)
    rays = 6 + round(6 * k)
    for i in range(rays):
        start = 190 + i * (80 / rays) + rng.uniform(-3, 3)
        draw.pieslice(
            (origin[0] - w, origin[1] - w, origin[0] + w, origin[1] + w),
            start,
            start + 80 / rays * 0.45,
            fill=_alpha(pal[i % len(pal)], 60 + 70 * k),
        )
    for i in range(3 + round(3 * k)):
        lift = rng.uniform(0.0, 0.3)
        points = [
            (w * (0.04 + 0.46 * t), w * (0.92 - lift - 0.5 * math.sqrt(t))) for t in _steps(24)
        ]
        draw.line(
            points, fill=_alpha(pal[(i + 1) % len(pal)], 110 + 90 * k), width=round(w * 0.018)
        )
    _ring(draw, origin, w * 0.1, _alpha(pal[0], 160 + 60 * k))


def _bold_expanding(
    draw: ImageDraw.ImageDraw, rng: random.Random, pal: list[RGB], k: float, w: int
) -> None:
    centre = (w / 2, w * rng.uniform(0.45, 0.55))
    rings = 3 + round(3 * k)
    for i in reversed(range(rings)):
        radius = w * (0.07 + 0.075 * i)
        width = w * (0.045 - 0.004 * i)
        _outline(draw, centre, radius, _alpha(pal[i % len(pal)], 110 + 100 * k), width)
    for _ in range(2 + round(2 * k)):
        spot = (w * rng.uniform(0.08, 0.3), w * rng.uniform(0.12, 0.88))
        for j in range(3):
            _outline(draw, spot, w * (0.03 + 0.035 * j), _alpha(pal[j % len(pal)], 140), w * 0.012)
    swing = rng.uniform(0.15, 0.3)
    points = [(w * 0.5 * t, w * (0.5 + swing * math.sin(math.pi * 1.5 * t))) for t in _steps(30)]
    draw.line(points, fill=_alpha(pal[2 % len(pal)], 120 + 100 * k), width=round(w * 0.035))


def _nested_rounded(
    draw: ImageDraw.ImageDraw, rng: random.Random, pal: list[RGB], k: float, w: int
) -> None:
    cx, cy = w / 2, w * rng.uniform(0.47, 0.53)
    layers = 4 + round(2 * k)
    for i in range(layers):
        half = w * (0.4 - 0.06 * i)
        box = (cx - half, cy - half * 0.85, cx + half, cy + half * 0.85)
        draw.rounded_rectangle(box, radius=half * 0.45, fill=_alpha(pal[i % len(pal)], 90 + 60 * k))
    for _ in range(2):
        x, y = w * rng.uniform(0.08, 0.2), w * rng.uniform(0.1, 0.9)
        for j in range(3):
            half = w * (0.07 - 0.02 * j)
            draw.rounded_rectangle(
                (x - half, y - half, x + half, y + half),
                radius=half * 0.5,
                fill=_alpha(pal[(j + 1) % len(pal)], 110),
            )


def _gentle_waves(
    draw: ImageDraw.ImageDraw, rng: random.Random, pal: list[RGB], k: float, w: int
) -> None:
    bands = 5 + round(3 * k)
    period = w * rng.uniform(0.45, 0.7)
    for i in range(bands):
        base = w * (0.12 + 0.8 * i / bands)
        amplitude = w * (0.015 + 0.02 * k)
        phase = rng.uniform(0, math.tau)
        top = [
            (w * t, base + amplitude * math.sin(math.tau * w * t / period + phase))
            for t in _steps(40)
        ]
        thickness = w * rng.uniform(0.04, 0.07)
        bottom = [(x, y + thickness) for x, y in reversed(top)]
        draw.polygon(top + bottom, fill=_alpha(pal[i % len(pal)], 70 + 70 * k))


def _centred_circles(
    draw: ImageDraw.ImageDraw, rng: random.Random, pal: list[RGB], k: float, w: int
) -> None:
    centre = (w / 2, w / 2)
    circles = 5 + round(2 * k)
    for i in range(circles):
        _ring(draw, centre, w * (0.4 - 0.055 * i), _alpha(pal[i % len(pal)], 80 + 60 * k))
    satellites = 2 + rng.randint(0, 1)
    for i in range(satellites):
        angle = math.pi / 2 + math.pi * (i + 1) / (satellites + 1)
        spot = (w / 2 + w * 0.42 * math.cos(angle), w / 2 - w * 0.42 * math.sin(angle))
        _ring(draw, spot, w * 0.05, _alpha(pal[(i + 1) % len(pal)], 120))


def _contained_spirals(
    draw: ImageDraw.ImageDraw, rng: random.Random, pal: list[RGB], k: float, w: int
) -> None:
    def spiral(centre: Point, radius: float, colour: RGBA, width: float) -> None:
        turns = 2.5 + 2 * k
        start = rng.uniform(0, math.tau)
        points = [
            (
                centre[0] + radius * (1 - t) * math.cos(start + turns * math.tau * t),
                centre[1] + radius * (1 - t) * math.sin(start + turns * math.tau * t),
            )
            for t in _steps(120)
        ]
        draw.line(points, fill=colour, width=max(1, round(width)))
        # The wall around each spiral is the "contained": the pressure has nowhere to go.
        _outline(draw, centre, radius * 1.08, colour, width * 1.6)

    spiral((w / 2, w / 2), w * 0.26, _alpha(pal[1 % len(pal)], 150 + 80 * k), w * 0.014)
    for i in range(2 + round(k)):
        spot = (w * rng.uniform(0.12, 0.22), w * (0.2 + 0.6 * i / (1 + round(k)) + 0.05))
        spiral(spot, w * rng.uniform(0.06, 0.1), _alpha(pal[i % len(pal)], 140 + 60 * k), w * 0.01)


def _dispersed_irregular(
    draw: ImageDraw.ImageDraw, rng: random.Random, pal: list[RGB], k: float, w: int
) -> None:
    for i in range(18 + round(36 * k)):
        cx, cy = w * rng.uniform(0.02, 0.52), w * rng.uniform(0.04, 0.96)
        radius = w * rng.uniform(0.012, 0.06)
        corners = rng.randint(4, 7)
        points = [
            (
                cx + radius * rng.uniform(0.5, 1.3) * math.cos(math.tau * j / corners),
                cy + radius * rng.uniform(0.5, 1.3) * math.sin(math.tau * j / corners),
            )
            for j in range(corners)
        ]
        draw.polygon(points, fill=_alpha(pal[i % len(pal)], rng.uniform(80, 130 + 90 * k)))
    for _ in range(3 + round(3 * k)):
        x, y = w * rng.uniform(0.0, 0.3), w * rng.uniform(0.1, 0.9)
        points = [(x + w * 0.04 * j, y + w * rng.uniform(-0.04, 0.04)) for j in range(6)]
        draw.line(points, fill=_alpha(pal[2 % len(pal)], 150), width=round(w * 0.006))


def _dense_heavy(
    draw: ImageDraw.ImageDraw, rng: random.Random, pal: list[RGB], k: float, w: int
) -> None:
    # Heavy masses press in from the top and bottom edges onto a crowded centre.
    draw.ellipse(
        (-w * 0.3, -w * 0.32, w * 1.3, w * 0.14), fill=_alpha(pal[2 % len(pal)], 90 + 60 * k)
    )
    draw.ellipse(
        (-w * 0.3, w * 0.84, w * 1.3, w * 1.3), fill=_alpha(pal[2 % len(pal)], 110 + 60 * k)
    )
    centre = (w / 2, w / 2)
    # Rings of overlapping blobs, smaller and more opaque towards the middle. Radial, not random:
    # mirrored random blobs read as faces and creatures, and this picture must stay abstract.
    rings = 4 + round(2 * k)
    for ring in reversed(range(rings)):
        distance = w * 0.055 * ring
        count = max(1, 6 * ring)
        turn = rng.uniform(0, math.tau)
        for i in range(count):
            angle = turn + math.tau * i / count
            spot = (centre[0] + distance * math.cos(angle), centre[1] + distance * math.sin(angle))
            radius = w * (0.1 - 0.012 * ring) * rng.uniform(0.85, 1.1)
            colour = _alpha(pal[(i + ring) % len(pal)], 150 + 30 * k - 22 * ring)
            _ring(draw, spot, radius, colour)


def _horizontal_layers(
    draw: ImageDraw.ImageDraw, rng: random.Random, pal: list[RGB], k: float, w: int
) -> None:
    y = w * rng.uniform(0.04, 0.1)
    i = 0
    while y < w * 0.95:
        height = w * rng.uniform(0.06, 0.12)
        draw.rectangle((0, y, w, y + height), fill=_alpha(pal[i % len(pal)], 80 + 60 * k))
        y += height + w * rng.uniform(0.02, 0.05)
        i += 1
    for _ in range(2):
        x, top = w * rng.uniform(0.1, 0.3), w * rng.uniform(0.2, 0.7)
        draw.rectangle((x, top, x + w * 0.12, top + w * 0.08), fill=_alpha(pal[0], 120))


def _sinking_curves(
    draw: ImageDraw.ImageDraw, rng: random.Random, pal: list[RGB], k: float, w: int
) -> None:
    curves = 5 + round(3 * k)
    for i in range(curves):
        base = w * (0.08 + 0.55 * i / curves)
        sag = w * (0.12 + 0.25 * i / curves) * rng.uniform(0.85, 1.15)
        points = [(w * 0.5 * t, base + sag * math.sin(math.pi / 2 * t) ** 2) for t in _steps(30)]
        draw.line(points, fill=_alpha(pal[i % len(pal)], 110 + 80 * k), width=round(w * 0.016))
    # Weight gathers at the bottom: the picture feels like it is settling downwards.
    for j in range(3):
        top = w * (0.72 + 0.08 * j)
        draw.ellipse((-w * 0.2, top, w * 1.2, top + w * 0.5), fill=_alpha(pal[2 % len(pal)], 70))


def _sparse_repetition(
    draw: ImageDraw.ImageDraw, rng: random.Random, pal: list[RGB], k: float, w: int
) -> None:
    cells = 5 + rng.randint(0, 1) * 2  # odd, so one column sits on the mirror axis
    step = w / (cells + 1)
    radius = w * 0.024
    colour = _alpha(pal[2 % len(pal)], 150 + 80 * k)
    for row in range(1, cells + 1):
        for col in range(1, cells + 1):
            x, y = col * step, row * step
            draw.rectangle((x - radius, y - radius, x + radius, y + radius), fill=colour)
    for row in range(1, cells):
        y = (row + 0.5) * step
        draw.line((0, y, w, y), fill=_alpha(pal[1 % len(pal)], 60), width=max(1, round(w * 0.004)))


# Painted in this order whatever the selection: the wide "field" motifs first, so compact forms
# sit on top of them instead of being washed out.
_MOTIFS: dict[str, Motif] = {
    "blah": _horizontal_layers,
    "chill": _gentle_waves,
    "down": _sinking_curves,
    "content": _centred_circles,
    "cozy": _nested_rounded,
    "super_happy": _rising_radiating,
    "pumped": _bold_expanding,
    "bored_stiff": _sparse_repetition,
    "fuming": _contained_spirals,
    "freaked_out": _dispersed_irregular,
    "mad_as_hell": _dense_heavy,
}
_ORDER = {feeling: i for i, feeling in enumerate(_MOTIFS)}


def _mirror(img: Image.Image) -> Image.Image:
    half = img.width // 2
    left = img.crop((0, 0, half, img.height))
    img.paste(left.transpose(Image.Transpose.FLIP_LEFT_RIGHT), (img.width - half, 0))
    return img


def energy_of(profiles: Sequence[FeelingProfile]) -> float:
    """The selection's energy in 0..1: the mean of its feelings' intensities."""
    if not profiles:
        raise ValueError("a picture needs at least one profile")
    return sum(ENERGY_INTENSITY[p.energy] for p in profiles) / len(profiles)


def draw_feeling(profiles: Sequence[FeelingProfile], *, seed: int, size: int = 1024) -> bytes:
    """A square RGB PNG of the chosen feelings: abstract, muted, mirror-symmetric."""
    buffer = io.BytesIO()
    # Level 1: the blurred picture barely compresses better at higher levels, but costs more time.
    paint_feeling(profiles, seed=seed, size=size).save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def paint_feeling(
    profiles: Sequence[FeelingProfile], *, seed: int, size: int = 1024
) -> Image.Image:
    """`draw_feeling`'s picture before it is encoded."""
    k = energy_of(profiles)
    w = max(size // _WORK_SCALE, 32)
    palettes = {p.id: [_mute(_hex_to_rgb(c)) for c in p.palette] for p in profiles}
    top = _mute(_mix([pal[0] for pal in palettes.values()]), lightness=0.86)
    bottom = _mute(_mix([pal[-1] for pal in palettes.values()]), lightness=0.74 - 0.08 * k)
    gradient = Image.linear_gradient("L").resize((w, w))
    img = Image.composite(Image.new("RGB", (w, w), bottom), Image.new("RGB", (w, w), top), gradient)
    draw = ImageDraw.Draw(img, "RGBA")
    for profile in sorted(profiles, key=lambda p: _ORDER.get(p.id, len(_ORDER))):
        motif = _MOTIFS.get(profile.id, _centred_circles)
        # Each feeling has its own stream, so adding a feeling never reshuffles the others.
        rng = random.Random(f"{seed}:{profile.id}")  # noqa: S311 - art, not security
        motif(draw, rng, palettes[profile.id], k, w)
    img = _mirror(img)
    # Calm selections melt into soft washes; intense ones keep crisper, more contrasted edges.
    img = img.filter(ImageFilter.GaussianBlur(radius=w * (0.008 + 0.02 * (1 - k))))
    return _mirror(img.resize((size, size), Image.Resampling.BILINEAR))


def _join(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def describe_feeling(profiles: Sequence[FeelingProfile]) -> str:
    """One sentence saying what `draw_feeling` drew for these profiles."""
    k = energy_of(profiles)
    energy = "calm, airy" if k < 0.45 else "balanced" if k < 0.75 else "dense, high-contrast"
    feelings = _join([f"{p.name} ({p.shapes})" for p in profiles])
    colours = _join(list(dict.fromkeys(w for p in profiles for w in p.palette_words)))
    return (
        f"A soft, mirror-symmetric abstract picture of {feelings}, in low-saturation "
        f"{colours}; a {energy} composition with no objects, people or text."
    )
