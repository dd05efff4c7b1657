"""What is done with the generated picture: check it, make a thumbnail, read its palette."""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

THUMBNAIL_SIZE = 256
PALETTE_COLOURS = 5
# Pillow formats we store as they came; anything else is re-encoded as PNG.
_EXTENSIONS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}
# A 1K image is ~1 Mpx; refuse absurd sizes before decoding them (decompression bombs).
_MAX_PIXELS = 40_000_000


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


def process_image(data: bytes) -> ProcessedImage:
    """Decode the provider's bytes (CPU-bound: run it in a thread)."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.width * probe.height > _MAX_PIXELS:
                raise InvalidImage("The generated image is too large.")
            fmt = probe.format or ""
            probe.load()
            image = probe.copy()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise InvalidImage("The image model returned data that is not a readable image.") from exc
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
