"""Pixel-art mode end to end with the real ComfyUI and the demo checkpoint: autopilot generates an
animation's frames, removes backgrounds, pixelates them with ONE anchor palette, packs and exports
them with sharp-pixel import settings; every delivered frame meets the pixel-art contract."""

from __future__ import annotations

from pathlib import Path

import pytest

from assetgen.image_files import read_rgba
from assetgen.imaging.palette import parse_hex_colors
from assetgen.imaging.pixel_art import (
    grid_mismatch_px,
    non_binary_alpha_px,
    palette_conformity,
    upscale_nearest,
)
from assetgen.models.pixel_art import PixelArtSettings
from tests.orchestrator.test_autopilot_comfy import project_with, run_autopilot

pytestmark = pytest.mark.comfy


def test_autopilot_delivers_exact_pixel_art_frames_with_one_palette(comfy_env, tmp_path: Path) -> None:
    _, state = comfy_env
    settings, store = project_with(tmp_path, state.url)
    spec = store.read("demo", "specs", "hero_knight_walk")
    spec.pixel_art = PixelArtSettings(grid_px=8, palette="anchor", max_colors=12)
    store.write("demo", "specs", spec)

    jobs = run_autopilot(settings, store, ["hero_knight_walk"])
    assert all(j.status == "succeeded" for j in jobs), [
        (j.type, j.error) for j in jobs if j.status != "succeeded"
    ]
    types = [j.type for j in jobs]
    assert types.index("bg_remove") < types.index("pixelate") < types.index("atlas_pack")
    pixelate_job = next(j for j in jobs if j.type == "pixelate")
    palette = parse_hex_colors(pixelate_job.output["palette"])
    assert pixelate_job.output["paletteSource"].startswith("anchor:") and len(palette) <= 12

    asset = store.read("demo", "assets", "hero_knight_walk")
    version = asset.versions[-1]
    frames = [v for v in version.variants if v.id in pixelate_job.output["variantIds"]]
    assert frames
    for variant in version.variants:
        checks = variant.quality["checks"]
        assert checks["paletteConformity"]["value"] == 1.0 and checks["alphaBinary"]["value"] == 0
        assert checks["gridExact"]["value"] == 0 and checks["onePalette"]["passed"]
    for variant in frames:
        record = variant.processing.pixelate
        assert record.palette == pixelate_job.output["palette"], "every frame shares the one palette"
        art = read_rgba(store.resolve(variant.pixel_path))
        assert palette_conformity(art, palette) == 1.0 and non_binary_alpha_px(art) == 0
        assert grid_mismatch_px(upscale_nearest(art, 8), 8) == 0
        source = read_rgba(store.resolve(variant.original_path))
        assert art.shape[:2] == (source.shape[0] // 8, source.shape[1] // 8)

    atlas = store.read("demo", "atlases", "hero_knight_walk-atlas")
    page = read_rgba(store.resolve(atlas.image_path))
    assert palette_conformity(page, palette) == 1.0 and non_binary_alpha_px(page) == 0
    unity = next(j for j in jobs if j.type == "export" and j.input["profileId"] == "unity_default")
    meta = next((store.root / unity.output["exportPath"]).glob("*.png.meta")).read_text()
    assert "filterMode: 0" in meta
