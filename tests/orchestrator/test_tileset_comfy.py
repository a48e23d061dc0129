"""A 16-tile terrain set from the texture stand-in on the real managed ComfyUI: seamless terrains, bands
repainted by inpainting, every legal shared edge identical, and headless Godot 3 loads the export."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
from pathlib import Path

import aiohttp
import numpy as np
import pytest

from assetgen.export.tileset import godot3_bitmask, tileset_bundle
from assetgen.image_files import encode_png, read_rgba
from assetgen.imaging.blob import blob_edge_mismatch_pixels
from assetgen.imaging.seams import measure_seams, repeat_grid
from assetgen.imaging.tileset import compose_wang_tiles, corner_bits, edge_mismatch_pixels
from assetgen.models import AssetSpec
from assetgen.store import ProjectStore
from orchestrator.cli import main
from orchestrator.comfy_client import ComfyClient
from orchestrator.tileset_runner import generate_tileset
from tests.assetgen.export.test_tileset import CHECK_SCRIPT, run_godot3
from tests.conftest import DEMO_PROJECT
from tests.godot3_project import Godot3Project

pytestmark = pytest.mark.comfy


def tileset_spec(store: ProjectStore) -> AssetSpec:
    base = store.read("demo", "specs", "potion_icon").model_dump(mode="json", by_alias=True)
    base.update(
        {
            "id": "meadow_tileset",
            "title": "Grass to dirt terrain set",
            "assetType": "tile",
            "tags": ["assetType:tile"],
            "prompt": {"positive": "top-down ground texture", "negative": ""},
            "checkpointId": "ckpt_sd15_texture_demo",
            "seedPolicy": {"mode": "fixed", "baseSeed": 31},
            "output": {
                "kind": "tileset",
                "tileset": {"terrains": ["grass", "dirt"], "tilePx": 64, "ringPx": 2},
            },
            "qualityContract": {"backgroundPolicy": "any"},
        }
    )
    spec = AssetSpec.model_validate(base)
    store.write("demo", "specs", spec)
    return spec


def test_a_generated_tileset_has_identical_edges_and_loads_in_godot3(
    comfy_env, artifacts_dir: Path, tmp_path: Path
) -> None:
    settings, state = comfy_env
    store = ProjectStore(settings.data_dir)
    tileset_spec(store)

    async def run():
        async with aiohttp.ClientSession() as session:
            return await generate_tileset(ComfyClient(state.url, session), store, "demo", "meadow_tileset")

    tileset = asyncio.run(run())
    assert tileset_bundle(tileset, base="x").keys() >= {"x.png", "x.godot3.tres"}
    assert len(tileset.tiles) == 16 and tileset.tile_px == 64
    assert tileset.edge_mismatch_px == 0 and edge_mismatch_pixels(list(tileset.tiles), ring_px=2) == 0
    assert tileset.regenerated_band_px > 0
    composed = compose_wang_tiles(tileset.tiles[0], tileset.tiles[15], ring_px=2)
    changed = sum(int(np.any(a != b)) for a, b in zip(composed, tileset.tiles, strict=True))
    assert changed == 14, "every transition tile's band was repainted, the two pure tiles were not"
    for pure in (tileset.tiles[0], tileset.tiles[15]):
        assert all(m.ratio <= 1.05 and m.is_full_bleed for m in measure_seams(pure))
    (artifacts_dir / "tileset.png").write_bytes(encode_png(tileset.atlas))
    (artifacts_dir / "grass_3x3.png").write_bytes(encode_png(repeat_grid(tileset.tiles[0])))
    (artifacts_dir / "record.json").write_text(json.dumps(tileset.record(), indent=2))

    project = Godot3Project(tmp_path, CHECK_SCRIPT)
    project.add_files(tileset_bundle(tileset, base="terrain"))
    result = project.run_script()
    out = result.stdout
    assert re.findall(r"^TILE\|(\d+)\|(\d+)\|(\d+)\|(\d+)\|(\d+)$", out, re.M) == [
        ("0", "1", "0", "64", "256")
    ], out
    bits = {(int(x), int(y)): int(v) for x, y, v in re.findall(r"^BIT\|(\d)\|(\d)\|(\d+)$", out, re.M)}
    assert {(i % 4, i // 4): godot3_bitmask(corner_bits(i)) for i in range(16)} == bits


def test_tile_generate_runs_a_tileset_job_and_stores_the_set(
    comfy_env, tmp_path: Path, monkeypatch, capsys
) -> None:
    _, state = comfy_env
    root = tmp_path / "data"
    shutil.copytree(DEMO_PROJECT, root / "projects" / "demo")
    store = ProjectStore(root)
    tileset_spec(store)
    monkeypatch.setenv("COMFYUI_URL", state.url)
    code = main(["--data-dir", str(root), "--json", "tile", "generate", "demo", "meadow_tileset", "--wait"])
    job = json.loads(capsys.readouterr().out)
    assert code == 0, job.get("error")
    out = job["output"]
    assert job["type"] == "tileset" and out["edgeMismatchPx"] == 0 and out["regeneratedBandPx"] > 0
    folder = store.resolve(out["tilesetDir"])
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [f"meadow_tileset{s}" for s in (".png", ".godot4.tres", ".godot3.tres", ".tsx", ".json", ".png.meta")]
        + ["tileset.json"]
    )
    record = json.loads((folder / "tileset.json").read_text())
    assert record["specId"] == "meadow_tileset" and len(record["tiles"]) == 16
    atlas = read_rgba(store.resolve(out["atlasPath"]))
    tiles = [atlas[y * 64 : (y + 1) * 64, x * 64 : (x + 1) * 64] for y in range(4) for x in range(4)]
    assert edge_mismatch_pixels(tiles, ring_px=2) == 0
    assert main(["--data-dir", str(root), "tile", "generate", "demo", "potion_icon"]) == 2
    assert "is not a tileset" in capsys.readouterr().err


def test_a_generated_blob_set_has_identical_edges_and_loads_in_godot3(comfy_env, tmp_path: Path) -> None:
    settings, state = comfy_env
    store = ProjectStore(settings.data_dir)
    spec = tileset_spec(store)
    data = spec.model_dump(mode="json", by_alias=True)
    data["id"] = "path_blob"
    data["output"]["tileset"] = {"terrains": ["grass", "path"], "layout": "blob47", "tilePx": 64, "ringPx": 2}
    store.write("demo", "specs", AssetSpec.model_validate(data))

    async def run():
        async with aiohttp.ClientSession() as session:
            return await generate_tileset(ComfyClient(state.url, session), store, "demo", "path_blob")

    tileset = asyncio.run(run())
    assert tileset.layout == "blob47" and len(tileset.tiles) == 48
    assert tileset.edge_mismatch_px == 0 and blob_edge_mismatch_pixels(list(tileset.tiles)) == 0
    assert tileset.regenerated_band_px > 0
    out = run_godot3(tileset_bundle(tileset, base="terrain"), tmp_path)
    bits = re.findall(r"^BIT\|(\d)\|(\d)\|(\d+)$", out, re.M)
    assert len(bits) == 48 and len({v for x, y, v in bits if (int(y) * 8 + int(x)) < 47}) == 47
