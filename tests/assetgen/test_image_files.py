"""Decoding any input gives RGBA uint8 or a clear InvalidInput, never a Pillow traceback."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from assetgen.errors import InvalidInput
from assetgen.image_files import decode_rgba, encode_png, encode_webp, read_png_text


def encoded(image: Image.Image, fmt: str = "PNG", **kwargs: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **kwargs)
    return buffer.getvalue()


def test_round_trip_keeps_pixels_and_metadata() -> None:
    rgba = np.random.default_rng(1).integers(0, 256, (17, 23, 4), dtype=np.uint8)
    data = encode_png(rgba, text={"assetgen": '{"seed": 1}'})
    assert np.array_equal(decode_rgba(data), rgba)
    assert read_png_text(data)["assetgen"] == '{"seed": 1}'


@pytest.mark.parametrize(
    ("image", "fmt", "expected_alpha"),
    [
        (Image.new("I;16", (4, 4), 65535), "PNG", 255),
        (Image.new("CMYK", (4, 4), (0, 0, 0, 0)), "JPEG", 255),
        (Image.new("L", (4, 4), 7), "PNG", 255),
        (Image.new("LA", (4, 4), (7, 0)), "PNG", 0),
    ],
)
def test_unusual_modes_decode_to_rgba(image: Image.Image, fmt: str, expected_alpha: int) -> None:
    rgba = decode_rgba(encoded(image, fmt))
    assert rgba.dtype == np.uint8 and rgba.shape == (4, 4, 4)
    assert int(rgba[0, 0, 3]) == expected_alpha


def test_sixteen_bit_is_scaled_not_clipped() -> None:
    assert int(decode_rgba(encoded(Image.new("I;16", (2, 2), 65535)))[0, 0, 0]) == 255
    assert int(decode_rgba(encoded(Image.new("I;16", (2, 2), 32768)))[0, 0, 0]) == 128


def test_palette_transparency_is_kept() -> None:
    image = Image.new("P", (2, 1))
    image.putpalette([255, 0, 0, 0, 255, 0])
    image.putpixel((1, 0), 1)
    rgba = decode_rgba(encoded(image, transparency=0))
    assert rgba[0, 0, 3] == 0 and tuple(rgba[0, 1]) == (0, 255, 0, 255)


def test_jpeg_named_png_is_read_by_content() -> None:
    rgba = decode_rgba(encoded(Image.new("RGB", (8, 8), (200, 10, 10)), "JPEG"), name="sprite.png")
    assert rgba.shape == (8, 8, 4) and rgba[0, 0, 0] > 150


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty file"),
        (b"not an image at all", "not an image"),
        (encode_png(np.zeros((64, 64, 4), np.uint8))[:60], "truncated"),
    ],
)
def test_broken_inputs_are_clear_errors(data: bytes, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        decode_rgba(data, name="x.png")


def test_decompression_bomb_is_refused_before_decoding() -> None:
    bomb = encoded(Image.new("L", (20000, 20000)), compress_level=9)
    assert len(bomb) < 1_000_000
    with pytest.raises(InvalidInput, match=r"pixel limit|decompression bomb"):
        decode_rgba(bomb, name="bomb.png")


def test_preview_is_small_webp() -> None:
    data = encode_webp(np.zeros((512, 300, 4), np.uint8), max_side_px=128)
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "WEBP" and max(image.size) == 128
