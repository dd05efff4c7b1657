"""The dominant colours of a picture, which the app uses to colour its fireworks."""

from __future__ import annotations

import colorsys

from PIL import Image

# Clustering 64x64 pixels gives the same few dominant colours as the full picture, in a fraction
# of a millisecond instead of tens of them.
_SAMPLE_EDGE = 64
_KMEANS_ITERATIONS = 4
_MIN_COLOURS = 3
# Lightness steps of the shades added to a picture with fewer clusters than `_MIN_COLOURS`:
# one step either side first, so the shades stay as close as possible to the real colour.
_SHADE_STEPS = (0.03, -0.03, 0.06, -0.06, 0.09, -0.09, 0.12, -0.12)


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02X}{:02X}{:02X}".format(*rgb)


def _sample(image: Image.Image) -> Image.Image:
    factor = max(1, max(image.size) // _SAMPLE_EDGE)
    if image.mode not in ("RGB", "RGBA", "L"):
        image = image.convert("RGB")
    # reduce() averages whole blocks, so thin details still weigh in by their area.
    small = image.reduce(factor) if factor > 1 else image
    return small.convert("RGB") if small.mode != "RGB" else small


def _shade(rgb: tuple[int, int, int], step: float) -> tuple[int, int, int]:
    h, light, s = colorsys.rgb_to_hls(*(c / 255 for c in rgb))
    r, g, b = colorsys.hls_to_rgb(h, min(max(light + step, 0.0), 1.0), s)
    return (round(r * 255), round(g * 255), round(b * 255))


def dominant_colors(image: Image.Image, count: int = 4) -> list[str]:
    """3-4 distinct `#RRGGBB` colours clustered from the picture's pixels, most prominent first."""
    count = min(max(count, _MIN_COLOURS), 4)
    sample = _sample(image)
    quantized = sample.quantize(
        colors=count, method=Image.Quantize.MEDIANCUT, kmeans=_KMEANS_ITERATIONS
    )
    palette = quantized.getpalette() or []
    # A "P" image counts palette indexes (ints); the pixel-count order is the prominence order.
    counts = [(n, i) for n, i in quantized.getcolors() or [] if isinstance(i, int)]
    colours: list[str] = []
    centres: list[tuple[int, int, int]] = []
    for _, index in sorted(counts, key=lambda item: (-item[0], item[1])):
        rgb = (palette[3 * index], palette[3 * index + 1], palette[3 * index + 2])
        if _hex(rgb) not in colours:
            colours.append(_hex(rgb))
            centres.append(rgb)
    # A flat or two-tone picture has fewer clusters than the app needs. The missing colours are
    # near shades of the most prominent one (a few lightness percent apart), so every colour
    # returned is still within a small distance of most of the picture's own pixels. Pure white
    # or black clips on one side; the steps on the other side still give distinct shades.
    for step in _SHADE_STEPS:
        if len(colours) >= _MIN_COLOURS:
            break
        shade = _hex(_shade(centres[0], step))
        if shade not in colours:
            colours.append(shade)
    return colours
