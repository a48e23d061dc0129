"""Unreal profile: the TexturePacker JSON Paper2D's importer reads, beside its PNG."""

from __future__ import annotations

import json

import numpy as np

from assetgen.export.build import build_export
from assetgen.image_files import decode_rgba
from assetgen.imaging.spritesheet import extract_frame
from assetgen.post.texturepacker import read_atlas_json
from tests.sprite_factory import PROJECT, make_atlas, place, source_frames


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


def test_every_frame_rect_and_offset_rebuild_its_source_frame(store) -> None:
    """Read as Paper2D reads TexturePacker JSON (not with our own reader): ``frame`` on the page (stored 90
    degrees clockwise when ``rotated``), ``spriteSourceSize`` inside ``sourceSize``."""
    build = make_atlas(store, allow_rotation=True)
    sources = source_frames(store, build)
    bundle = build_export(store, PROJECT, "chars", profile="unreal")
    doc = json.loads(bundle.files["chars.json"])
    page = decode_rgba(bundle.files["chars.png"])
    assert any(entry["rotated"] for entry in doc["frames"].values()), "the test set should exercise rotation"
    assert sorted(doc["frames"]) == sorted(sources)
    for name, entry in doc["frames"].items():
        x, y, w, h = (entry["frame"][k] for k in ("x", "y", "w", "h"))
        if entry["rotated"]:
            region = np.rot90(page[y : y + w, x : x + h], k=1)  # back from clockwise storage
        else:
            region = page[y : y + h, x : x + w]
        offset, size = entry["spriteSourceSize"], entry["sourceSize"]
        assert (offset["w"], offset["h"]) == (w, h) == region.shape[1::-1]
        rebuilt = place(region, left=offset["x"], top=offset["y"], width=size["w"], height=size["h"])
        assert np.array_equal(rebuilt, sources[name]), f"{name} shows other pixels"
