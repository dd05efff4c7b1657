"""Opening a picture someone else made (the image model's answer) without trusting it.

Only PNG, JPEG and WebP are decoded, and the size in the header is checked against a cap before
any pixel is, so a decompression bomb (a small file that expands to gigabytes) is refused as an
unusable picture rather than exhausting the worker's memory.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from collections.abc import Iterator

from PIL import Image, UnidentifiedImageError

FORMATS = ("PNG", "JPEG", "WEBP")
# The side of the square picture each NANOBANANA_IMAGE_SIZE asks for.
_SIDES = {"1K": 1024, "2K": 2048, "4K": 4096}


class UnsafeImage(ValueError):
    """Not a picture this service will decode: another format, unreadable, or far too large."""


class OversizedImage(UnsafeImage):
    """Larger than any answer should be (a decompression bomb, or a misconfigured model)."""


def pixel_cap(image_size: str) -> int:
    """Just above the largest picture the configured size can give: any aspect ratio the model
    offers at that size stays under twice the square's pixels."""
    side = _SIDES.get(image_size, max(_SIDES.values()))
    return 2 * side * side


def check_image(data: bytes, max_pixels: int) -> str:
    """The picture's format, from its header and checksums alone (no pixel is decoded: cheap
    enough for the event loop); UnsafeImage if it is not one this service will decode."""
    with _opened(data, max_pixels) as probe:
        fmt = str(probe.format)
        probe.verify()
        return fmt


def open_image(data: bytes, max_pixels: int) -> tuple[Image.Image, str]:
    """The decoded picture and its format ("PNG", "JPEG", "WEBP"); UnsafeImage otherwise.
    CPU-bound for a real picture: run it in a thread."""
    with _opened(data, max_pixels) as probe:
        probe.load()
        return probe.copy(), str(probe.format)


@contextlib.contextmanager
def _opened(data: bytes, max_pixels: int) -> Iterator[Image.Image]:
    try:
        with warnings.catch_warnings():
            # Pillow's own bomb check only warns below twice its limit: ours is stricter anyway.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=FORMATS) as probe:
                if probe.width * probe.height > max_pixels:
                    raise OversizedImage(
                        f"The picture is {probe.width}x{probe.height}, larger than any answer "
                        "should be."
                    )
                yield probe
    except Image.DecompressionBombError as exc:
        raise OversizedImage("The picture would expand far beyond any answer's size.") from exc
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise UnsafeImage("The data is not a readable PNG, JPEG or WebP picture.") from exc
