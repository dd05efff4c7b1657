"""Pictures made elsewhere are opened only as PNG, JPEG or WebP, and only up to a size."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageFile

from app.media.images import (
    FORMATS,
    OversizedImage,
    UnsafeImage,
    check_image,
    open_image,
    pixel_cap,
)
from tests.fakes.replies import bomb_png, gif_bytes, jpeg_bytes, png_bytes

CAP_1K = pixel_cap("1K")


def _encoded(fmt: str, size: tuple[int, int] = (64, 64)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (90, 100, 110)).save(buffer, format=fmt)
    return buffer.getvalue()


def test_the_cap_sits_just_above_the_largest_configured_size() -> None:
    assert pixel_cap("1K") == 2 * 1024 * 1024
    assert pixel_cap("2K") == 2 * 2048 * 2048
    assert pixel_cap("4K") == 2 * 4096 * 4096
    # The widest aspect ratio the model offers (21:9) at 4K still fits.
    assert pixel_cap("4K") > 4096 * 4096 * 21 // 9 // 2


@pytest.mark.parametrize("fmt", FORMATS)
def test_png_jpeg_and_webp_open_and_check(fmt: str) -> None:
    data = _encoded(fmt)
    image, found = open_image(data, CAP_1K)
    assert (found, image.size) == (fmt, (64, 64))
    assert check_image(data, CAP_1K) == fmt


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "TIFF", "ICO", "PPM"])
def test_every_other_format_is_refused_unread(fmt: str) -> None:
    data = gif_bytes() if fmt == "GIF" else _encoded(fmt)
    for opener in (check_image, open_image):
        with pytest.raises(UnsafeImage, match="not a readable PNG, JPEG or WebP"):
            opener(data, CAP_1K)


def test_a_decompression_bomb_is_refused_from_its_header_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bomb = bomb_png()
    assert len(bomb) < 300_000  # ~0.1 MB that would decode to ~900 million pixels
    decoded: list[str] = []

    def no_decoding(image: ImageFile.ImageFile) -> None:
        # Decoding the bomb would take seconds and gigabytes: record it instead.
        decoded.append(str(image.format))

    # Every pixel a file image gives is decoded through ImageFile.load (load(), copy(), ...).
    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    for opener in (check_image, open_image):
        with pytest.raises(OversizedImage):
            opener(bomb, pixel_cap("4K"))
    assert decoded == []  # refused from the header: no pixel was decoded


def test_a_picture_just_over_the_cap_is_refused_and_one_at_the_size_asked_for_is_not() -> None:
    assert open_image(_encoded("PNG", (1024, 1024)), CAP_1K)[0].size == (1024, 1024)
    assert open_image(_encoded("PNG", (2048, 1024)), CAP_1K)[0].size == (2048, 1024)
    with pytest.raises(OversizedImage):
        open_image(_encoded("PNG", (1449, 1449)), CAP_1K)


@pytest.mark.parametrize("data", [b"", b"not a picture", png_bytes()[:40], jpeg_bytes()[:30]])
def test_unreadable_or_truncated_data_is_refused(data: bytes) -> None:
    with pytest.raises(UnsafeImage):
        open_image(data, CAP_1K)
