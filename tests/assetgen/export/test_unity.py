"""Unity profile: .png.meta and .anim parsed with PyYAML and checked against the importer's rules."""

from __future__ import annotations

import numpy as np
import yaml

from assetgen.export import get_exporter
from assetgen.export.build import export_request
from assetgen.image_files import decode_rgba
from tests.sprite_factory import PROJECT, make_atlas, place, source_frames


class UnityLoader(yaml.SafeLoader):
    """PyYAML with Unity's ``!u!<classID>`` tags read as plain mappings."""


UnityLoader.add_multi_constructor(
    "tag:unity3d.com,2011:", lambda loader, suffix, node: loader.construct_mapping(node, deep=True)
)


def unity_bundle(store):
    build = make_atlas(store, allow_rotation=True, extrude_px=1)
    request = export_request(store, PROJECT, "chars", profile="unity", created_at="2026-01-01T00:00:00Z")
    return build, get_exporter("unity")(request)


def test_texture_meta_slices_the_sheet_like_unity_expects(store) -> None:
    build, bundle = unity_bundle(store)
    meta = yaml.safe_load(bundle.files["chars.png.meta"])
    height, width = decode_rgba(bundle.files["chars.png"]).shape[:2]
    assert meta["fileFormatVersion"] == 2 and len(meta["guid"]) == 32
    importer = meta["TextureImporter"]
    assert (
        importer["textureType"] == 8
        and importer["spriteMode"] == 2
        and importer["spritePixelsToUnits"] == 100
    )
    sprites = importer["spriteSheet"]["sprites"]
    names = [s["name"] for s in sprites]
    assert sorted(names) == sorted(f.name for f in build.sheet.frames) and len(set(names)) == len(names)
    ids = [s["internalID"] for s in sprites]
    assert all(isinstance(i, int) and i != 0 for i in ids) and len(set(ids)) == len(ids)
    assert len({s["spriteID"] for s in sprites}) == len(sprites) and all(
        len(s["spriteID"]) == 32 for s in sprites
    )
    table = {entry["second"]: entry["first"][213] for entry in importer["internalIDToNameTable"]}
    assert (
        table == importer["spriteSheet"]["nameFileIdTable"] == {s["name"]: s["internalID"] for s in sprites}
    )
    # Bottom-left origin: the rect's y counts up from the bottom edge of the texture.
    page = decode_rgba(bundle.files["chars.png"])
    sources = {f.name: f for f in build.sheet.frames}
    for s in sprites:
        rect = s["rect"]
        assert s["alignment"] == 9
        assert 0 <= rect["x"] and rect["x"] + rect["width"] <= width
        assert 0 <= rect["y"] and rect["y"] + rect["height"] <= height
        top = height - rect["y"] - rect["height"]
        region = page[top : top + rect["height"], rect["x"] : rect["x"] + rect["width"]]
        trim = sources[s["name"]].trim
        assert (rect["width"], rect["height"]) == (trim.w_px, trim.h_px)
        assert region[..., 3].any(axis=0).all() and region[..., 3].any(axis=1).all(), (
            "rect hugs the trimmed sprite"
        )
        # The pivot is the untrimmed frame's bottom-centre, expressed in the trimmed rect (y up).
        px = (0.5 * trim.source_w_px - trim.x_px) / trim.w_px
        py = -(trim.source_h_px - trim.y_px - trim.h_px) / trim.h_px
        assert abs(s["pivot"]["x"] - px) < 1e-5 and abs(s["pivot"]["y"] - py) < 1e-5


def test_animation_clips_reference_the_sprites_of_the_meta(store) -> None:
    build, bundle = unity_bundle(store)
    meta = yaml.safe_load(bundle.files["chars.png.meta"])
    ids = meta["TextureImporter"]["spriteSheet"]["nameFileIdTable"]
    for animation in build.atlas.animations:
        clip = yaml.load(bundle.files[f"{animation.name}.anim"], Loader=UnityLoader)["AnimationClip"]
        clip_meta = yaml.safe_load(bundle.files[f"{animation.name}.anim.meta"])
        assert (
            clip_meta["NativeFormatImporter"]["mainObjectFileID"] == 7400000 and len(clip_meta["guid"]) == 32
        )
        assert clip["m_Name"] == animation.name and clip["m_SampleRate"] == animation.fps
        assert clip["m_AnimationClipSettings"]["m_LoopTime"] == (1 if animation.loop else 0)
        (curve,) = clip["m_PPtrCurves"]
        assert curve["attribute"] == "m_Sprite" and curve["classID"] == 212
        keys = curve["curve"]
        assert [k["value"]["fileID"] for k in keys[:-1]] == [ids[n] for n in animation.frames]
        assert all(k["value"]["guid"] == meta["guid"] and k["value"]["type"] == 3 for k in keys)
        times = [k["time"] for k in keys]
        assert times == sorted(times) and abs(times[-1] - len(animation.frames) / animation.fps) < 1e-6
        assert clip["m_AnimationClipSettings"]["m_StopTime"] == times[-1]
        assert clip["m_ClipBindingConstant"]["pptrCurveMapping"] == [k["value"] for k in keys]


def test_guids_and_ids_are_stable_across_exports(store) -> None:
    _, first = unity_bundle(store)
    request = export_request(store, PROJECT, "chars", profile="unity", created_at="2027-01-01T00:00:00Z")
    second = get_exporter("unity")(request)
    for name in ("chars.png.meta", "walk.anim", "walk.anim.meta"):
        assert first.files[name] == second.files[name]


def test_every_sprite_rect_and_pivot_rebuild_its_source_frame(store) -> None:
    """Each rect (bottom-left origin) cut from chars.png, placed by its pivot (the frame's bottom centre),
    is the source frame pixel for pixel."""
    build, bundle = unity_bundle(store)
    sources = source_frames(store, build)
    page = decode_rgba(bundle.files["chars.png"])
    height = page.shape[0]
    sprites = yaml.safe_load(bundle.files["chars.png.meta"])["TextureImporter"]["spriteSheet"]["sprites"]
    assert sorted(s["name"] for s in sprites) == sorted(sources)
    for s in sprites:
        rect, pivot = s["rect"], s["pivot"]
        x, y, w, h = (int(rect[k]) for k in ("x", "y", "width", "height"))
        region = page[height - y - h : height - y, x : x + w]
        source = sources[s["name"]]
        source_h, source_w = source.shape[:2]
        # the pivot sits at the source frame's bottom centre: that fixes where the rect lies in the frame
        left = 0.5 * source_w - pivot["x"] * w
        top = source_h - h + pivot["y"] * h
        assert abs(left - round(left)) < 1e-3 and abs(top - round(top)) < 1e-3, s["name"]
        rebuilt = place(region, left=round(left), top=round(top), width=source_w, height=source_h)
        assert np.array_equal(rebuilt, source), f"{s['name']} shows other pixels"
