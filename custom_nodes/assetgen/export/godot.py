"""Godot 4 profile: a ``SpriteFrames`` resource (``.tres``, format=3) over the sheet PNG.

Each frame is an ``AtlasTexture`` sub-resource: ``atlas`` (the page PNG, referenced by a path relative to the
.tres so the bundle can go anywhere under ``res://``), ``region`` (the frame's rect on the page) and
``margin`` (position = the trimmed-off left/top border, size = the width/height trimmed off in all), which
gives every frame its untrimmed size back so animations do not wobble. Each animation has ``name``,
``speed`` (fps) and ``loop``; frames in no animation form the ``default`` animation. AtlasTexture cannot
rotate, so a sheet with rotated frames is repacked without rotation first. ``godot3`` writes format=2.
When every frame shares one pivot (an anchor-frame strip), ``<base>.tscn`` holds an AnimatedSprite whose
``offset`` keeps that pivot at the node's origin.
"""

from __future__ import annotations

from collections.abc import Sequence

from assetgen.export.bundle import Bundle, BundleFile, ExportRequest, finish_bundle
from assetgen.image_files import encode_png
from assetgen.imaging.spritesheet import SheetFrame, Spritesheet, unrotated
from assetgen.models.atlas import AtlasAnimation
from assetgen.post.texturepacker import page_image_name


def godot_animations(sheet: Spritesheet, animations: Sequence[AtlasAnimation]) -> list[AtlasAnimation]:
    """The animations a SpriteFrames resource gets: the sheet's, plus ``default`` holding frames in none."""
    used = {name for a in animations for name in a.frames}
    rest = [f.name for f in sheet.frames if f.name not in used]
    result = list(animations)
    if rest:
        name = "default" if all(a.name != "default" for a in animations) else "default_frames"
        result.append(AtlasAnimation(name=name, frames=rest, fps=5, loop=True))
    return result


def _string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _rects(frame: SheetFrame) -> tuple[tuple[int, int, int, int], tuple[int, int, int, int]]:
    box = frame.trim
    region = (frame.x_px, frame.y_px, frame.w_px, frame.h_px)
    margin = (box.x_px, box.y_px, box.source_w_px - box.w_px, box.source_h_px - box.h_px)
    return region, margin


def sprite_frames_tres(
    sheet: Spritesheet, animations: Sequence[AtlasAnimation], *, image_names: Sequence[str], godot_major: int
) -> str:
    """The .tres text of a SpriteFrames resource for Godot ``godot_major`` (3 or 4)."""
    animations = godot_animations(sheet, animations)
    used_pages = sorted({f.page for f in sheet.frames})
    index = {f.name: i + 1 for i, f in enumerate(sheet.frames)}
    by_name = {f.name: f for f in sheet.frames}
    steps = len(used_pages) + len(sheet.frames) + 1
    lines: list[str] = []
    if godot_major == 3:
        lines.append(f'[gd_resource type="SpriteFrames" load_steps={steps} format=2]\n')
        for page in used_pages:
            lines.append(f'[ext_resource path={_string(image_names[page])} type="Texture" id={page + 1}]')
        lines.append("")
        for frame in sheet.frames:
            (rx, ry, rw, rh), (mx, my, mw, mh) = _rects(frame)
            lines += [
                f'[sub_resource type="AtlasTexture" id={index[frame.name]}]',
                f"atlas = ExtResource( {frame.page + 1} )",
                f"region = Rect2( {rx}, {ry}, {rw}, {rh} )",
                f"margin = Rect2( {mx}, {my}, {mw}, {mh} )",
                "",
            ]
        entries = []
        for animation in animations:
            refs = ", ".join(f"SubResource( {index[n]} )" for n in animation.frames)
            entries.append(
                "{\n"
                f'"frames": [ {refs} ],\n'
                f'"loop": {"true" if animation.loop else "false"},\n'
                f'"name": {_string(animation.name)},\n'
                f'"speed": {float(animation.fps)!r}\n'
                "}"
            )
        lines += ["[resource]", f"animations = [ {', '.join(entries)} ]", ""]
        return "\n".join(lines)

    lines.append(f'[gd_resource type="SpriteFrames" load_steps={steps} format=3]\n')
    for page in used_pages:
        lines.append(
            f'[ext_resource type="Texture2D" path={_string(image_names[page])} id="{page + 1}_atlas"]'
        )
    lines.append("")
    for frame in sheet.frames:
        (rx, ry, rw, rh), (mx, my, mw, mh) = _rects(frame)
        lines += [
            f'[sub_resource type="AtlasTexture" id="AtlasTexture_{index[frame.name]}"]',
            f'atlas = ExtResource("{frame.page + 1}_atlas")',
            f"region = Rect2({rx}, {ry}, {rw}, {rh})",
            f"margin = Rect2({mx}, {my}, {mw}, {mh})",
            "",
        ]
    entries = []
    for animation in animations:
        frames = ", ".join(
            f'{{\n"duration": 1.0,\n"texture": SubResource("AtlasTexture_{index[by_name[n].name]}")\n}}'
            for n in animation.frames
        )
        entries.append(
            "{\n"
            f'"frames": [{frames}],\n'
            f'"loop": {"true" if animation.loop else "false"},\n'
            f'"name": &{_string(animation.name)},\n'
            f'"speed": {float(animation.fps)!r}\n'
            "}"
        )
    lines += ["[resource]", f"animations = [{', '.join(entries)}]", ""]
    return "\n".join(lines)


