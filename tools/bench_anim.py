"""Benchmark: anchor-frame animation vs independent variants, in one run, on the demo checkpoint.

    .venv/bin/python tools/bench_anim.py [--frames 8]

One managed ComfyUI (CPU). The demo walk spec (side view, ``--frames`` frames) is made twice from the
same seeds: (1) independent variants, what the pipeline did before: one txt2img variant per frame with the
spec's derived seeds; (2) the anchor path: the first of those seeds makes the anchor, and every frame is
image-to-image from it with its pose guide (pose VAE), then aligned on one pivot. For both, every frame is
cut out (colorkey) and scored against the strip's anchor (variant 1 for the independent strip) with
``assetgen.imaging.consistency`` (pose mannequin as the silhouette target), and the strip's jitter is
measured: the spread of the feet line (bottom of the opaque box) and of the root x (box centre, or the
pose's pelvis after alignment). Writes its section of BENCHMARKS.md.
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
from benchmarks_file import write_section

from assetgen.generation.anchor_frames import plan_anchor_frames
from assetgen.generation.plan import plan_generation
from assetgen.image_files import read_rgba
from assetgen.imaging.alpha import remove_background
from assetgen.imaging.consistency import frame_consistency
from assetgen.imaging.frame_alignment import align_frames, strip_jitter
from assetgen.imaging.poses import BACKGROUND_DEFAULT, mannequin_mask, pose_guides
from assetgen.models.registry import WeightsRef
from assetgen.review.decisions import set_primary
from assetgen.settings import REPO_DIR, Settings
from assetgen.store import ProjectStore
from orchestrator import comfy_process
from orchestrator.comfy_client import ComfyClient
from orchestrator.generation_runner import generate_anchor_frames, generate_variants

SECTION = "bench_anim"
SPEC = "hero_knight_walk"


def prepare(store: ProjectStore, frames: int) -> None:
    spec = store.read("demo", "specs", SPEC)
    output = spec.output.model_copy(deep=True)
    output.directions = None
    output.animation = output.animation.model_copy(update={"pose": "walk", "frame_count": frames})
    store.write("demo", "specs", spec.model_copy(update={"output": output}))
    checkpoint = store.read("demo", "checkpoints", "ckpt_sd15_demo")
    checkpoint.vae_weights = WeightsRef(path="vae_demo_pose.safetensors")
    store.write("demo", "checkpoints", checkpoint)


async def make_strips(url: str, store: ProjectStore, frames: int) -> tuple[list, list, float, float]:
    async with aiohttp.ClientSession() as session:
        client = ComfyClient(url, session)
        plan = plan_generation(store, "demo", SPEC, variants=frames, random_seed=20261128)
        started = time.perf_counter()
        independent = await generate_variants(client, store, plan, job_id="independent")
        t_independent = time.perf_counter() - started
        anchor_plan = plan_generation(store, "demo", SPEC, variants=1, random_seed=20261128)
        anchor = await generate_variants(client, store, anchor_plan, job_id="anchor")
        set_primary(store, "demo", SPEC, anchor["primaryVariantId"], by="bench")
        started = time.perf_counter()
        frames_plan = plan_anchor_frames(store, "demo", SPEC)
        anchored = await generate_anchor_frames(client, store, frames_plan, job_id="anchored")
        t_anchor = time.perf_counter() - started
    asset = store.read("demo", "assets", SPEC)
    by_version = {v.id: v for v in asset.versions}
    del independent, anchored
    ind = [read_rgba(store.resolve(v.original_path)) for v in by_version["independent"].variants]
    anc = [read_rgba(store.resolve(v.original_path)) for v in by_version["anchored"].variants]
    if not len(ind) == len(anc) == frames:
        raise SystemExit(f"bench: expected {frames} frames per strip, got {len(ind)} and {len(anc)}")
    return ind, anc, t_independent, t_anchor


def measure(
    originals: list, *, anchor_original, guides, roots=None, grounds=None, align=False, skip_first=False
) -> dict:
    """Consistency parts and jitter of a strip; ``skip_first`` leaves out a frame that is the anchor itself."""
    cutouts = [remove_background(image, method="colorkey").rgba for image in originals]
    anchor = remove_background(anchor_original, method="colorkey").rgba
    results = [
        frame_consistency(c, anchor, guide_mask=mannequin_mask(g.mannequin, BACKGROUND_DEFAULT))
        for c, g in zip(cutouts, guides, strict=True)
    ][1 if skip_first else 0 :]
    if align:
        strip = align_frames(cutouts, root_x_px=roots, ground_y_px=grounds)
        moved = [r + dx for r, (dx, _) in zip(roots, strip.offsets_px, strict=True)]
        jitter = strip_jitter(strip.frames, root_x_px=moved)
    else:
        jitter = strip_jitter(cutouts)
    return {
        "mean": statistics.mean(r.score for r in results),
        "min": min(r.score for r in results),
        "ssim": statistics.mean(r.ssim for r in results),
        "palette": statistics.mean(r.palette_distance for r in results),
        "iou": statistics.mean(r.silhouette_iou for r in results),
        "baseline": jitter.baseline_px,
        "root": jitter.root_px,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "data"
        shutil.copytree(REPO_DIR / "data" / "projects" / "demo", root / "projects" / "demo")
        settings = Settings.from_env({**os.environ, "OMP_NUM_THREADS": "1"}, data_dir=root)
        store = ProjectStore(root)
        prepare(store, args.frames)
        state = comfy_process.start(settings)
        try:
            ind, anc, t_ind, t_anc = asyncio.run(make_strips(state.url, store, args.frames))
        finally:
            comfy_process.stop(settings)
        guides = pose_guides("walk", frames=args.frames, directions=["e"], width=128, height=128)
        anchor_image = read_rgba(
            store.resolve(
                next(v for v in store.read("demo", "assets", SPEC).versions if v.id == "anchor")
                .variants[0]
                .original_path
            )
        )
        before = measure(ind, anchor_original=ind[0], guides=guides, skip_first=True)
        # Frame-to-frame identity: every frame against the strip's own first frame (both strips alike).
        ind_self = before["mean"]
        anc_self = measure(anc, anchor_original=anc[0], guides=guides, skip_first=True)["mean"]
        raw = measure(anc, anchor_original=anchor_image, guides=guides)
        after = measure(
            anc,
            anchor_original=anchor_image,
            guides=guides,
            roots=[g.frame.root_px[0] for g in guides],
            grounds=[g.frame.ground_y_px for g in guides],
            align=True,
        )
    text = f"""## Animation frames: anchor path vs independent variants

