"""Pixel art at the edges: ``assetgen pixelate`` / ``pixelate-asset``, the ``pixelate`` job in a chain
(bg_remove -> pixelate -> atlas_pack -> export) and ``POST .../assets/{id}/pixelate``."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assetgen.image_files import decode_rgba, encode_png, read_rgba
from assetgen.imaging.palette import parse_hex_colors
from assetgen.imaging.pixel_art import grid_mismatch_px, non_binary_alpha_px, palette_conformity
from assetgen.jobs import create_job, list_jobs
from assetgen.settings import Settings
from assetgen.store import ProjectStore
from orchestrator.api import create_app
from tests.assetgen.imaging.alpha_testset import make_case
from tests.orchestrator.test_worker import run_worker_once
from tests.orchestrator.worker_helpers import add_sprite_asset


def cli(*args: str, data_dir: Path | None = None) -> subprocess.CompletedProcess[str]:
    prefix = ["--data-dir", str(data_dir)] if data_dir else []
    return subprocess.run(
        [sys.executable, "-m", "orchestrator.cli", *prefix, *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def images(tmp_path: Path) -> list[Path]:
    paths = []
    for index, kind in enumerate(("white", "gradient", "saturated")):
        case = make_case(kind, index, size=96)
        cutout = case.rgba.copy()
        cutout[..., 3] = np.round(case.alpha * 255).astype(np.uint8)
        path = tmp_path / "in" / f"{kind}.png"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(encode_png(cutout))
        paths.append(path)
    return paths


def test_cli_pixelates_files_with_one_palette(tmp_path: Path, images: list[Path]) -> None:
    palette_file = tmp_path / "p.gpl"
    palette_file.write_text("GIMP Palette\nName: p\n0 0 0\n255 255 255\n200 60 40\n40 90 200\n")
    out = tmp_path / "out"
    result = cli(
        "--json", "pixelate", str(images[0].parent), "--out", str(out), "--size", "24x24",
        "--palette", str(palette_file), "--outline", "--dither", "bayer4", "--preview-scale", "4",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    palette = parse_hex_colors(report["palette"])
    assert report["paletteSource"] == "file:p.gpl" and report["failed"] == 0 and len(report["files"]) == 3
    for entry in report["files"]:
        art = read_rgba(Path(entry["output"]))
        assert art.shape == (24, 24, 4) and entry["paletteConformity"] == 1.0
        assert palette_conformity(art, palette) == 1.0 and non_binary_alpha_px(art) == 0
        assert grid_mismatch_px(read_rgba(Path(entry["preview"])), 4) == 0


def test_cli_detects_the_grid_or_warns_that_there_is_none(tmp_path: Path, images: list[Path]) -> None:
    rng = np.random.default_rng(5)
    art = np.dstack([rng.integers(0, 4, (12, 10, 3)) * 80, np.full((12, 10), 255)]).astype(np.uint8)
    upscaled = tmp_path / "art.png"
    upscaled.write_bytes(encode_png(np.repeat(np.repeat(art, 6, axis=0), 6, axis=1)))
    result = cli("--json", "pixelate", str(upscaled), str(images[1]), "--out", str(tmp_path / "o"),
                 "--palette", "anchor", "--max-colors", "64")  # fmt: skip
    assert result.returncode == 0, result.stderr
    detected, smooth = json.loads(result.stdout)["files"]
    assert detected["detectedGrid"] == 6 and detected["size"] == {"w": 10, "h": 12}
    assert "warning" not in detected and "no pixel grid" in smooth["warning"]
    assert np.array_equal(read_rgba(Path(detected["output"])), art)


def test_cli_anchor_palette_is_shared_by_all_inputs(tmp_path: Path, images: list[Path]) -> None:
    result = cli("--json", "pixelate", *map(str, images), "--out", str(tmp_path / "o"), "--grid", "4",
                 "--palette", "anchor", "--max-colors", "6")  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    palette = parse_hex_colors(report["palette"])
    assert len(palette) <= 6 and report["paletteSource"].startswith("anchor:")
    for entry in report["files"]:
        assert palette_conformity(read_rgba(Path(entry["output"])), palette) == 1.0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--palette", "forest"], "add --project"),
        (["--palette", "anchor", "--grid", "0"], "grid must be"),
        (["--palette", "#12"], "not #RRGGBB"),
        (["--palette", "missing.gpl"], "no such palette file"),
        (["--palette", "anchor", "--size", "9x"], "WxH"),
        (["--palette", "anchor", "--size", "999x999"], "larger than"),
    ],
)
def test_cli_bad_input_is_one_line_and_exit_2(
    tmp_path: Path, images: list[Path], args: list[str], message: str
) -> None:
    result = cli("pixelate", str(images[0]), "--out", str(tmp_path / "o"), *args)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in result.stderr


def test_cli_catalog_palette_and_pixelate_asset(demo_store: ProjectStore, tmp_path: Path, images) -> None:
    result = cli("pixelate", str(images[0]), "--out", str(tmp_path / "o"), "--grid", "4",
                 "--palette", "warm", "--project", "demo", data_dir=demo_store.root)  # fmt: skip
    assert result.returncode == 0, result.stderr
    add_sprite_asset(demo_store, "demo", "slime", variants=2)
    done = cli("--json", "pixelate-asset", "demo", "slime", "--grid", "6", "--palette", "cool",
               data_dir=demo_store.root)  # fmt: skip
    assert done.returncode == 0, done.stderr
    output = json.loads(done.stdout)
    assert output["paletteSource"] == "catalog:cool" and output["variantIds"] == ["slime-v1", "slime-v2"]
    assert output["results"][0]["source"] == "original" and output["results"][0]["size"] == {"w": 8, "h": 8}


def test_job_chain_bg_remove_pixelate_pack_export(demo_store: ProjectStore) -> None:
    add_sprite_asset(demo_store, "demo", "slime", variants=3)
    frames = [{"assetId": "slime", "variantId": f"slime-v{i}"} for i in (1, 2, 3)]
    export = {"type": "export", "input": {"profileId": "unity", "atlasIds": ["$output.atlasId"]}}
    pack = {"type": "atlas_pack", "input": {"atlasId": "slime_px", "frames": frames, "nextJobs": [export]}}
    pixelate = {
        "type": "pixelate",
        "input": {"assetId": "$output.assetId", "variantIds": "$output.variantIds",
                  "settings": {"gridPx": 4, "palette": "anchor", "maxColors": 4}, "nextJobs": [pack]},
    }  # fmt: skip
    create_job(demo_store, "demo", "bg_remove", {"assetId": "slime", "nextJobs": [pixelate]})
    run_worker_once(demo_store)
    jobs = {j.type: j for j in list_jobs(demo_store, "demo")}
    assert {j.status for j in jobs.values()} == {"succeeded"}, {t: j.error for t, j in jobs.items()}
    palette = parse_hex_colors(jobs["pixelate"].output["palette"])
    page = read_rgba(demo_store.root / "projects/demo/files/atlases/slime_px/atlas.png")
    assert palette_conformity(page, palette) == 1.0 and non_binary_alpha_px(page) == 0
    assert page.shape[0] < 48, "the atlas packs the 12x12 pixel images, not the 48x48 cut-outs"
    export_dir = demo_store.root / jobs["export"].output["exportPath"]
    assert "filterMode: 0" in (export_dir / "slime_px.png.meta").read_text()


def test_bad_pixelate_job_input_is_refused_when_submitted(demo_store: ProjectStore) -> None:
    from assetgen.errors import InvalidInput

    with pytest.raises(InvalidInput, match="pixelate job input"):
        create_job(demo_store, "demo", "pixelate", {"assetId": "slime", "settings": {"dither": "floyd"}})


async def test_rest_pixelate_queues_one_job(aiohttp_client, demo_store: ProjectStore) -> None:
    add_sprite_asset(demo_store, "demo", "slime", variants=2)
    client = await aiohttp_client(create_app(Settings.from_env(data_dir=demo_store.root)))
    url = "/api/projects/demo/assets/slime/pixelate"
    response = await client.post(url, json={"settings": {"gridPx": 4, "palette": "warm"}})
    assert response.status == 201, await response.text()
    jobs = (await response.json())["jobs"]
    assert (
        len(jobs) == 1 and jobs[0]["type"] == "pixelate" and jobs[0]["input"]["settings"]["palette"] == "warm"
    )
    for body, status in (
        ({"variantIds": ["nope"]}, 404),
        ({"variantIds": ["../x"]}, 400),
        ({"settings": {"gridPx": 0}}, 400),
        ({"settings": {"size": {"w": 0, "h": 8}}}, 400),
    ):
        bad = await client.post(url, json=body)
        assert bad.status == status, await bad.text()
        assert "error" in await bad.json()
    assert (await client.post("/api/projects/demo/assets/..%2Fx/pixelate", json={})).status in (400, 404)
    await asyncio.to_thread(run_worker_once, demo_store)
    asset = demo_store.read("demo", "assets", "slime")
    pixel = asset.versions[0].variants[0].pixel_path
    assert pixel and decode_rgba((demo_store.root / pixel).read_bytes()).shape == (12, 12, 4)
