"""Pixel-art core: exact palette, binary alpha and grid round trip, proved by properties and on the
alpha test set; grid detection, robust cell colours, dithering, outline and leak-free alpha."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from assetgen.errors import InvalidInput
from assetgen.imaging.palette import darkest_color, extract_palette, parse_hex_colors
from assetgen.imaging.pixel_art import (
    PixelArtOptions,
    add_outline,
    binarize_alpha,
    colors_used,
    detect_grid,
    downscale_cells,
    grid_mismatch_px,
    non_binary_alpha_px,
    palette_conformity,
    palette_from_anchor,
    pixelate,
    quantize_to_palette,
    upscale_nearest,
)
from tests.assetgen.imaging.alpha_testset import CLEAN_KINDS, COMPLEX_KINDS, make_case

FOREST = parse_hex_colors(["#1f3a1c", "#3f6b2a", "#8fb35a", "#d9c77a", "#6b4a2b", "#f2efe4"])


def _assert_exact(out: np.ndarray, palette: np.ndarray, *, cell_px: int) -> None:
    assert palette_conformity(out, palette) == 1.0
    assert non_binary_alpha_px(out) == 0
    assert not out[out[..., 3] == 0, :3].any(), "a transparent pixel keeps a colour"
    preview = upscale_nearest(out, cell_px)
    assert grid_mismatch_px(preview, cell_px) == 0


images = st.integers(8, 40).flatmap(
    lambda h: st.integers(8, 40).flatmap(lambda w: arrays(np.uint8, (h, w, 4), elements=st.integers(0, 255)))
)
palettes = st.integers(1, 24).flatmap(
    lambda k: arrays(np.uint8, (k, 3), elements=st.integers(0, 255), unique=False)
)


@settings(max_examples=60, deadline=None)
@given(
    image=images,
    palette=palettes,
    grid=st.integers(1, 8),
    dither=st.sampled_from(["none", "bayer2", "bayer4", "bayer8"]),
    outline=st.booleans(),
    cell_color=st.sampled_from(["median", "mode"]),
)
def test_any_image_and_palette_become_exact_pixel_art(
    image: np.ndarray, palette: np.ndarray, grid: int, dither: str, outline: bool, cell_color: str
) -> None:
    palette = np.unique(palette, axis=0)
    options = PixelArtOptions(grid_px=grid, dither=dither, outline=outline, cell_color=cell_color)  # type: ignore[arg-type]
    result = pixelate(image, palette, options)
    h, w = image.shape[:2]
    assert result.rgba.shape == (max(1, round(h / grid)), max(1, round(w / grid)), 4)
    _assert_exact(result.rgba, palette, cell_px=grid)


@settings(max_examples=40, deadline=None)
@given(
    small=arrays(np.uint8, (6, 7, 4), elements=st.integers(0, 255)),
    palette=palettes,
    cell=st.integers(2, 9),
)
def test_exact_pixel_art_upscaled_comes_back_unchanged(
    small: np.ndarray, palette: np.ndarray, cell: int
) -> None:
    """Pixelating the nearest upscale of exact pixel art with its own palette is the identity."""
    palette = np.unique(palette, axis=0)
    art = quantize_to_palette(small, palette)
    big = upscale_nearest(art, cell)
    for options in (PixelArtOptions(grid_px=cell), PixelArtOptions(width=7, height=6)):
        assert np.array_equal(pixelate(big, palette, options).rgba, art)


@settings(max_examples=30, deadline=None)
@given(image=images, k=st.integers(1, 12))
def test_anchor_palette_is_deterministic_and_real(image: np.ndarray, k: int) -> None:
    image = image.copy()
    image[..., 3] = 255
    palette = extract_palette(image, max_colors=k)
    assert 1 <= len(palette) <= k
    assert np.array_equal(palette, extract_palette(image[::-1, ::-1].copy(), max_colors=k))
    real = {tuple(c) for c in image[..., :3].reshape(-1, 3)}
    assert all(tuple(c) in real for c in palette)


@pytest.mark.parametrize("kind", CLEAN_KINDS + COMPLEX_KINDS)
def test_alpha_test_set_becomes_exact(kind: str) -> None:
    """Every image of the alpha test set, as a soft-edged cut-out and as the opaque original."""
    for index in range(2):
        case = make_case(kind, index, size=128)
        cutout = case.rgba.copy()
        cutout[..., 3] = np.round(case.alpha * 255).astype(np.uint8)
        for image in (cutout, case.rgba):
            catalog = pixelate(image, FOREST, PixelArtOptions(grid_px=4, outline=True))
            _assert_exact(catalog.rgba, FOREST, cell_px=4)
            anchor = palette_from_anchor(image, PixelArtOptions(width=32, height=32), max_colors=8)
            result = pixelate(image, anchor, PixelArtOptions(width=32, height=32, dither="bayer4"))
            _assert_exact(result.rgba, anchor, cell_px=4)
        # The 50 % cut matches the true coverage, measured per cell.
        kept = pixelate(cutout, FOREST, PixelArtOptions(grid_px=4)).rgba[..., 3] == 255
        truth = case.alpha.reshape(32, 4, 32, 4).transpose(0, 2, 1, 3).reshape(32, 32, 16)
        assert np.mean(kept == ((truth >= 0.5).mean(-1) >= 0.5)) > 0.97


def test_detect_grid_finds_the_cell_size_and_offset_through_noise() -> None:
    rng = np.random.default_rng(3)
    small = np.dstack([rng.integers(0, 256, (12, 10, 3)), np.full((12, 10), 255)]).astype(np.uint8)
    for cell in (2, 3, 5, 8, 16):
        big = upscale_nearest(small, cell)
        assert detect_grid(big).cell_px == cell
        shifted = big[2:, 1:]
        grid = detect_grid(shifted)
        assert (grid.cell_px, grid.offset_x, grid.offset_y) == (cell, (cell - 1) % cell, (cell - 2) % cell)
    noisy = upscale_nearest(small, 8).astype(np.int16)
    noisy[..., :3] += rng.integers(-5, 6, noisy[..., :3].shape).astype(np.int16)
    assert detect_grid(np.clip(noisy, 0, 255).astype(np.uint8)).cell_px == 8
    assert detect_grid(np.zeros((32, 32, 4), np.uint8)).cell_px == 1
    xs, ys = np.meshgrid(np.arange(64) * 3, np.arange(64) * 3)
    smooth = np.dstack([xs, ys, np.zeros((64, 64)), np.full((64, 64), 255)]).astype(np.uint8)
    assert detect_grid(smooth).cell_px == 1


def test_detect_grid_sees_through_a_blurred_noisy_drawing() -> None:
    """What a pixel-art model draws: the art 8x, edges blurred over ~3 px, noise, specks; smooth images have
    no grid."""
    from scipy import ndimage

    rng = np.random.default_rng(11)
    small = np.dstack([rng.integers(0, 4, (20, 24, 3)) * 80, np.full((20, 24), 255)]).astype(np.float32)
    big = upscale_nearest(small, 8)
    soft = np.stack([ndimage.gaussian_filter(big[..., c], 1.2) for c in range(4)], axis=2)
    soft[..., :3] += rng.normal(0, 3, soft[..., :3].shape)
    specks = rng.random(soft.shape[:2]) < 0.04  # stray pixels of random colour
    soft[specks, :3] = rng.integers(0, 256, (int(specks.sum()), 3))
    drawn = np.clip(np.round(soft), 0, 255).astype(np.uint8)[3:, 5:]
    grid = detect_grid(drawn)
    assert (grid.cell_px, grid.offset_x, grid.offset_y) == (8, 3, 5)
    for case in (make_case("gradient", 0, size=256), make_case("textured", 1, size=256)):
        assert detect_grid(case.rgba).cell_px == 1


def test_detected_grid_round_trips_a_shifted_image() -> None:
    rng = np.random.default_rng(4)
    small = np.dstack([rng.integers(0, 256, (9, 9, 3)), np.full((9, 9), 255)]).astype(np.uint8)
    palette = colors_used(small)
    big = upscale_nearest(small, 6)
    result = pixelate(big, palette)
    assert result.grid is not None and result.grid.cell_px == 6
    assert np.array_equal(result.rgba, small)


def test_cell_colour_is_a_colour_of_the_cell_never_an_average() -> None:
    """A cell of half red, half blue gives red or blue, not purple; the mode follows the majority."""
    cell = np.zeros((4, 4, 4), np.uint8)
    cell[..., 3] = 255
    cell[:, :2, :3] = (255, 0, 0)
    cell[:, 2:, :3] = (0, 0, 255)
    cell[0, 2, :3] = (255, 0, 0)  # 9 red, 7 blue
    for mode in ("median", "mode"):
        out = downscale_cells(cell, width=1, height=1, cell_color=mode)  # type: ignore[arg-type]
        assert tuple(out[0, 0, :3]) in {(255, 0, 0), (0, 0, 255)}
    assert tuple(downscale_cells(cell, width=1, height=1, cell_color="mode")[0, 0, :3]) == (255, 0, 0)


def test_removed_pixels_never_leak_their_colour() -> None:
    """Green background under alpha 0-127 never reaches a kept cell, and transparent pixels are 0,0,0,0."""
    image = np.zeros((8, 8, 4), np.uint8)
    image[..., :3] = (0, 255, 0)
    image[..., 3] = 100  # below the threshold: background
    image[2:6, 2:6] = (200, 40, 40, 255)
    image[2, 2, :3] = (0, 255, 0)  # a green but opaque pixel: allowed, it is part of the sprite
    palette = np.array([[0, 255, 0], [200, 40, 40]], np.uint8)
    out = pixelate(image, palette, PixelArtOptions(grid_px=2)).rgba
    assert out[..., 3].tolist() == [[0, 0, 0, 0], [0, 255, 255, 0], [0, 255, 255, 0], [0, 0, 0, 0]]
    assert (out[out[..., 3] == 255, :3] == (200, 40, 40)).all()
    assert not out[out[..., 3] == 0].any()
    soft = image.copy()
    soft[..., 3] = np.where(soft[..., 3] == 100, 127, 128)
    assert set(np.unique(binarize_alpha(soft)[..., 3])) == {0, 255}
    assert not binarize_alpha(soft)[:2, :2].any()


def test_dithering_is_ordered_and_only_uses_the_palette() -> None:
    ramp = np.zeros((16, 64, 4), np.uint8)
    ramp[..., :3] = np.linspace(0, 255, 64).astype(np.uint8)[None, :, None]
    ramp[..., 3] = 255
    palette = np.array([[0, 0, 0], [255, 255, 255]], np.uint8)
    flat = quantize_to_palette(ramp, palette)
    dithered = quantize_to_palette(ramp, palette, dither="bayer4")
    assert palette_conformity(dithered, palette) == 1.0
    # Without dithering a ramp splits into two solid halves; with it, the middle mixes both inks.
    assert len(np.unique(flat[:, 24:40, 0])) == 2 and len(np.unique(flat[:, 30, 0])) == 1
    assert len(np.unique(dithered[:, 30, 0])) == 2
    assert np.array_equal(dithered, quantize_to_palette(ramp, palette, dither="bayer4"))


def test_outline_uses_the_darkest_palette_colour_outside_the_shape() -> None:
    image = np.zeros((7, 7, 4), np.uint8)
    image[3, 3] = (200, 200, 200, 255)
    out = add_outline(image, darkest_color(FOREST))
    assert (out[..., 3] == 255).sum() == 5
    assert tuple(out[2, 3, :3]) == tuple(FOREST[0]) == (0x1F, 0x3A, 0x1C)
    assert tuple(out[3, 3, :3]) == (200, 200, 200)


def test_bad_options_are_clear_errors() -> None:
    with pytest.raises(InvalidInput, match="both width and height"):
        PixelArtOptions(width=4)
    with pytest.raises(InvalidInput, match="dither"):
        PixelArtOptions(dither="floyd")  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="larger than"):
        pixelate(np.zeros((8, 8, 4), np.uint8), FOREST, PixelArtOptions(width=16, height=16))
    with pytest.raises(InvalidInput, match="no colours"):
        pixelate(np.zeros((8, 8, 4), np.uint8), np.zeros((0, 3), np.uint8))


@settings(max_examples=40, deadline=None)
@given(
    # Distinct inks (steps of 64): detection, like an artist's eye, does not see 1-level edges.
    small=arrays(np.uint8, (5, 6, 3), elements=st.sampled_from([0, 64, 128, 192, 255])),
    cell=st.integers(2, 12),
    crop=st.tuples(st.integers(0, 11), st.integers(0, 11)),
)
def test_detected_grid_always_round_trips_upscaled_art(small: np.ndarray, cell: int, crop: tuple) -> None:
    """Whatever the inks and offset, the detected cell reproduces an upscaled image exactly."""
    art = np.dstack([small, np.full(small.shape[:2], 255, np.uint8)])
    big = upscale_nearest(art, cell)[crop[0] % cell :, crop[1] % cell :]
    grid = detect_grid(big)
    shifted = big[grid.offset_y :, grid.offset_x :]
    assert grid_mismatch_px(shifted, grid.cell_px) == 0
    if len(np.unique(small.reshape(-1, 3), axis=0)) == 30:  # every logical pixel distinct: the true cell
        assert grid.cell_px == cell
