"""Pixel-art settings: what refinement writes for pixel-art wishes, and how settings are resolved."""

from __future__ import annotations

import pytest

from assetgen.errors import InvalidInput
from assetgen.models import AssetSpec, Checkpoint, Size
from assetgen.models.pixel_art import PixelArtSettings
from assetgen.settings import REPO_DIR
from assetgen.specs.pixel_art import (
    catalog_palette,
    pixel_art_options,
    resolve_pixel_art,
    spec_pixel_art,
)
from assetgen.specs.project_context import ProjectContext, load_project_context
from assetgen.store import ProjectStore
from tests.assetgen.specs.test_refine import plan_line


@pytest.fixture(scope="module")
def context() -> ProjectContext:
    """The demo project's refinement context (as in test_refine)."""
    return load_project_context(ProjectStore(REPO_DIR / "data"), "demo")


CASES = [
    ("pixel art sword icon", {"palette": "anchor"}),
    ("16-colour pixel art sword icon", {"palette": "anchor", "maxColors": 16}),
    ("sword icon, 16 colors", {"palette": "anchor", "maxColors": 16}),
    ("32x32 pixel art sword icon, warm palette", {"palette": "warm", "size": {"w": 32, "h": 32}}),
    ("knight character in 16-bit style, 8-frame walk cycle", {"palette": "anchor"}),
    ("sword icon", None),
    ("sword icon, hand painted, 64x64", None),
]


@pytest.mark.parametrize(("line", "expected"), CASES, ids=[c[0] for c in CASES])
def test_refinement_fills_the_pixel_art_block(
    context: ProjectContext, line: str, expected: dict | None
) -> None:
    specs, item = plan_line(context, line)
    assert len(specs) == 1, item
    assert specs[0].get("pixelArt") == expected
    if expected is not None:
        assert specs[0]["style"] == "pixel_art" or "16 colors" in line


def test_a_leading_colour_or_bit_count_is_not_a_spec_count(context: ProjectContext) -> None:
    assert len(plan_line(context, "16-bit knight character")[0]) == 1
    assert len(plan_line(context, "16-colour sword icon")[0]) == 1


def test_settings_resolve_field_by_field() -> None:
    spec_block = PixelArtSettings(palette="warm")
    project = PixelArtSettings(max_colors=8, outline=True, grid_px=4)
    resolved = resolve_pixel_art(spec_block, project_defaults=project, native_pixel_px=16)
    assert (resolved.palette, resolved.max_colors, resolved.outline, resolved.grid_px) == ("warm", 8, True, 4)
    assert resolve_pixel_art(spec_block, native_pixel_px=16).grid_px == 16
    assert resolve_pixel_art(None).grid_px == 8 and resolve_pixel_art(None).palette == "anchor"
    override = resolve_pixel_art(spec_block, overrides=PixelArtSettings(palette="cool", dither="bayer4"))
    assert (override.palette, override.dither) == ("cool", "bayer4")
    sized = pixel_art_options(resolve_pixel_art(PixelArtSettings(size=Size(w=32, h=24))))
    assert (sized.width, sized.height, sized.grid_px) == (32, 24, None)


def test_spec_settings_use_the_checkpoint_pixel_scale(demo_store: ProjectStore) -> None:
    checkpoint: Checkpoint = demo_store.read("demo", "checkpoints", "ckpt_sd15_demo")
    checkpoint.native_pixel_px = 12
    demo_store.write("demo", "checkpoints", checkpoint)
    spec = AssetSpec(
        id="s1",
        project_id="demo",
        asset_type="prop",
        title="t",
        style="pixel_art",
        scenario="x",
        prompt={"positive": "x"},  # type: ignore[arg-type]
        checkpoint_id="ckpt_sd15_demo",
        pixel_art=PixelArtSettings(),
    )
    assert spec_pixel_art(demo_store, "demo", spec).grid_px == 12
    assert catalog_palette(demo_store, "demo", "warm").shape == (5, 3)
    with pytest.raises(InvalidInput, match=r"no palette 'neon'.*forest"):
        catalog_palette(demo_store, "demo", "neon")
