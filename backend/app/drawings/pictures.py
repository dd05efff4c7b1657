"""From a drawn or generated image to what the app receives: a square PNG and its colours.

CPU work on pictures of a megapixel or more: call these in a worker thread.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass

from PIL import Image

from app.drawings.colors import dominant_colors
from app.media.images import UnsafeImage, open_image, pixel_cap

# The app crops to a square and places its tap targets on it; it expects one of these sizes.
LARGE, SMALL = 1024, 512
# What is decoded at most: what the largest answer (4K) can be. The screen asks for 1K, and
# NANOBANANA_IMAGE_SIZE may ask the journal's pictures for more of the same model.
MAX_PIXELS = pixel_cap("4K")


class UnreadablePicture(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Picture:
    png: bytes
    side: int
    dominant_colors: list[str]

    @property
    def base64(self) -> str:
        return base64.b64encode(self.png).decode("ascii")


def decode(data: bytes) -> Image.Image:
    """The model's bytes as an RGB image; UnreadablePicture for anything else."""
    try:
        image, _format = open_image(data, MAX_PIXELS)
    except UnsafeImage as exc:
        raise UnreadablePicture(str(exc)) from exc
    return image.convert("RGB")


def is_square(image: Image.Image) -> bool:
    return image.width == image.height


def centre_crop(image: Image.Image) -> Image.Image:
    side = min(image.size)
    left, top = (image.width - side) // 2, (image.height - side) // 2
    return image.crop((left, top, left + side, top + side))


def pad_to_square(image: Image.Image, fill: tuple[int, int, int]) -> Image.Image:
    """Never cut anything off (labels sit in the corners): extend the short side instead."""
    side = max(image.size)
    canvas = Image.new("RGB", (side, side), fill)
    canvas.paste(image, ((side - image.width) // 2, (side - image.height) // 2))
    return canvas


def finish(image: Image.Image, *, compress_level: int = 3) -> Picture:
    """A square image as the app's PNG: 1024 or 512 wide, with its dominant colours.

    A soft, blurred picture barely shrinks at higher compression levels but costs more time
    (level 1: 31 ms and 324 KB for a 1024 px feeling; level 3: 48 ms and 286 KB).
    """
    assert is_square(image), "square the picture first"
    side = LARGE if image.width > SMALL else SMALL
    if image.width != side:
        image = image.resize((side, side), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=compress_level)
    return Picture(buffer.getvalue(), side, dominant_colors(image))
