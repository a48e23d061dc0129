"""Engine files for a terrain tileset (Wang 2-corner or 47-tile blob): Godot 4 and Godot 3 TileSets, a
Tiled ``.tsx``, the TexturePacker JSON (corner/neighbour bits as frame data) and a Unity sliced-sprite
``.png.meta``.

Every function returns text; :func:`tileset_bundle` gathers them with the atlas PNG as ``{name: bytes}``
for the caller to write through the store (or any folder). Unity's Rule Tiles need the 2D Tilemap Extras
package, so Unity gets the plain sliced sheet (one sprite per tile, named with its corner bits).
"""

from __future__ import annotations

import json

from assetgen.export.tiled import tileset_tsx
from assetgen.export.unity import stable_guid, stable_internal_id, texture_meta
from assetgen.image_files import encode_png
from assetgen.imaging.blob import BlobBits
from assetgen.imaging.spritesheet import SheetFrame, Spritesheet
from assetgen.imaging.tileset import CornerBits
from assetgen.imaging.trim import TrimBox
from assetgen.models import PackSettings
from assetgen.post.tileset import Tileset

# Godot 3 autotile bitmask bits (TileSet.BIND_*): a 2x2 autotile uses the four corner bits, a 3x3
# (minimal) one all nine, the centre included.
GODOT3_BIND = {
    "nw": 1,
    "n": 2,
    "ne": 4,
    "w": 8,
    "center": 16,
    "e": 32,
    "sw": 64,
    "s": 128,
    "se": 256,
}
GODOT4_PEERING = {
    "n": "top_side",
    "ne": "top_right_corner",
    "e": "right_side",
    "se": "bottom_right_corner",
    "s": "bottom_side",
    "sw": "bottom_left_corner",
    "w": "left_side",
    "nw": "top_left_corner",
}
TileBits = CornerBits | BlobBits | None


def tile_name(bits: TileBits, index: int) -> str:
    """``tile_07_nw1_ne1_sw1_se0`` (corners), ``blob_12_m0x1c`` (a blob tile's canonical neighbour mask) or
    ``blob_47_background``: readable in any engine's sprite list."""
    if isinstance(bits, CornerBits):
        return f"tile_{bits.index:02d}_nw{bits.nw}_ne{bits.ne}_sw{bits.sw}_se{bits.se}"
    if isinstance(bits, BlobBits):
        return f"blob_{index:02d}_m{bits.mask:03d}"
    return f"blob_{index:02d}_background"


def _bit_values(bits: TileBits) -> dict[str, int]:
    """Terrain (0/1) per named corner/side, ``center`` included for blob tiles."""
    if isinstance(bits, CornerBits):
        return bits.as_dict()
    if isinstance(bits, BlobBits):
        return {**bits.as_dict(), "center": 1}
    return {name: 0 for name in GODOT4_PEERING} | {"center": 0}


def _tile_xy(tileset: Tileset, index: int) -> tuple[int, int]:
    row, column = divmod(index, tileset.columns)
    return column, row


def godot3_bitmask(bits: TileBits) -> int:
    """The autotile bitmask of a tile: a bit is set where terrain 1 is (2x2: corners; 3x3: all nine)."""
    return sum(GODOT3_BIND[name] for name, value in _bit_values(bits).items() if value)


