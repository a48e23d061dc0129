"""The pixelate step on a project's variants: one palette for every frame, records, files, errors; and
packing/export of pixel art (sharp import settings read back, Godot 3 loading it unfiltered)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
import yaml

from assetgen.errors import InvalidInput, NotFound
from assetgen.export.build import build_export, write_bundle_to
from assetgen.image_files import decode_rgba, encode_png, read_rgba
from assetgen.imaging.palette import parse_hex_colors
from assetgen.imaging.pixel_art import colors_used, non_binary_alpha_px, palette_conformity
from assetgen.models import Asset, PackSettings, PaletteCatalog
from assetgen.models.pixel_art import PixelArtSettings, PixelateInput
from assetgen.post.atlas_build import FrameSource, build_atlas
from assetgen.post.pixelate import run_pixelate
from assetgen.store import ProjectStore
from tests.godot3_project import Godot3Project
from tests.sprite_factory import PROJECT, make_project

FRAMES = [f"v{i}" for i in range(6)]


def _pixel_project(store: ProjectStore, **settings: object) -> list[FrameSource]:
    sources = make_project(store)
    spec = store.read(PROJECT, "specs", "spec_hero_walk")
    spec.pixel_art = PixelArtSettings(**settings)  # type: ignore[arg-type]
    store.write(PROJECT, "specs", spec)
    store.write_catalog(
        PROJECT,
        "palettes",
        PaletteCatalog(
            id="palettes",
            palettes=[{"id": "gb", "label": "GB", "colors": ["#0f380f", "#306230", "#8bac0f", "#9bbc0f"]}],
        ),  # type: ignore[list-item]
    )
    return sources


def test_anchor_palette_is_one_palette_for_every_frame(store: ProjectStore) -> None:
    _pixel_project(store, grid_px=4, palette="anchor", max_colors=6)
    output = run_pixelate(
        store, PROJECT, PixelateInput(asset_id="hero_walk", variant_ids=FRAMES), job_id="j1"
    )
    palette = parse_hex_colors(output["palette"])
    assert output["paletteSource"] == "anchor:v0" and len(palette) <= 6
    asset: Asset = store.read(PROJECT, "assets", "hero_walk")
    variants = {v.id: v for v in asset.versions[0].variants}
    used: set[tuple[int, ...]] = set()
    for variant_id in FRAMES:
        variant = variants[variant_id]
        record = variant.processing.pixelate  # type: ignore[union-attr]
        assert record is not None and record.palette == output["palette"] and record.job_id == "j1"
        art = read_rgba(store.resolve(variant.pixel_path))  # type: ignore[arg-type]
        assert art.shape == (14, 10, 4) and (record.size.w, record.size.h) == (10, 14)
        assert palette_conformity(art, palette) == 1.0 and non_binary_alpha_px(art) == 0
        assert record.palette_conformity == 1.0 and record.source == "alpha"
        used |= {tuple(c) for c in colors_used(art)}
    assert used <= {tuple(c) for c in palette}
    # A re-run gives the same files (deterministic palette and pixels).
    again = run_pixelate(store, PROJECT, PixelateInput(asset_id="hero_walk", variant_ids=FRAMES))
    assert again["palette"] == output["palette"]


def test_catalog_palette_overrides_and_anchor_from_another_frame(store: ProjectStore) -> None:
    _pixel_project(store, size={"w": 20, "h": 28}, palette="gb", outline=True)
    output = run_pixelate(store, PROJECT, PixelateInput(asset_id="hero_walk", variant_ids=["v0", "v1"]))
    assert output["paletteSource"] == "catalog:gb" and output["results"][0]["size"] == {"w": 20, "h": 28}
    anchored = run_pixelate(
        store,
        PROJECT,
        PixelateInput(
            asset_id="hero_walk",
            variant_ids=["v0"],
            settings=PixelArtSettings(palette="anchor", anchor="coin/v1"),
        ),
    )
    assert anchored["paletteSource"] == "anchor:coin/v1"


def test_a_blank_first_frame_is_skipped_for_the_anchor(store: ProjectStore) -> None:
    _pixel_project(store, grid_px=4, palette="anchor")
    asset = store.read(PROJECT, "assets", "hero_walk")
    blank = asset.versions[0].variants[0]
    store.write_file(store.resolve(blank.alpha_path), encode_png(np.zeros((56, 40, 4), np.uint8)))
    output = run_pixelate(store, PROJECT, PixelateInput(asset_id="hero_walk", variant_ids=["v0", "v1"]))
    assert output["paletteSource"] == "anchor:v1"
    assert output["results"][0]["colorsUsed"] == 0


def test_bad_requests_are_clear_errors(store: ProjectStore) -> None:
    _pixel_project(store, palette="nope")
    with pytest.raises(InvalidInput, match="no palette 'nope'"):
        run_pixelate(store, PROJECT, PixelateInput(asset_id="hero_walk", variant_ids=["v0"]))
    with pytest.raises(NotFound, match="no variant 'v9'"):
        run_pixelate(store, PROJECT, PixelateInput(asset_id="hero_walk", variant_ids=["v9"]))
    with pytest.raises(NotFound):
        run_pixelate(store, PROJECT, PixelateInput(asset_id="nothing"))


def _pixel_atlas(store: ProjectStore):
    sources = _pixel_project(store, grid_px=4, palette="gb")
    run_pixelate(store, PROJECT, PixelateInput(asset_id="hero_walk", variant_ids=FRAMES))
    walk = [s for s in sources if s.asset_id == "hero_walk"]
    return build_atlas(store, PROJECT, "walk", walk, settings=PackSettings(padding_px=2, extrude_px=1))


def test_packing_never_blends_pixel_art_colours(store: ProjectStore) -> None:
    build = _pixel_atlas(store)
    page = build.sheet.pages[0]
    gb = parse_hex_colors(["#0f380f", "#306230", "#8bac0f", "#9bbc0f"])
    assert palette_conformity(page, gb) == 1.0 and non_binary_alpha_px(page) == 0


def test_exports_keep_pixels_sharp(store: ProjectStore) -> None:
    _pixel_atlas(store)
    unity = build_export(store, PROJECT, "walk", profile="unity")
    meta = yaml.safe_load(unity.files["walk.png.meta"])["TextureImporter"]
    assert meta["textureSettings"]["filterMode"] == 0  # Point
    assert meta["mipmaps"]["enableMipMap"] == 0
    assert meta["platformSettings"][0]["textureCompression"] == 0
    assert meta["spritePixelsToUnits"] == 14  # the largest logical frame side
    godot4 = build_export(store, PROJECT, "walk", profile="godot")
    import4 = godot4.files["walk.png.import"].decode()
    assert "compress/mode=0" in import4 and "mipmaps/generate=false" in import4
    assert "default_texture_filter=0" in godot4.files["override.cfg"].decode()
    godot3 = build_export(store, PROJECT, "walk", profile="godot3")
    import3 = godot3.files["walk.png.import"].decode()
    assert "flags/filter=false" in import3 and "flags/mipmaps=false" in import3
    pixi = build_export(store, PROJECT, "walk", profile="pixi_kit")
    assert json.loads(pixi.files["kit.json"])["atlases"][0]["scaleMode"] == "nearest"
    assert json.loads(pixi.files["walk.json"])["meta"]["scaleMode"] == "nearest"
    # An asset that is not pixel art keeps the profile's smooth settings.
    coin = build_export(store, PROJECT, "coin", profile="unity")
    coin_meta = yaml.safe_load(coin.files["coin.png.meta"])["TextureImporter"]
    assert coin_meta["textureSettings"]["filterMode"] == 1
    assert not any(
        name.endswith(".import") for name in build_export(store, PROJECT, "coin", profile="godot3").files
    )


def test_an_atlas_packed_before_pixelation_is_not_exported_as_pixel_art(store: ProjectStore) -> None:
    sources = _pixel_project(store, grid_px=4, palette="gb")
    walk = [s for s in sources if s.asset_id == "hero_walk"]
    build_atlas(store, PROJECT, "walk", walk, settings=PackSettings())
    run_pixelate(store, PROJECT, PixelateInput(asset_id="hero_walk", variant_ids=FRAMES))
    stale = yaml.safe_load(build_export(store, PROJECT, "walk", profile="unity").files["walk.png.meta"])
    assert stale["TextureImporter"]["textureSettings"]["filterMode"] == 1
    build_atlas(store, PROJECT, "walk", walk, settings=PackSettings())  # packed again: the pixel images
    fresh = yaml.safe_load(build_export(store, PROJECT, "walk", profile="unity").files["walk.png.meta"])
    assert fresh["TextureImporter"]["textureSettings"]["filterMode"] == 0


GODOT_CHECK = """extends SceneTree
func _init():
    var t = load("res://walk.png")
    print("TEX|", t.get_class(), "|", t.flags, "|", t.get_width(), "|", t.get_height())
    var frames = load("res://walk.tres")
    print("ANIMS|", frames.get_animation_names().size())
    quit()
