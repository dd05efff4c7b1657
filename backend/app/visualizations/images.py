"""What is done with the generated picture: check it, make a thumbnail, read its palette."""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image

from app.media.images import UnsafeImage, open_image

THUMBNAIL_SIZE = 256
PALETTE_COLOURS = 5
# Pillow formats we store as they came; anything else is re-encoded as PNG.
_EXTENSIONS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}


class InvalidImage(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class ProcessedImage:
    image: bytes
    extension: str
    thumbnail: bytes
    width: int
    height: int
    palette: list[str]


def process_image(data: bytes, max_pixels: int) -> ProcessedImage:
    """Decode the provider's bytes (CPU-bound: run it in a thread)."""
    try:
        image, fmt = open_image(data, max_pixels)
    except UnsafeImage as exc:
        raise InvalidImage(f"The image model's answer could not be used: {exc}") from exc
    extension = _EXTENSIONS.get(fmt)
    if extension is None:
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        data, extension = buffer.getvalue(), "png"
    return ProcessedImage(
        image=data,
        extension=extension,
        thumbnail=_thumbnail(image),
        width=image.width,
        height=image.height,
        palette=extract_palette(image),
    )


def _thumbnail(image: Image.Image) -> bytes:
    thumb = image.convert("RGB")
    thumb.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    thumb.save(buffer, format="JPEG", quality=85, optimize=True)
    return buffer.getvalue()


def extract_palette(image: Image.Image, colours: int = PALETTE_COLOURS) -> list[str]:
    """The image's dominant colours as hex, most frequent first."""
    small = image.convert("RGB")
    small.thumbnail((96, 96))
    quantized = small.quantize(colors=colours, method=Image.Quantize.MEDIANCUT)
    palette = quantized.getpalette() or []
    counts = sorted(quantized.getcolors() or [], reverse=True)
    result: list[str] = []
    for _count, index in counts:
        position = int(index) * 3  # type: ignore[call-overload]
        r, g, b = palette[position : position + 3]
        hex_value = f"#{r:02X}{g:02X}{b:02X}"
        if hex_value not in result:
            result.append(hex_value)
    return result
