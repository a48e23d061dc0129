"""Tileable variants are judged as tiles: seam checks per axis instead of the cut-out checks."""

from __future__ import annotations

import numpy as np

from assetgen.models.spec import QualityLimits
from assetgen.review.quality import check_seams, evaluate_variant
from tests.assetgen.imaging.test_seams import periodic_texture


def test_a_wrapping_tile_passes_as_a_tile() -> None:
    tile = periodic_texture(64, seed=1)
    quality = evaluate_variant(
        "v1", tile, tile, width=64, height=64, limits=QualityLimits(), tiling_axes="both"
    )
    names = [c.name for c in quality.checks]
    assert "seam_x" in names and "seam_y" in names and "coverage" not in names
    assert quality.passed, quality.failures()


def test_a_seam_or_a_plain_border_fails_with_a_reason() -> None:
    crop = periodic_texture(160, seed=2)[:64, :64]
    quality = evaluate_variant(
        "v2", crop, crop, width=64, height=64, limits=QualityLimits(), tiling_axes="both"
    )
    assert not quality.passed and any(f.startswith("seam_x: seam ratio") for f in quality.failures())
    framed = np.full((64, 64, 4), 240, np.uint8)
    framed[8:56, 8:56, :3] = periodic_texture(48, seed=3)[:, :, :3]
    (x,) = check_seams(framed, axes="x", limits=QualityLimits())
    assert not x.passed and "plain border" in x.reason


def test_seam_ratio_max_comes_from_the_contract() -> None:
    crop = periodic_texture(160, seed=2)[:64, :64]
    (x,) = check_seams(crop, axes="x", limits=QualityLimits(seam_ratio_max=50.0))
    assert x.passed and QualityLimits().seam_ratio_max == 1.15


def test_tile_specs_skip_background_removal(demo_store) -> None:
    from assetgen.review.autopilot import is_tileable

    spec = demo_store.read("demo", "specs", "potion_icon")
    assert not is_tileable(demo_store, "demo", spec)
    assert is_tileable(demo_store, "demo", spec.model_copy(update={"asset_type": "tile"}))