def godot3_tileset_tres(tileset: Tileset, *, image_name: str) -> str:
    """A Godot 3 ``TileSet`` (format=2): one autotile over the atlas (2x2 bitmask mode for wang2corner, 3x3
    minimal for blob47) with every tile's bitmask."""
    flags = ", ".join(
        f"Vector2( {x}, {y} ), {godot3_bitmask(bits)}"
        for index, bits in enumerate(tileset.bits)
        for x, y in [_tile_xy(tileset, index)]
    )
    bitmask_mode = 1 if tileset.layout == "blob47" else 0
    size = tileset.tile_px
    h, w = tileset.atlas.shape[:2]
    name = " / ".join(tileset.terrains)
    return (
        '[gd_resource type="TileSet" load_steps=2 format=2]\n\n'
        f'[ext_resource path="res://{image_name}" type="Texture" id=1]\n\n'
        "[resource]\n"
        f'0/name = "{name}"\n'
        "0/texture = ExtResource( 1 )\n"
        "0/tex_offset = Vector2( 0, 0 )\n"
        "0/modulate = Color( 1, 1, 1, 1 )\n"
        f"0/region = Rect2( 0, 0, {w}, {h} )\n"
        "0/tile_mode = 1\n"
        f"0/autotile/bitmask_mode = {bitmask_mode}\n"
        f"0/autotile/bitmask_flags = [ {flags} ]\n"
        "0/autotile/icon_coordinate = Vector2( 0, 0 )\n"
        f"0/autotile/tile_size = Vector2( {size}, {size} )\n"
        "0/autotile/spacing = 0\n"
        "0/autotile/occluder_map = [  ]\n"
        "0/autotile/navpoly_map = [  ]\n"
        "0/autotile/priority_map = [  ]\n"
        "0/autotile/z_index_map = [  ]\n"
        "0/occluder_offset = Vector2( 0, 0 )\n"
        "0/navigation_offset = Vector2( 0, 0 )\n"
        "0/shape_offset = Vector2( 0, 0 )\n"
        "0/shape_transform = Transform2D( 1, 0, 0, 1, 0, 0 )\n"
        "0/shape_one_way = false\n"
        "0/shape_one_way_margin = 0.0\n"
        "0/shapes = [  ]\n"
        "0/z_index = 0\n"
    )


def godot4_tileset_tres(tileset: Tileset, *, image_name: str) -> str:
    """A Godot 4 ``TileSet`` (format=3): an atlas source whose tiles carry a terrain set's peering bits
    (match corners for wang2corner, match corners and sides for blob47)."""
    size = tileset.tile_px
    lines = []
    for index, bits in enumerate(tileset.bits):
        x, y = _tile_xy(tileset, index)
        values = _bit_values(bits)
        centre = values.pop("center", None)
        if centre is None:
            centre = 1 if sum(values.values()) >= 2 else 0
        lines.append(f"{x}:{y}/0 = 0")
        lines.append(f"{x}:{y}/0/terrain_set = 0")
        lines.append(f"{x}:{y}/0/terrain = {centre}")
        for name, value in values.items():
            lines.append(f"{x}:{y}/0/terrains_peering_bit/{GODOT4_PEERING[name]} = {value}")
    mode = 0 if tileset.layout == "blob47" else 1  # TileSet.TERRAIN_MODE_MATCH_CORNERS_AND_SIDES / _CORNERS
    terrains = "".join(
        f'terrain_set_0/terrain_{i}/name = "{terrain}"\n'
        f"terrain_set_0/terrain_{i}/color = Color({'0.36, 0.55, 0.23' if i == 0 else '0.54, 0.42, 0.25'}, 1)\n"
        for i, terrain in enumerate(tileset.terrains)
    )
    header = (
        '[gd_resource type="TileSet" load_steps=3 format=3]\n\n'
        f'[ext_resource type="Texture2D" path="res://{image_name}" id="1"]\n\n'
        '[sub_resource type="TileSetAtlasSource" id="TileSetAtlasSource_1"]\n'
        'texture = ExtResource("1")\n'
        f"texture_region_size = Vector2i({size}, {size})\n"
    )
    resource = (
        "[resource]\n"
        f"tile_size = Vector2i({size}, {size})\n"
        f"terrain_set_0/mode = {mode}\n"
        f"{terrains}"
        'sources/0 = SubResource("TileSetAtlasSource_1")\n'
    )
    return header + "\n".join(lines) + "\n\n" + resource


def tileset_sheet(tileset: Tileset) -> Spritesheet:
    """The atlas as a one-page Spritesheet (one untrimmed frame per tile) for the sprite-sheet exporters."""
    size = tileset.tile_px
    frames = []
    for index, bits in enumerate(tileset.bits):
        x, y = _tile_xy(tileset, index)
        frames.append(
            SheetFrame(
                name=tile_name(bits, index),
                page=0,
                x_px=x * size,
                y_px=y * size,
                w_px=size,
                h_px=size,
                is_rotated=False,
                trim=TrimBox(0, 0, size, size, size, size),
            )
        )
    settings = PackSettings(padding_px=0, extrude_px=0, trim=False, allow_rotation=False, power_of_two=False)
    return Spritesheet(pages=(tileset.atlas,), frames=tuple(frames), settings=settings)


