"""Benchmark: seam ratio with and without Make Tileable (same seeds), time per tile and per tileset.

    .venv/bin/python tools/bench_tiles.py [--variants 6] [--size 128] [--no-write] [--pictures]

Starts the managed ComfyUI on a scratch copy of the demo project, generates the same cobblestone tile spec
on the texture stand-in (ckpt_sd15_texture_demo) twice with the same seeds: through txt2img_tileable
(Make Tileable) and through plain txt2img. Reports the seam ratio per axis, the share passing the seam
check (ratio <= 1.15 and full-bleed), seconds per tile in each mode (and their ratio), then the seconds
for one 16-tile Wang set (2 terrains + 14 band inpaints) against composing the same set without
inpainting, and for one 47-tile blob set. Writes its section of BENCHMARKS.md; --pictures also writes the docs pictures of
docs/pipeline/tiles.md (3x3 repeats with and without the node, the tileset atlas).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import numpy as np
from benchmarks_file import write_section
from PIL import Image

from assetgen.generation.plan import plan_generation
from assetgen.generation.workflows import load_template, prompt_for_batch, titles_by_node
from assetgen.image_files import decode_rgba
from assetgen.imaging.seams import measure_seams, repeat_grid
from assetgen.imaging.tileset import compose_wang_tiles
from assetgen.models import AssetSpec
from assetgen.settings import REPO_DIR, Settings
from assetgen.store import ProjectStore
from orchestrator import comfy_process
from orchestrator.comfy_client import ComfyClient, output_files
from orchestrator.tileset_runner import generate_tileset

SECTION = "bench_tiles"
PICTURES = REPO_DIR / "docs" / "pipeline" / "img"


def write_spec(store: ProjectStore, spec_id: str, *, output: dict, size: int, base_seed: int = 9000) -> None:
    base = store.read("demo", "specs", "potion_icon").model_dump(mode="json", by_alias=True)
    base.update(
        {
            "id": spec_id,
            "title": "Cobblestone floor tile",
            "assetType": "tile",
            "tags": ["assetType:tile"],
            "prompt": {"positive": "grey cobblestone floor", "negative": ""},
            "checkpointId": "ckpt_sd15_texture_demo",
            "seedPolicy": {"mode": "fixed", "baseSeed": base_seed},
            "output": output,
            "qualityContract": {"backgroundPolicy": "any"},
            "generationParams": {**base["generationParams"], "width": size, "height": size},
        }
    )
    store.write("demo", "specs", AssetSpec.model_validate(base))


async def run_variants(url: str, plan) -> tuple[list[np.ndarray], list[float]]:
    """Every variant of ``plan`` as its own prompt (so each is timed alone)."""
    template = load_template(plan.template_id)
    save = titles_by_node(template)["Save Variants"]
    images, seconds = [], []
    async with aiohttp.ClientSession() as session:
        client = ComfyClient(url, session)
        for index in range(len(plan.seeds)):
            prompt = prompt_for_batch(
                template,
                plan,
                variant_indices=[index],
                variant_ids=[f"b{plan.spec_id}{index}"],
                job_id="bench",
            )
            started = time.perf_counter()
            entry = await client.wait(await client.submit(prompt))
            seconds.append(time.perf_counter() - started)
            images.append(decode_rgba(await client.view(output_files(entry, save, "images")[0])))
    return images, seconds


def summarise(images: list[np.ndarray]) -> dict[str, float]:
    measures = [measure_seams(image) for image in images]
    x = [m[0].ratio for m in measures]
    y = [m[1].ratio for m in measures]
    return {
        "x_mean": statistics.mean(x),
        "x_max": max(x),
        "y_mean": statistics.mean(y),
        "y_max": max(y),
        "full_bleed": statistics.mean(all(a.is_full_bleed for a in m) for m in measures),
        "passing": statistics.mean(all(a.passes(1.15) for a in m) for m in measures),
    }


def save_picture(path: Path, image: np.ndarray, *, scale: int = 1) -> None:
    picture = Image.fromarray(image[:, :, :3])
    if scale != 1:
        picture = picture.resize((picture.width * scale, picture.height * scale), Image.Resampling.NEAREST)
    path.parent.mkdir(parents=True, exist_ok=True)
    picture.save(path, optimize=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", type=int, default=6, help="variants per block (two blocks per mode)")
    parser.add_argument("--size", type=int, default=128)
    parser.add_argument("--no-write", action="store_true", help="print only, leave BENCHMARKS.md alone")
    parser.add_argument("--pictures", action="store_true", help="also write the docs pictures")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "data"
        shutil.copytree(REPO_DIR / "data" / "projects" / "demo", root / "projects" / "demo")
        settings = Settings.from_env(data_dir=root)
        store = ProjectStore(root)
        write_spec(store, "bench_tile", output={"kind": "single_image"}, size=args.size)
        write_spec(store, "bench_plain", output={"kind": "single_image", "tileable": False}, size=args.size)
        write_spec(
            store,
            "bench_set",
            output={"kind": "tileset", "tileset": {"terrains": ["grass", "dirt"], "tilePx": 64, "ringPx": 2}},
            size=args.size,
        )
        write_spec(
            store,
            "bench_blob",
            output={
                "kind": "tileset",
                "tileset": {"terrains": ["grass", "path"], "layout": "blob47", "tilePx": 64, "ringPx": 2},
            },
            size=args.size,
            base_seed=9500,  # its own seeds: nothing of the corner set's run may come from ComfyUI's cache
        )
        state = comfy_process.start(settings, timeout_s=240)
        load_before = os.getloadavg()[0]
        try:
            warm = plan_generation(
                store, "demo", "bench_plain", variants=1, seed_offset=9
            )  # seeds unused below
            asyncio.run(run_variants(state.url, warm))
            # Two blocks per mode with new seeds each (an identical prompt would come from ComfyUI's cache),
            # alternating, so both modes see the same (shared, changing) machine load.
            plain, plain_s, tiled, tiled_s = [], [], [], []
            for block in range(2):
                tiled_plan = plan_generation(
                    store, "demo", "bench_tile", variants=args.variants, seed_offset=block
                )
                plain_plan = plan_generation(
                    store, "demo", "bench_plain", variants=args.variants, seed_offset=block
                )
                assert tiled_plan.seeds == plain_plan.seeds
                images, seconds = asyncio.run(run_variants(state.url, plain_plan))
                plain += images
                plain_s += seconds
                images, seconds = asyncio.run(run_variants(state.url, tiled_plan))
                tiled += images
                tiled_s += seconds

            async def tileset(spec_id: str):
                async with aiohttp.ClientSession() as session:
                    client = ComfyClient(state.url, session)
                    return await generate_tileset(client, store, "demo", spec_id, job_id=f"bench-{spec_id}")

            started = time.perf_counter()
            built = asyncio.run(tileset("bench_set"))
            set_s = time.perf_counter() - started
            started = time.perf_counter()
            blob = asyncio.run(tileset("bench_blob"))
            blob_s = time.perf_counter() - started
            started = time.perf_counter()
            compose_wang_tiles(built.tiles[0], built.tiles[15], ring_px=2)
            compose_s = time.perf_counter() - started
        finally:
            comfy_process.stop(settings)
        load_after = os.getloadavg()[0]

    with_node, without = summarise(tiled), summarise(plain)
    tile_with, tile_without = statistics.median(tiled_s), statistics.median(plain_s)
    lines = [
        "## Seamless tiles and terrain sets (Make Tileable, assetgen.imaging.seams)",
        "",
        f"`tools/bench_tiles.py`: the same tile spec on the texture stand-in (ckpt_sd15_texture_demo), "
        f"2 x {args.variants} variants of {args.size}x{args.size}, 8 steps, the same seeds with and without Make "
        "Tileable, on the managed CPU ComfyUI. Seam ratio = wrap-around colour step / neighbouring interior "
        "step (1.0 = no seam); passing = ratio <= 1.15 on both axes and a full-bleed border.",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"load average {load_before:.1f} -> {load_after:.1f} during the run (shared machine).",
        "",
        "| mode | seam x mean | x max | seam y mean | y max | full-bleed | passing | s per tile |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, s, seconds in (
        ("without Make Tileable (baseline)", without, tile_without),
        ("with Make Tileable", with_node, tile_with),
    ):
        lines.append(
            f"| {name} | {s['x_mean']:.3f} | {s['x_max']:.3f} | {s['y_mean']:.3f} | {s['y_max']:.3f} "
            f"| {s['full_bleed']:.0%} | {s['passing']:.0%} | {seconds:.2f} |"
        )
    lines += [
        "",
        f"Time per tile with the node / without: {tile_with / tile_without:.2f}x (median of {2 * args.variants} "
        f"prompts per mode, in alternating blocks of {args.variants}; the load changes during the run).",
        f"One 16-tile Wang 2-corner set (64 px: 2 terrains + 14 band inpaints, edges differing: "
        f"{built.edge_mismatch_px} px): {set_s:.1f} s, {set_s / 16:.2f} s per tile; composing the same set "
        f"without inpainting: {compose_s * 1000:.1f} ms ({set_s / max(compose_s, 1e-9):.0f}x faster, no new pixels).",
        f"One 47-tile blob set + background (64 px: 2 terrains + the band inpaints, {blob.regenerated_band_px} "
        f"band px repainted, edges differing: {blob.edge_mismatch_px} px): "
        f"{blob_s:.1f} s, {blob_s / 48:.2f} s per tile.",
    ]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        write_section(SECTION, text)
        print(f"\nwrote section {SECTION!r} of BENCHMARKS.md")
    if args.pictures:
        gap = np.full((tiled[0].shape[0] * 3, 8, 4), 255, np.uint8)
        save_picture(
            PICTURES / "tiles_repeat.png",
            np.concatenate([repeat_grid(plain[0]), gap, repeat_grid(tiled[0])], axis=1),
        )
        save_picture(PICTURES / "tiles_tileset.png", built.atlas, scale=2)
        save_picture(PICTURES / "tiles_blob.png", blob.atlas)
        print(f"wrote {PICTURES}/tiles_repeat.png, tiles_tileset.png and tiles_blob.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