Written by `tools/bench_anim.py --frames {args.frames}` on {platform.machine()}, {os.cpu_count()} cores, one managed
ComfyUI (CPU, OMP_NUM_THREADS=1), demo checkpoint + pose VAE, walk cycle side view, 128x128, 8 steps, same seeds
(the spec's derived seeds; the anchor uses the first). Consistency = `assetgen.imaging.consistency` score of each
frame against the strip's anchor (0..1, higher = more one character; formula in docs/pipeline/animation.md).
Jitter = spread over the strip of the feet line and of the root x, in px (0 = the strip does not hop).

| strip | mean consistency | worst frame | SSIM | palette distance | IoU with pose | feet jitter | root x jitter | generation |
|---|---|---|---|---|---|---|---|---|
| independent variants (before) | {before["mean"]:.3f} | {before["min"]:.3f} | {before["ssim"]:.3f} | {before["palette"]:.3f} | {before["iou"]:.3f} | {before["baseline"]} px | {before["root"]} px | {t_ind:.1f} s |
| anchor path, as generated | {raw["mean"]:.3f} | {raw["min"]:.3f} | {raw["ssim"]:.3f} | {raw["palette"]:.3f} | {raw["iou"]:.3f} | {raw["baseline"]} px | {raw["root"]} px | {t_anc:.1f} s |
| anchor path, aligned on one pivot | {after["mean"]:.3f} | {after["min"]:.3f} | {after["ssim"]:.3f} | {after["palette"]:.3f} | {after["iou"]:.3f} | {after["baseline"]} px | {after["root"]} px | |

The independent strip's first frame is the anchor itself (same seed and prompt), so it is left out of its scores.
Against the strip's own first frame instead of the anchor (frame-to-frame identity, frames 2..N):
independent {ind_self:.3f}, anchor path {anc_self:.3f}.
Root x before alignment is the centre of each frame's opaque box; after, the pose's pelvis x moved with the frame.
Mean consistency ratio anchor / independent: **{raw["mean"] / max(before["mean"], 1e-9):.2f}x**.
"""
    print(text)
    write_section(SECTION, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