"""


def test_godot3_imports_the_pixel_art_atlas_with_filtering_off(store: ProjectStore, tmp_path: Path) -> None:
    _pixel_atlas(store)
    bundle = build_export(store, PROJECT, "walk", profile="godot3")
    project = Godot3Project(tmp_path, GODOT_CHECK)
    write_bundle_to(project.dir, bundle)
    # The editor's import pass reads our .png.import (as opening the bundle in the Godot editor would).
    project.import_assets()
    result = project.run_script()
    match = re.search(r"^TEX\|(\w+)\|(\d+)\|(\d+)\|(\d+)$", result.stdout, re.M)
    assert match, result.stdout + result.stderr
    flags = int(match[2])
    assert match[1] == "StreamTexture", result.stdout
    assert flags & 4 == 0 and flags & 1 == 0, (
        f"filter/mipmaps still on: flags={flags}"
    )  # FLAG_FILTER, FLAG_MIPMAPS
    page_h, page_w = decode_rgba(bundle.files["walk.png"]).shape[:2]
    assert (int(match[3]), int(match[4])) == (page_w, page_h)
    assert "ANIMS|" in result.stdout
    # Control: the same bundle without our .import gets Godot's defaults, which filter.
    (project.dir / "walk.png.import").unlink()
    for stale in (project.dir / ".import").glob("walk.png-*"):
        stale.unlink()
    project.import_assets()
    control = project.run_script()
    control_match = re.search(r"^TEX\|(\w+)\|(\d+)\|", control.stdout, re.M)
    assert control_match and int(control_match[2]) & 4 == 4, control.stdout