GODOT4_NEAREST_OVERRIDE = "[rendering]\n\ntextures/canvas_textures/default_texture_filter=0\n"


def pixel_art_import(image_name: str, *, godot_major: int) -> str:
    """A ``.png.import`` that imports a pixel-art page unfiltered, without mipmaps, losslessly.

    Godot 3: ``flags/filter=false``, ``flags/mipmaps=false``, ``compress/mode=0`` (lossless). Godot 4:
    ``compress/mode=0``, ``mipmaps/generate=false`` (its filter is the project setting in override.cfg).
    """
    if godot_major == 3:
        return (
            '[remap]\n\nimporter="texture"\ntype="StreamTexture"\n\n'
            f'[deps]\n\nsource_file="res://{image_name}"\n\n'
            "[params]\n\ncompress/mode=0\ncompress/lossy_quality=0.7\ncompress/hdr_mode=0\n"
            "compress/bptc_ldr=0\ncompress/normal_map=0\nflags/repeat=0\nflags/filter=false\n"
            "flags/mipmaps=false\nflags/anisotropic=false\nflags/srgb=2\nprocess/fix_alpha_border=false\n"
            "process/premult_alpha=false\nprocess/HDR_as_SRGB=false\nprocess/invert_color=false\n"
            "stream=false\nsize_limit=0\ndetect_3d=false\nsvg/scale=1.0\n"
        )
    return (
        '[remap]\n\nimporter="texture"\ntype="CompressedTexture2D"\n\n'
        f'[deps]\n\nsource_file="res://{image_name}"\n\n'
        "[params]\n\ncompress/mode=0\ncompress/high_quality=false\ncompress/lossy_quality=0.7\n"
        "compress/hdr_compression=1\ncompress/normal_map=0\ncompress/channel_pack=0\n"
        "mipmaps/generate=false\nmipmaps/limit=-1\nroughness/mode=0\nprocess/fix_alpha_border=false\n"
        "process/premult_alpha=false\nprocess/normal_map_invert_y=false\nprocess/hdr_as_srgb=false\n"
        "process/hdr_clamp_exposure=false\nprocess/size_limit=0\ndetect_3d/compress_to=0\n"
    )


