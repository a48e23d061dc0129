"""Tileset exports: Godot 3 (loaded by the real headless Godot 3), Godot 4, Tiled, TexturePacker, Unity."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from assetgen.export.tiled import wang_id
from assetgen.export.tileset import godot3_bitmask, tileset_bundle
from assetgen.imaging.blob import blob_table
from assetgen.imaging.tileset import corner_bits
from assetgen.post.tileset import build_tileset
from tests.assetgen.imaging.test_seams import periodic_texture
from tests.godot3_project import Godot3Project

CHECK_SCRIPT = """extends SceneTree
func _init():
    var ts = load("res://terrain.godot3.tres")
    if ts == null:
        print("LOADFAIL")
    else:
        for id in ts.get_tiles_ids():
            print("TILE|", id, "|", ts.tile_get_tile_mode(id), "|", ts.autotile_get_bitmask_mode(id), "|", ts.autotile_get_size(id).x, "|", ts.tile_get_region(id).size.x)
            var cells = ts.tile_get_region(id).size / ts.autotile_get_size(id)
            for y in range(int(cells.y)):
                for x in range(int(cells.x)):
                    print("BIT|", x, "|", y, "|", ts.autotile_get_bitmask(id, Vector2(x, y)))
    quit()
"""


@pytest.fixture(scope="module")
def bundle() -> dict[str, bytes]:
    tileset = build_tileset(
        periodic_texture(32, seed=1), periodic_texture(32, seed=2), terrains=("grass", "dirt")
    )
    return tileset_bundle(tileset, base="terrain")


def test_bundle_files(bundle: dict[str, bytes]) -> None:
    assert set(bundle) == {
        "terrain.png",
        "terrain.godot4.tres",
        "terrain.godot3.tres",
        "terrain.tsx",
        "terrain.json",
        "terrain.png.meta",
    }


def run_godot3(bundle: dict[str, bytes], tmp_path: Path) -> str:
    """Load terrain.godot3.tres in the headless Godot 3; its printout (fails on LOADFAIL)."""
    project = Godot3Project(tmp_path, CHECK_SCRIPT)
    project.add_files(bundle)
    result = project.run_script()
    assert "LOADFAIL" not in result.stdout, result.stdout + result.stderr
    return result.stdout + result.stderr


def test_godot3_loads_the_tileset_with_16_tiles_and_bits(bundle: dict[str, bytes], tmp_path: Path) -> None:
    out = run_godot3(bundle, tmp_path)
    tiles = re.findall(r"^TILE\|(\d+)\|(\d+)\|(\d+)\|(\d+)\|(\d+)$", out, re.M)
    assert tiles == [("0", "1", "0", "32", "128")], out  # one autotile, 2x2 mode, 32 px
    bits = {(int(x), int(y)): int(v) for x, y, v in re.findall(r"^BIT\|(\d)\|(\d)\|(\d+)$", out, re.M)}
    assert len(bits) == 16
    for index in range(16):
        y, x = divmod(index, 4)
        assert bits[(x, y)] == godot3_bitmask(corner_bits(index)), index
    assert sorted(bits.values()) == sorted({godot3_bitmask(corner_bits(i)) for i in range(16)})


def test_godot4_tres_has_a_corner_terrain_set(bundle: dict[str, bytes]) -> None:
    text = bundle["terrain.godot4.tres"].decode()
    assert text.startswith('[gd_resource type="TileSet"') and "format=3" in text.splitlines()[0]
    assert "terrain_set_0/mode = 1" in text and 'terrain_set_0/terrain_1/name = "dirt"' in text
    assert "1:2/0/terrains_peering_bit/top_left_corner = 1" in text  # tile 9 = NW + SE
    assert "1:2/0/terrains_peering_bit/bottom_right_corner = 1" in text
    assert "1:2/0/terrains_peering_bit/top_right_corner = 0" in text
    assert len(re.findall(r"^\d:\d/0 = 0$", text, re.M)) == 16


def test_tiled_tsx_has_a_corner_wang_set(bundle: dict[str, bytes]) -> None:
    root = ET.fromstring(bundle["terrain.tsx"])
    assert root.get("tilecount") == "16" and root.get("columns") == "4" and root.get("tilewidth") == "32"
    wangset = root.find("wangsets/wangset")
    assert wangset is not None and wangset.get("type") == "corner"
    assert [c.get("name") for c in wangset.findall("wangcolor")] == ["grass", "dirt"]
    ids = {int(t.get("tileid")): t.get("wangid") for t in wangset.findall("wangtile")}
    assert len(ids) == 16 and ids[0] == "0,1,0,1,0,1,0,1" and ids[15] == "0,2,0,2,0,2,0,2"
    assert ids[1] == wang_id(corner_bits(1)) == "0,1,0,1,0,1,0,2"  # only the top-left corner is dirt


def test_texturepacker_json_carries_the_corner_bits(bundle: dict[str, bytes]) -> None:
    data = json.loads(bundle["terrain.json"])
    assert len(data["frames"]) == 16 and data["meta"]["image"] == "terrain.png"
    frame = data["frames"]["tile_09_nw1_ne0_sw0_se1"]
    assert frame["frame"] == {"x": 32, "y": 64, "w": 32, "h": 32}
    assert frame["corners"] == {"nw": 1, "ne": 0, "sw": 0, "se": 1} and frame["wangIndex"] == 9
    assert data["meta"]["tileset"]["terrains"] == ["grass", "dirt"]


def test_unity_meta_slices_one_sprite_per_tile(bundle: dict[str, bytes]) -> None:
    text = bundle["terrain.png.meta"].decode()
    assert text.count("serializedVersion: 2\n      name:") == 16
    assert "tile_15_nw1_ne1_sw1_se1" in text and "spriteMode: 2" in text


@pytest.fixture(scope="module")
def blob_bundle() -> dict[str, bytes]:
    tileset = build_tileset(
        periodic_texture(32, seed=1),
        periodic_texture(32, seed=2),
        terrains=("grass", "path"),
        layout="blob47",
    )
    assert tileset.edge_mismatch_px == 0 and len(tileset.tiles) == 48
    return tileset_bundle(tileset, base="terrain")


def test_godot3_loads_the_blob_tileset_with_48_tiles_and_3x3_bits(blob_bundle, tmp_path: Path) -> None:
    out = run_godot3(blob_bundle, tmp_path)
    tiles = re.findall(r"^TILE\|(\d+)\|(\d+)\|(\d+)\|(\d+)\|(\d+)$", out, re.M)
    assert tiles == [("0", "1", "1", "32", "256")], out  # one autotile, 3x3 minimal, 8 x 6 tiles of 32 px
    bits = {(int(x), int(y)): int(v) for x, y, v in re.findall(r"^BIT\|(\d)\|(\d)\|(\d+)$", out, re.M)}
    table = blob_table()
    for index, blob in enumerate(table):
        y, x = divmod(index, 8)
        assert bits[(x, y)] == godot3_bitmask(blob) and bits[(x, y)] & 16, index  # centre bit always set
    assert bits[(7, 5)] == 0, "the background tile"
    assert len({v for (x, y), v in bits.items() if y * 8 + x < 47}) == 47, "47 distinct bitmasks"


def test_blob_godot4_tiled_and_texturepacker(blob_bundle) -> None:
    text = blob_bundle["terrain.godot4.tres"].decode()
    assert "terrain_set_0/mode = 0" in text  # match corners and sides
    assert "6:5/0/terrains_peering_bit/top_side = 1" in text and "6:5/0/terrain = 1" in text  # tile 46 = full
    assert "7:5/0/terrain = 0" in text and "7:5/0/terrains_peering_bit/right_side = 0" in text  # background
    root = ET.fromstring(blob_bundle["terrain.tsx"])
    wangset = root.find("wangsets/wangset")
    assert wangset is not None and wangset.get("type") == "mixed" and root.get("tilecount") == "48"
    ids = {int(t.get("tileid")): t.get("wangid") for t in wangset.findall("wangtile")}
    assert ids[46] == "2,2,2,2,2,2,2,2" and ids[47] == "1,1,1,1,1,1,1,1" and ids[0] == "1,1,1,1,1,1,1,1"
    frames = json.loads(blob_bundle["terrain.json"])["frames"]
    assert frames["blob_46_m255"]["neighbours"]["ne"] == 1 and frames["blob_47_background"]["background"]