def texturepacker_json(tileset: Tileset, *, image_name: str) -> dict:
    """TexturePacker JSON (Hash) with each frame's bits as frame data (``corners`` + ``wangIndex``, or a
    blob tile's ``neighbours`` + ``blobMask``, or ``background``)."""
    size = tileset.tile_px
    h, w = tileset.atlas.shape[:2]
    frames = {}
    for index, (bits, entry) in enumerate(zip(tileset.bits, tileset.tile_entries(), strict=True)):
        x, y = _tile_xy(tileset, index)
        if isinstance(bits, CornerBits):
            extra = {"wangIndex": index, "corners": entry["corners"]}
        elif isinstance(bits, BlobBits):
            extra = {"blobMask": bits.mask, "neighbours": entry["neighbours"]}
        else:
            extra = {"background": True}
        frames[tile_name(bits, index)] = {
            "frame": {"x": x * size, "y": y * size, "w": size, "h": size},
            "rotated": False,
            "trimmed": False,
            "spriteSourceSize": {"x": 0, "y": 0, "w": size, "h": size},
            "sourceSize": {"w": size, "h": size},
            "pivot": {"x": 0.5, "y": 0.5},
            **extra,
        }
    return {
        "frames": frames,
        "meta": {
            "app": "assetgen",
            "version": "1.0",
            "image": image_name,
            "format": "RGBA8888",
            "size": {"w": w, "h": h},
            "scale": "1",
            "tileset": {
                "layout": tileset.layout,
                "terrains": list(tileset.terrains),
                "tileSize": size,
                **(
                    {
                        "neighbourBits": {
                            "n": 1,
                            "ne": 2,
                            "e": 4,
                            "se": 8,
                            "s": 16,
                            "sw": 32,
                            "w": 64,
                            "nw": 128,
                        }
                    }
                    if tileset.layout == "blob47"
                    else {"cornerBits": {"nw": 1, "ne": 2, "sw": 4, "se": 8}}
                ),
            },
        },
    }


def unity_meta(tileset: Tileset, *, base: str, pixels_per_unit: float | None = None) -> str:
    """A Unity ``.png.meta`` slicing the atlas into one sprite per tile (Multiple sprite mode)."""
    sheet = tileset_sheet(tileset)
    ids = {f.name: stable_internal_id(base, f.name) for f in sheet.frames}
    guids = {f.name: stable_guid(base, "sprite", f.name) for f in sheet.frames}
    return texture_meta(
        sheet,
        0,
        guid=stable_guid(base, "texture"),
        ids=ids,
        sprite_guids=guids,
        pixels_per_unit=float(pixels_per_unit or tileset.tile_px),
    )


def tileset_bundle(tileset: Tileset, *, base: str) -> dict[str, bytes]:
    """Every file of an exported tileset, by file name: the atlas PNG and one file per engine."""
    image = f"{base}.png"
    h, w = tileset.atlas.shape[:2]
    return {
        image: encode_png(tileset.atlas),
        f"{base}.godot4.tres": godot4_tileset_tres(tileset, image_name=image).encode(),
        f"{base}.godot3.tres": godot3_tileset_tres(tileset, image_name=image).encode(),
        f"{base}.tsx": tileset_tsx(
            name=base,
            image_name=image,
            image_w_px=w,
            image_h_px=h,
            tile_px=tileset.tile_px,
            columns=tileset.columns,
            terrains=tileset.terrains,
            tiles=tileset.bits,
        ).encode(),
        f"{base}.json": (json.dumps(texturepacker_json(tileset, image_name=image), indent=2) + "\n").encode(),
        f"{image}.meta": unity_meta(tileset, base=base).encode(),
    }
