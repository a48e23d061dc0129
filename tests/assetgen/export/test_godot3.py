"""Godot 3 profile, checked by the real consumer: Debian's headless Godot 3 (godot3-server) loads the .tres."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import numpy as np
import pytest

from assetgen.export.build import build_export, write_bundle_to
from assetgen.image_files import decode_rgba
from tests.godot3_project import Godot3Project
from tests.sprite_factory import PROJECT, make_atlas, source_frames

pytestmark = pytest.mark.runtime  # Debian's godot3-server, installed by `make system-deps`

CHECK_SCRIPT = """extends SceneTree
func _init():
    var res = load("res://chars.tres")
    if res == null:
        print("LOADFAIL")
    else:
        # The server build's dummy renderer keeps no texture data: the engine reads the PNG as an Image.
        var page = Image.new()
        page.load(ProjectSettings.globalize_path(res.get_frame(res.get_animation_names()[0], 0).atlas.resource_path))
        page.convert(Image.FORMAT_RGBA8)
        for anim in res.get_animation_names():
            print("ANIM|", anim, "|", res.get_frame_count(anim), "|", res.get_animation_speed(anim), "|", res.get_animation_loop(anim))
            for i in range(res.get_frame_count(anim)):
                var t = res.get_frame(anim, i)
                var r = t.region
                var m = t.margin
                print("FRAME|", anim, "|", i, "|", r.position.x, ",", r.position.y, ",", r.size.x, ",", r.size.y, "|", m.position.x, ",", m.position.y, ",", m.size.x, ",", m.size.y, "|", t.get_width(), ",", t.get_height(), "|", t.atlas.get_width(), ",", t.atlas.get_height())
                # the frame as the AtlasTexture defines it: its region of the page, placed at its margin
                var full = Image.new()
                full.create(t.get_width(), t.get_height(), false, Image.FORMAT_RGBA8)
                full.blit_rect(page.get_rect(r), Rect2(Vector2.ZERO, r.size), m.position)
                print("PIXELS|", anim, "|", i, "|", Marshalls.raw_to_base64(full.get_data()))
    quit()
"""


def test_godot3_loads_every_animation_and_frame_region(store, tmp_path: Path) -> None:
    build = make_atlas(store, allow_rotation=True, extrude_px=1)
    bundle = build_export(store, PROJECT, "chars", profile="godot3")
    project = Godot3Project(tmp_path, CHECK_SCRIPT)
    write_bundle_to(project.dir, bundle)
    result = project.run_script()
    out = result.stdout
    assert "LOADFAIL" not in out, out + result.stderr
    anims = {
        m[0]: (int(m[1]), float(m[2]), m[3] == "True")
        for m in re.findall(r"^ANIM\|(\w+)\|(\d+)\|([\d.]+)\|(\w+)$", out, re.M)
    }
    assert anims == {"walk": (6, 10.0, False), "coin": (2, 12.0, True), "default": (1, 5.0, True)}, out
    frames = re.findall(r"^FRAME\|(\w+)\|(\d+)\|([\d,]+)\|([\d,]+)\|([\d,]+)\|([\d,]+)$", out, re.M)
    assert len(frames) == 9
    by_name = {f.name: f for f in build.sheet.frames}
    # The server build's dummy renderer reports 8x8 atlases; the real page size comes from the bundle's PNG.
    page_h, page_w = decode_rgba(bundle.files["chars.png"]).shape[:2]
    expected_order = {
        "walk": build.atlas.animations[0].frames,
        "coin": build.atlas.animations[1].frames,
        "default": ["gem_00"],
    }
    for anim, index, region, margin, size, _atlas_size in frames:
        name = expected_order[anim][int(index)]
        source = by_name[name].trim
        rx, ry, rw, rh = map(int, region.split(","))
        mx, my, mw, mh = map(int, margin.split(","))
        assert (rw, rh) == (source.w_px, source.h_px), name
        assert (mx, my, mw, mh) == (
            source.x_px,
            source.y_px,
            source.source_w_px - source.w_px,
            source.source_h_px - source.h_px,
        )
        assert tuple(map(int, size.split(","))) == (source.source_w_px, source.source_h_px)
        assert 0 <= rx and rx + rw <= page_w and 0 <= ry and ry + rh <= page_h
    # what the engine cut out and placed is the source frame, pixel for pixel
    sources = source_frames(store, build)
    pixels = re.findall(r"^PIXELS\|(\w+)\|(\d+)\|(\S*)$", out, re.M)
    assert len(pixels) == 9, out + result.stderr
    for anim, index, encoded in pixels:
        name = expected_order[anim][int(index)]
        source = sources[name]
        shown = np.frombuffer(base64.b64decode(encoded), np.uint8).reshape(source.shape)
        assert np.array_equal(shown, source), f"Godot 3 shows other pixels for {anim}[{index}] ({name})"
