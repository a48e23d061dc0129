"""Godot 4 profile: the SpriteFrames .tres read by a small reader of Godot's text resource format."""

from __future__ import annotations

import re

import numpy as np

from assetgen.export.build import build_export
from assetgen.image_files import decode_rgba
from tests.sprite_factory import PROJECT, make_atlas, place, source_frames

SECTION = re.compile(r"^\[(\w+)((?:\s+\w+=(?:\"[^\"]*\"|\S+))*)\]$", re.M)
ATTR = re.compile(r"(\w+)=(\"[^\"]*\"|\S+)")


def read_tres(text: str) -> list[tuple[str, dict[str, str], str]]:
    """Sections as (kind, header attributes, body text), as Godot's ResourceLoaderText splits them."""
    matches = list(SECTION.finditer(text))
    sections = []
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        attrs = {k: v.strip('"') for k, v in ATTR.findall(match.group(2))}
        sections.append((match.group(1), attrs, text[match.end() : end].strip()))
    return sections


def test_sprite_frames_resource_follows_godot4_rules(store) -> None:
    build = make_atlas(store, allow_rotation=True, extrude_px=1)
    bundle = build_export(store, PROJECT, "chars", profile="godot")
    text = bundle.files["chars.tres"].decode()
    sections = read_tres(text)
    kind, header, _ = sections[0]
    assert kind == "gd_resource" and header["type"] == "SpriteFrames" and header["format"] == "3"
    assert int(header["load_steps"]) == len(sections) - 1  # ext + sub resources + the resource itself
    ext = {a["id"]: a for k, a, _ in sections if k == "ext_resource"}
    assert [a["path"] for a in ext.values()] == ["chars.png"] and all(
        a["type"] == "Texture2D" for a in ext.values()
    )
    height, width = decode_rgba(bundle.files["chars.png"]).shape[:2]
    subs = {}
    for kind, attrs, body in sections:
        if kind != "sub_resource":
            continue
        assert attrs["type"] == "AtlasTexture"
        atlas = re.search(r'atlas = ExtResource\("([^"]+)"\)', body).group(1)
        assert atlas in ext
        rx, ry, rw, rh = map(int, re.search(r"region = Rect2\(([^)]*)\)", body).group(1).split(","))
        margin = tuple(map(int, re.search(r"margin = Rect2\(([^)]*)\)", body).group(1).split(",")))
        assert rw > 0 and rh > 0 and rx >= 0 and ry >= 0 and rx + rw <= width and ry + rh <= height
        subs[attrs["id"]] = ((rw, rh), margin)
    assert len(subs) == len(build.sheet.frames)
    _, _, resource = sections[-1]
    assert sections[-1][0] == "resource"
    animations = re.findall(
        r'\{\n"frames": \[(.*?)\],\n"loop": (true|false),\n"name": &"(\w+)",\n"speed": ([\d.]+)\n\}',
        resource,
        re.S,
    )
    by_name = {
        name: (re.findall(r'SubResource\("([^"]+)"\)', frames), loop, float(speed))
        for frames, loop, name, speed in animations
    }
    assert set(by_name) == {"walk", "coin", "default"}
    refs, loop, speed = by_name["walk"]
    assert loop == "false" and speed == 10.0 and len(refs) == 6
    sources = {f.name: f for f in build.sheet.frames}
    for ref, name in zip(refs, build.atlas.animations[0].frames, strict=True):
        (rw, rh), margin = subs[ref]
        trim = sources[name].trim
        assert (rw, rh) == (trim.w_px, trim.h_px)
        assert margin == (trim.x_px, trim.y_px, trim.source_w_px - trim.w_px, trim.source_h_px - trim.h_px)
    assert '"duration": 1.0' in resource


def test_every_atlas_texture_shows_its_source_frame_pixel_for_pixel(store) -> None:
    """region + margin, read from the .tres, rebuild each animation frame exactly from chars.png."""
    build = make_atlas(store, allow_rotation=True, extrude_px=1)
    sources = source_frames(store, build)
    bundle = build_export(store, PROJECT, "chars", profile="godot")
    page = decode_rgba(bundle.files["chars.png"])
    sections = read_tres(bundle.files["chars.tres"].decode())
    shown: dict[str, np.ndarray] = {}
    for kind, attrs, body in sections:
        if kind == "sub_resource":
            rx, ry, rw, rh = map(int, re.search(r"region = Rect2\(([^)]*)\)", body).group(1).split(","))
            mx, my, mw, mh = map(int, re.search(r"margin = Rect2\(([^)]*)\)", body).group(1).split(","))
            region = page[ry : ry + rh, rx : rx + rw]
            shown[attrs["id"]] = place(region, left=mx, top=my, width=rw + mw, height=rh + mh)
    resource = sections[-1][2]
    names_by_animation = {a.name: a.frames for a in build.atlas.animations}
    checked = 0
    for frames, name in re.findall(r'"frames": \[(.*?)\],\n"loop": \w+,\n"name": &"(\w+)"', resource, re.S):
        refs = re.findall(r'SubResource\("([^"]+)"\)', frames)
        expected = names_by_animation.get(name) or [
            f.name for f in build.sheet.frames if f.name.startswith("gem")
        ]
        assert len(refs) == len(expected), name
        for ref, frame_name in zip(refs, expected, strict=True):
            assert np.array_equal(shown[ref], sources[frame_name]), f"{name}: {frame_name} shows other pixels"
            checked += 1
    assert checked == len(sources) == 9
