"""Palette parsing (.hex, .gpl, .pal JASC, .png swatches, hex lists) and anchor extraction."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assetgen.errors import InvalidInput
from assetgen.image_files import encode_png
from assetgen.imaging.palette import (
    darkest_color,
    extract_palette,
    palette_to_hex,
    parse_hex_colors,
    parse_palette_file,
)

EXPECTED = ["#000000", "#ff0000", "#00ff80", "#1a2b3c"]


def test_hex_list_round_trips_and_drops_duplicates() -> None:
    palette = parse_hex_colors(["#000000", "FF0000", "#00ff80ff", "#1A2B3C", "#000000"])
    assert palette_to_hex(palette) == EXPECTED
    with pytest.raises(InvalidInput, match="colour 2"):
        parse_hex_colors(["#000000", "red"])


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("p.hex", "000000\nff0000\n#00ff80\n1a2b3c\n"),
        (
            "p.gpl",
            "GIMP Palette\nName: test\nColumns: 4\n# a comment\n  0   0   0\tBlack\n255   0   0 Red\n"
            "  0 255 128\n 26  43  60 Slate\n",
        ),
        ("p.pal", "JASC-PAL\r\n0100\r\n4\r\n0 0 0\r\n255 0 0\r\n0 255 128\r\n26 43 60\r\n"),
    ],
)
def test_text_palette_files(name: str, text: str) -> None:
    assert palette_to_hex(parse_palette_file(name, text.encode())) == EXPECTED


def test_png_swatch_strip_in_reading_order() -> None:
    strip = np.zeros((4, 16, 4), np.uint8)
    for i, hex_color in enumerate(EXPECTED):
        strip[:, i * 4 : i * 4 + 4, :3] = parse_hex_colors([hex_color])[0]
    strip[..., 3] = 255
    strip[0, 0, 3] = 0  # transparent pixels are not swatches
    assert palette_to_hex(parse_palette_file("strip.png", encode_png(strip))) == EXPECTED


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("p.gpl", b"0 0 0\n", "GIMP Palette"),
        ("p.gpl", b"GIMP Palette\n0 0 300\n", "0-255"),
        ("p.pal", b"JASC-PAL\n0100\n3\n0 0 0\n", "says 3 colours"),
        ("p.pal", b"RIFF\x00\x00PAL ", "RIFF"),
        ("p.act", b"", "unknown palette format"),
        ("p.hex", b"", "no colours"),
        ("p.hex", b"\xff\xfe\x00", "UTF-8"),
        ("p.png", b"not a png", "not an image"),
    ],
)
def test_bad_palette_files_are_clear_errors(name: str, data: bytes, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        parse_palette_file(name, data)


def test_extract_palette_keeps_few_colours_and_ignores_transparent_pixels() -> None:
    image = np.zeros((8, 8, 4), np.uint8)
    image[:4, :, :3] = (250, 10, 10)
    image[4:, :, :3] = (10, 10, 250)
    image[..., 3] = 255
    image[0, 0] = (0, 255, 0, 0)
    assert palette_to_hex(extract_palette(image, max_colors=4)) == ["#0a0afa", "#fa0a0a"]
    assert len(extract_palette(image, max_colors=1)) == 1
    with pytest.raises(InvalidInput, match="no opaque"):
        extract_palette(np.zeros((4, 4, 4), np.uint8))


def test_extract_palette_finds_the_clusters_of_a_noisy_image() -> None:
    rng = np.random.default_rng(7)
    inks = np.array([[20, 20, 30], [200, 60, 40], [60, 170, 90], [240, 230, 200]], np.int16)
    image = inks[rng.integers(0, 4, (64, 64))] + rng.integers(-6, 7, (64, 64, 3))
    rgba = np.dstack([np.clip(image, 0, 255), np.full((64, 64), 255)]).astype(np.uint8)
    palette = extract_palette(rgba, max_colors=4).astype(np.int16)
    assert len(palette) == 4
    assert np.abs(palette[:, None, :] - inks[None]).max(-1).min(0).max() <= 8
    assert tuple(darkest_color(palette.astype(np.uint8))) == tuple(palette[0])


@settings(max_examples=40, deadline=None)
@given(colors=st.lists(st.tuples(*[st.integers(0, 255)] * 3), min_size=1, max_size=40, unique=True))
def test_every_format_round_trips_any_palette(colors: list[tuple[int, int, int]]) -> None:
    expected = [f"#{r:02x}{g:02x}{b:02x}" for r, g, b in colors]
    rows = "\n".join(f"{r} {g} {b}" for r, g, b in colors)
    swatches = np.zeros((2, 2 * len(colors), 4), np.uint8)
    for i, rgb in enumerate(colors):
        swatches[:, 2 * i : 2 * i + 2] = (*rgb, 255)
    files = {
        "p.hex": "\n".join(h[1:] for h in expected),
        "p.gpl": f"GIMP Palette\nName: x\nColumns: 8\n#\n{rows}\n",
        "p.pal": f"JASC-PAL\n0100\n{len(colors)}\n{rows}\n",
    }
    for name, text in files.items():
        assert palette_to_hex(parse_palette_file(name, text.encode())) == expected, name
    assert palette_to_hex(parse_palette_file("p.png", encode_png(swatches))) == expected
