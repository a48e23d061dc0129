"""The pixel-art quality contract: the checks themselves, and autopilot's review of a pixel-art spec."""

from __future__ import annotations

import numpy as np

from assetgen.imaging.palette import parse_hex_colors
from assetgen.imaging.pixel_art import upscale_nearest
from assetgen.models.pixel_art import PixelArtSettings
from assetgen.review.autopilot import review_version
from assetgen.review.quality import check_one_palette, check_pixel_art
from assetgen.store import ProjectStore
from tests.assetgen.review.test_autopilot import add_version, on_background
from tests.assetgen.review.test_quality import disc

PALETTE = parse_hex_colors(["#000000", "#c83c28", "#ffffff"])


def _by_name(checks):
    return {c.name: c for c in checks}


def test_exact_pixel_art_passes_and_each_defect_fails_its_check() -> None:
    art = np.zeros((8, 8, 4), np.uint8)
    art[2:6, 2:6] = (200, 60, 40, 255)
    good = _by_name(check_pixel_art(upscale_nearest(art, 4), PALETTE, cell_px=4))
    assert all(c.passed for c in good.values()) and good["paletteConformity"].value == 1.0

    off_palette = art.copy()
    off_palette[3, 3, :3] = (201, 60, 40)
    conformity = _by_name(check_pixel_art(off_palette, PALETTE, cell_px=1))["paletteConformity"]
    assert not conformity.passed and conformity.value == 15 / 16

    soft = art.copy()
    soft[2, 2, 3] = 128
    assert _by_name(check_pixel_art(soft, PALETTE, cell_px=1))["alphaBinary"].value == 1

    off_grid = upscale_nearest(art, 4)
    off_grid[9, 10] = (0, 0, 0, 255)  # one source pixel inside a cell, not a whole cell
    grid = _by_name(check_pixel_art(off_grid, PALETTE, cell_px=4))["gridExact"]
    assert not grid.passed and grid.value == 1


def test_one_palette_across_frames() -> None:
    frame = np.zeros((4, 4, 4), np.uint8)
    frame[1:3, 1:3] = (0, 0, 0, 255)
    other = frame.copy()
    other[1, 1, :3] = (255, 255, 255)
    assert check_one_palette([frame, other], PALETTE).passed
    stray = other.copy()
    stray[2, 2, :3] = (1, 2, 3)
    result = check_one_palette([frame, stray], PALETTE)
    assert not result.passed and "outside the shared palette" in result.reason


def test_autopilot_reviews_a_pixel_art_spec_with_the_pixel_checks(demo_store: ProjectStore) -> None:
    spec = demo_store.read("demo", "specs", "potion_icon")
    spec.pixel_art = PixelArtSettings(grid_px=4, palette="anchor", max_colors=4)
    demo_store.write("demo", "specs", spec)
    version_id = add_version(demo_store, [on_background(disc(radius=16)), on_background(disc(radius=14))])
    qualities = review_version(demo_store, "demo", spec, version_id)
    for quality in qualities:
        checks = _by_name(quality.checks)
        for name in ("paletteConformity", "alphaBinary", "gridExact", "onePalette"):
            assert checks[name].passed, (name, checks[name])
    stored = demo_store.read("demo", "assets", "potion_icon").versions[0].variants[0].quality["checks"]
    assert stored["paletteConformity"]["value"] == 1.0 and stored["gridExact"]["value"] == 0
    # A painterly spec is not measured for pixel art.
    spec.pixel_art = None
    plain = review_version(demo_store, "demo", spec, version_id)
    assert "paletteConformity" not in _by_name(plain[0].checks)


def test_a_blank_first_variant_neither_crashes_the_review_nor_sets_the_palette(
    demo_store: ProjectStore,
) -> None:
    spec = demo_store.read("demo", "specs", "potion_icon")
    spec.pixel_art = PixelArtSettings(grid_px=4, palette="anchor")
    blank = np.full((64, 64, 4), (240, 240, 236, 255), np.uint8)
    version_id = add_version(demo_store, [blank, on_background(disc(radius=16))])
    blank_quality, good_quality = review_version(demo_store, "demo", spec, version_id)
    assert not blank_quality.passed
    assert all(c.passed for c in good_quality.checks if c.name in ("paletteConformity", "onePalette"))
    only_blank = add_version(demo_store, [blank])
    (quality,) = review_version(demo_store, "demo", spec, only_blank)
    assert not _by_name(quality.checks)["paletteConformity"].passed
