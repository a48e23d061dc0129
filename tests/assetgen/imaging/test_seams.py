"""The seam metric on synthetic images: a periodic texture wraps (ratio about 1), a crop does not."""

from __future__ import annotations

import numpy as np
import pytest

from assetgen.errors import InvalidInput
from assetgen.imaging.seams import measure_seam, measure_seams, repeat_grid


def periodic_texture(size: int, seed: int) -> np.ndarray:
    """Noise blurred with wrap-around (np.roll): every edge continues on the other side."""
    rng = np.random.default_rng(seed)
    field = rng.normal(size=(size, size, 3))
    for _ in range(6):
        field = sum(np.roll(field, shift, axis) for axis in (0, 1) for shift in (-1, 0, 1)) / 6.0
    field = (field - field.min()) / (field.max() - field.min())
    rgb = (40 + 180 * field).astype(np.uint8)
    return np.dstack([rgb, np.full((size, size), 255, np.uint8)])


def test_a_periodic_texture_has_no_seam_on_either_axis() -> None:
    tile = periodic_texture(64, seed=1)
    for measure in measure_seams(tile):
        assert 0.6 <= measure.ratio <= 1.4, measure
        assert measure.is_full_bleed and measure.passes(1.4)


def test_a_crop_of_a_larger_texture_shows_its_seam() -> None:
    crop = periodic_texture(160, seed=2)[:64, :64]
    x, y = measure_seams(crop)
    assert x.ratio > 2 and y.ratio > 2
    assert not x.passes(1.15) and not y.passes(1.15)


def test_rolling_a_tile_moves_the_seam_inside_but_keeps_the_wrap_clean() -> None:
    crop = periodic_texture(160, seed=3)[:64, :64]
    rolled = np.roll(crop, 32, axis=1)  # the old x seam is now interior, the new wrap edge was interior
    assert measure_seam(rolled, "x").ratio < 1.5 < measure_seam(crop, "x").ratio


def test_a_plain_border_never_passes_even_though_it_wraps_trivially() -> None:
    tile = np.full((64, 64, 4), 240, np.uint8)
    tile[16:48, 16:48, :3] = periodic_texture(32, seed=4)[:, :, :3]  # a centred shape on a plain background
    x = measure_seam(tile, "x")
    assert x.ratio == 0.0 and x.border_activity == 0.0
    assert not x.is_full_bleed and not x.passes(1.15)


def test_axes_argument_and_bad_input() -> None:
    tile = periodic_texture(32, seed=5)
    assert [m.axis for m in measure_seams(tile, "x")] == ["x"]
    assert [m.axis for m in measure_seams(tile, "y")] == ["y"]
    with pytest.raises(InvalidInput, match="axes"):
        measure_seams(tile, "z")
    with pytest.raises(InvalidInput, match="3x3"):
        measure_seam(tile[:2, :2], "x")
    assert set(measure_seam(tile, "x").as_dict()) >= {"axis", "ratio", "fullBleed"}


def test_repeat_grid_tiles_the_image() -> None:
    tile = periodic_texture(16, seed=6)
    grid = repeat_grid(tile)
    assert grid.shape == (48, 48, 4)
    assert np.array_equal(grid[16:32, 32:48], tile)
    with pytest.raises(InvalidInput):
        repeat_grid(tile, columns=0)