def pivot_scene(
    sheet: Spritesheet, animations: Sequence[AtlasAnimation], *, tres_name: str, godot_major: int
) -> str | None:
    """A scene with one AnimatedSprite over the SpriteFrames whose ``offset`` puts the frames' shared pivot
    at the node's origin (Godot draws a centred sprite around the origin); None unless every frame has the
    same pivot, off centre, and untrimmed size (an anchor-frame strip aligned on one pivot)."""
    pivots = {(f.pivot_x, f.pivot_y, f.trim.source_w_px, f.trim.source_h_px) for f in sheet.frames}
    if len(pivots) != 1:
        return None
    pivot_x, pivot_y, width, height = pivots.pop()
    if (pivot_x, pivot_y) == (0.5, 0.5):
        return None  # Godot's own centring already puts the pivot at the origin
    dx, dy = round((0.5 - pivot_x) * width, 3), round((0.5 - pivot_y) * height, 3)
    first = godot_animations(sheet, animations)[0].name
    node = "".join(c if c.isalnum() or c == "_" else "_" for c in tres_name.rsplit(".", 1)[0]) or "Sprite"
    if godot_major == 3:
        return (
            "[gd_scene load_steps=2 format=2]\n\n"
            f'[ext_resource path={_string(tres_name)} type="SpriteFrames" id=1]\n\n'
            f'[node name={_string(node)} type="AnimatedSprite"]\n'
            "frames = ExtResource( 1 )\n"
            f"animation = {_string(first)}\n"
            f"offset = Vector2( {dx!r}, {dy!r} )\n"
        )
    return (
        "[gd_scene load_steps=2 format=3]\n\n"
        f'[ext_resource type="SpriteFrames" path={_string(tres_name)} id="1_frames"]\n\n'
        f'[node name={_string(node)} type="AnimatedSprite2D"]\n'
        'sprite_frames = ExtResource("1_frames")\n'
        f"animation = &{_string(first)}\n"
        f"offset = Vector2({dx!r}, {dy!r})\n"
    )


def build_godot_bundle(request: ExportRequest, *, godot_major: int) -> Bundle:
    """PNG page(s) + ``<base>.tres`` SpriteFrames for Godot ``godot_major`` + the manifest."""
    sheet = unrotated(request.sheet)
    files: dict[str, BundleFile] = {}
    image_names = [page_image_name(request.base_name, p) for p in range(len(sheet.pages))]
    for page, name in enumerate(image_names):
        frames = tuple(f.name for f in sheet.frames if f.page == page)
        files[name] = BundleFile(encode_png(sheet.pages[page]), "atlas_image", frames)
        if request.pixel_art is not None:
            files[f"{name}.import"] = BundleFile(
                pixel_art_import(name, godot_major=godot_major).encode("utf-8"), "engine_metadata", frames
            )
    if request.pixel_art is not None and godot_major >= 4:
        # Godot 4 has no per-texture filter flag: the 2D default filter is a project setting.
        files["override.cfg"] = BundleFile(GODOT4_NEAREST_OVERRIDE.encode("utf-8"), "engine_metadata", ())
    text = sprite_frames_tres(sheet, request.animations, image_names=image_names, godot_major=godot_major)
    all_frames = tuple(f.name for f in sheet.frames)
    files[f"{request.base_name}.tres"] = BundleFile(text.encode("utf-8"), "engine_metadata", all_frames)
    # One shared pivot (anchor-frame strips): a ready scene whose sprite offset keeps it at the origin.
    scene = pivot_scene(
        sheet, request.animations, tres_name=f"{request.base_name}.tres", godot_major=godot_major
    )
    if scene is not None:
        files[f"{request.base_name}.tscn"] = BundleFile(scene.encode("utf-8"), "engine_metadata", all_frames)
    return finish_bundle(request, files)


def build_bundle(request: ExportRequest) -> Bundle:
    """Godot 4 bundle: PNG + SpriteFrames .tres (format=3) + manifest."""
    return build_godot_bundle(request, godot_major=4)
