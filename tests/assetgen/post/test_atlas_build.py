"""The project-level atlas_pack step: files, record and spec updates."""

from __future__ import annotations

import json

import numpy as np
import pytest

from assetgen.errors import InvalidInput, NotFound
from assetgen.image_files import read_rgba
from assetgen.imaging.spritesheet import extract_frame
from assetgen.post.atlas_build import FrameSource, build_atlas, load_sheet
from tests.sprite_factory import PROJECT, make_atlas, make_project


def test_build_atlas_writes_files_and_record(store) -> None:
    build = make_atlas(store, allow_rotation=True, extrude_px=2)
    folder = store.files_dir(PROJECT, "atlases", "chars")
    assert {p.name for p in folder.iterdir()} == {"atlas.png", "atlas.json", "atlas-preview.png"}
    record = store.read(PROJECT, "atlases", "chars")
    assert record.image_path == f"projects/{PROJECT}/files/atlases/chars/atlas.png"
    assert record.data_path.endswith("chars/atlas.json") and record.job_id == "job_pack_1"
    assert record.pack_settings["extrude"] == 2 and record.asset_ids == ["hero_walk", "coin", "gem"]
    frame = record.frames[0]
    assert (frame.id, frame.asset_id, frame.variant_id, frame.spec_id) == (
        "walk_00",
        "hero_walk",
        "v0",
        "spec_hero_walk",
    )
    assert frame.pivot.y == 1.0 and frame.source_size.w == 40
    walk = record.animations[0]
    assert (walk.name, walk.fps, walk.loop, len(walk.frames)) == ("walk", 10, False, 6)
    doc = json.loads((folder / "atlas.json").read_text())
    assert doc["animations"]["walk"] == walk.frames and doc["meta"]["image"] == "atlas.png"
    (spec,) = build.specs
    assert spec.id == "spec_hero_walk" and spec.output.animation.frame_names == walk.frames
    # Pixel-exact round trip through the stored files.
    sheet = load_sheet(store, record)
    for frame in sheet.frames:
        source = next(f for f in record.frames if f.id == frame.name)
        original = read_rgba(store.resolve(source.source_path))
        assert np.array_equal(extract_frame(sheet.pages[frame.page], frame), original)


def test_build_atlas_errors(store) -> None:
    sources = make_project(store)
    with pytest.raises(InvalidInput, match="no frames"):
        build_atlas(store, PROJECT, "a1", [])
    with pytest.raises(NotFound, match="no variant 'v9'"):
        build_atlas(store, PROJECT, "a1", [FrameSource("coin", "v9")])
    with pytest.raises(InvalidInput, match="invalid atlas id"):
        build_atlas(store, PROJECT, "../x", sources)
