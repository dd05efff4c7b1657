"""Small pixel helpers shared by the drawing tests (pure Pillow, fast on 1024 px pictures)."""

from __future__ import annotations

import colorsys
import io

from PIL import Image, ImageChops, ImageDraw

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def open_png(data: bytes) -> Image.Image:
    assert data.startswith(PNG_SIGNATURE)
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    image.load()
    return image


def colour_counts(image: Image.Image) -> list[tuple[int, tuple[int, int, int]]]:
    """(pixel count, RGB) for every distinct colour of the picture."""
    counts = image.convert("RGB").getcolors(image.width * image.height) or []
    return [(n, (c[0], c[1], c[2])) for n, c in counts if isinstance(c, tuple)]


def hls_saturations(image: Image.Image) -> list[tuple[int, float]]:
    """(pixel count, HLS saturation) for every distinct colour of the picture."""
    return [
        (n, colorsys.rgb_to_hls(r / 255, g / 255, b / 255)[2])
        for n, (r, g, b) in colour_counts(image)
    ]


def drawn_share_in_circle(
    image: Image.Image, centre: tuple[float, float], radius: float, background: tuple[int, ...]
) -> float:
    """Share of the pixels inside a circle that differ from the background colour."""
    x, y = centre
    box = (round(x - radius), round(y - radius), round(x + radius), round(y + radius))
    crop = image.convert("RGB").crop(box)
    mask = Image.new("L", crop.size, 0)
    ImageDraw.Draw(mask).ellipse((0, 0, crop.width - 1, crop.height - 1), fill=255)
    plain = Image.new("RGB", crop.size, background)
    differs = ImageChops.difference(crop, plain).convert("L").point(lambda v: 255 if v else 0)
    inside = mask.histogram()[255]
    drawn = ImageChops.multiply(differs, mask).histogram()[255]
    return drawn / inside
