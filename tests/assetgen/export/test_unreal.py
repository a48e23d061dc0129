"""Unreal profile: the TexturePacker JSON Paper2D's importer reads, beside its PNG."""

from __future__ import annotations

import json

import numpy as np

from assetgen.export.build import build_export
from assetgen.image_files import decode_rgba
from assetgen.imaging.spritesheet import extract_frame
from assetgen.post.texturepacker import read_atlas_json
from tests.sprite_factory import PROJECT, make_atlas


def test_paper2d_json_rules(store) -> None:
    build = make_atlas(store, allow_rotation=True)
    bundle = build_export(store, PROJECT, "chars", profile="unreal")
    doc = json.loads(bundle.files["chars.json"])
    assert doc["meta"]["app"] and doc["meta"]["image"] == "chars.png" and "chars.png" in bundle.files
    names = list(doc["frames"])
    assert len(names) == len(set(names)) == 9
    assert all(name[-1].isdigit() for name in names), "Create Flipbooks groups by the trailing frame number"
    page = decode_rgba(bundle.files["chars.png"])
    assert doc["meta"]["size"] == {"w": page.shape[1], "h": page.shape[0]}
    frames, _, _ = read_atlas_json(doc)
    originals = {f.name: extract_frame(build.sheet.pages[f.page], f) for f in build.sheet.frames}
    for frame in frames:
        assert np.array_equal(extract_frame(page, frame), originals[frame.name])
    assert any(f.is_rotated for f in frames) == any(f.is_rotated for f in build.sheet.frames)
