"""Benchmark pixel-art mode: 512x512 sprites -> 64x64 on a 16-colour palette; writes its section of BENCHMARKS.md.

One run, same images, same palette (PICO-8's 16 colours): assetgen's ``pixelate`` (per-cell OKLab medoid,
OKLab quantization, binary alpha) against what a user would run with Pillow: ``resize`` (BOX, or
NEAREST) then ``quantize(palette=..., dither=NONE)`` with the alpha resized alongside. For each: median
ms per image (best of the repeats), palette conformity (share of visible pixels exactly in the palette),
pixels with alpha other than 0/255, and the colour error (mean OKLab distance x 255 between each output
pixel and the median colour of the opaque source pixels of its cell).

    .venv/bin/python tools/bench_pixel_art.py [--per-kind 2] [--repeats 3] [--no-write]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks_file import write_section  # noqa: E402

from assetgen.imaging.alpha.oklab import srgb_to_oklab  # noqa: E402
from assetgen.imaging.palette import extract_palette, parse_hex_colors  # noqa: E402
from assetgen.imaging.pixel_art import (  # noqa: E402
    PixelArtOptions,
    detect_grid,
    non_binary_alpha_px,
    palette_conformity,
    pixelate,
)
from tests.assetgen.imaging.alpha_testset import CLEAN_KINDS, make_testset  # noqa: E402

SECTION = "bench_pixel_art"
SIZE, TARGET = 512, 64
PICO8 = parse_hex_colors(
    ["#000000", "#1d2b53", "#7e2553", "#008751", "#ab5236", "#5f574f", "#c2c3c7", "#fff1e8",
     "#ff004d", "#ffa300", "#ffec27", "#00e436", "#29adff", "#83769c", "#ff77a8", "#ffccaa"]
)  # fmt: skip


def pillow_baseline(resample: Image.Resampling) -> Callable[[np.ndarray], np.ndarray]:
    """Pillow as a user would chain it: resize, quantize RGB to the palette (no dither), keep the alpha."""
    flat = PICO8.reshape(-1).tolist()
    palette_image = Image.new("P", (1, 1))
    palette_image.putpalette(flat + flat[:3] * (256 - len(PICO8)))  # pad with the first colour, not black

    def run(rgba: np.ndarray) -> np.ndarray:
        small = Image.fromarray(rgba, "RGBA").resize((TARGET, TARGET), resample)
        quantized = small.convert("RGB").quantize(palette=palette_image, dither=Image.Dither.NONE)
        out = np.asarray(quantized.convert("RGB"))
        return np.dstack([out, np.asarray(small)[..., 3]])

    return run


def assetgen_pixelate(rgba: np.ndarray) -> np.ndarray:
    return pixelate(rgba, PICO8, PixelArtOptions(width=TARGET, height=TARGET)).rgba


def cell_medians(rgba: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per 8x8 cell: the OKLab median of its opaque pixels, and whether it has any."""
    cell = SIZE // TARGET
    blocks = (
        rgba.reshape(TARGET, cell, TARGET, cell, 4).transpose(0, 2, 1, 3, 4).reshape(TARGET, TARGET, -1, 4)
    )
    lab = srgb_to_oklab(blocks[..., :3]).astype(np.float64)
    opaque = blocks[..., 3] >= 128
    lab[~opaque] = np.nan
    with np.errstate(all="ignore"):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return np.nanmedian(lab, axis=2), opaque.any(axis=2)


def pseudo_pixel_art(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(true 64x64 art, what a model draws of it): the art upscaled 8x, blurred (sigma 1.2), Gaussian noise
    (sigma 3) and 4 % stray pixels of random colour (texture specks a model leaves inside a cell)."""
    from scipy import ndimage

    rng = np.random.default_rng(seed)
    index = np.zeros((TARGET, TARGET), np.int64)
    for _ in range(12):
        y, x, h, w = rng.integers(4, 48), rng.integers(4, 48), rng.integers(3, 14), rng.integers(3, 14)
        index[y : y + h, x : x + w] = rng.integers(1, len(PICO8))
    ys, xs = np.mgrid[0:TARGET, 0:TARGET]
    inside = (ys - 32) ** 2 + (xs - 32) ** 2 <= 27**2
    art = np.zeros((TARGET, TARGET, 4), np.uint8)
    art[inside, :3] = PICO8[index[inside]]
    art[inside, 3] = 255
    cell = SIZE // TARGET
    big = np.repeat(np.repeat(art, cell, axis=0), cell, axis=1).astype(np.float32)
    soft = np.stack([ndimage.gaussian_filter(big[..., c], 1.2) for c in range(4)], axis=2)
    soft[..., :3] += rng.normal(0, 3, soft[..., :3].shape)
    specks = rng.random(soft.shape[:2]) < 0.04
    soft[specks, :3] = rng.integers(0, 256, (int(specks.sum()), 3))
    return art, np.clip(np.round(soft), 0, 255).astype(np.uint8)


def recovery(method: Callable[[np.ndarray], np.ndarray], cases: list[tuple[np.ndarray, np.ndarray]]) -> float:
    """Share of logical pixels (colour and alpha) a method gives back exactly, over all cases."""
    right = total = 0
    for art, drawn in cases:
        out = method(drawn)
        opaque = out[..., 3] >= 128
        same = (opaque == (art[..., 3] == 255)) & (~opaque | np.all(out[..., :3] == art[..., :3], axis=2))
        right += int(same.sum())
        total += same.size
    return right / total


def measure(method: Callable[[np.ndarray], np.ndarray], images: list[np.ndarray], repeats: int) -> dict:
    times, conformity, stray_alpha, errors = [], [], [], []
    for rgba in images:
        best = float("inf")
        for _ in range(repeats):
            started = time.perf_counter()
            out = method(rgba)
            best = min(best, time.perf_counter() - started)
        times.append(best * 1000.0)
        conformity.append(palette_conformity(out, PICO8))
        stray_alpha.append(non_binary_alpha_px(out))
        median, has = cell_medians(rgba)
        shown = has & (out[..., 3] >= 128)
        distance = np.linalg.norm(srgb_to_oklab(out[..., :3]) - median, axis=2)
        errors.append(float(distance[shown].mean() * 255.0))
    return {
        "ms": float(np.median(times)),
        "conformity_min": float(np.min(conformity)),
        "conformity_mean": float(np.mean(conformity)),
        "stray_alpha": float(np.mean(stray_alpha)),
        "error": float(np.mean(errors)),
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-kind", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="print only, leave BENCHMARKS.md alone")
    args = parser.parse_args(argv)

    images = []
    for case in make_testset(kinds=CLEAN_KINDS, per_kind=args.per_kind, size=SIZE, seed=1):
        cutout = case.rgba.copy()
        cutout[..., 3] = np.round(case.alpha * 255).astype(np.uint8)  # soft-edged cut-outs
        images.append(cutout)
    methods = {
        "Pillow resize BOX + quantize (baseline)": pillow_baseline(Image.Resampling.BOX),
        "Pillow resize NEAREST + quantize": pillow_baseline(Image.Resampling.NEAREST),
        "assetgen pixelate": assetgen_pixelate,
    }
    load_before = os.getloadavg()[0]
    results = {name: measure(fn, images, args.repeats) for name, fn in methods.items()}
    pseudo = [pseudo_pixel_art(seed) for seed in range(4 * args.per_kind)]
    recovered = {name: recovery(fn, pseudo) for name, fn in methods.items()}
    detected = sum(detect_grid(drawn).cell_px == SIZE // TARGET for _, drawn in pseudo)
    started = time.perf_counter()
    for rgba in images:
        extract_palette(rgba, max_colors=16)
    anchor_ms = (time.perf_counter() - started) * 1000.0 / len(images)
    load_after = os.getloadavg()[0]
    base = results["Pillow resize BOX + quantize (baseline)"]["ms"]

    lines = [
        "## Pixel art (assetgen.imaging.pixel_art)",
        "",
        f"`tools/bench_pixel_art.py`: {len(images)} soft-edged synthetic sprite cut-outs of {SIZE}x{SIZE} "
        f"(the alpha test set, seed 1: {', '.join(CLEAN_KINDS)}) made {TARGET}x{TARGET} on PICO-8's 16 colours. "
        f"ms = median over images of the best of {args.repeats} runs; ratio = ms / baseline ms. Conformity = "
        "share of visible pixels exactly in the palette (min / mean over images); stray alpha = pixels per "
        "image with alpha other than 0/255; colour error = mean OKLab distance (x255) from each opaque output "
        "pixel to the median colour of its source cell.",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"load average {load_before:.1f} -> {load_after:.1f} during the run (shared machine).",
        "",
        "| method | ms/img | ratio | conformity min | conformity mean | stray alpha px | colour error |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in results.items():
        lines.append(
            f"| {name} | {r['ms']:.1f} | {r['ms'] / base:.1f}x | {r['conformity_min']:.4f} | "
            f"{r['conformity_mean']:.4f} | {r['stray_alpha']:.1f} | {r['error']:.1f} |"
        )
    lines += [
        "",
        f"Pseudo pixel art ({len(pseudo)} random 64x64 PICO-8 sprites drawn 8x, blurred (sigma 1.2), noisy "
        "(sigma 3) and with 4 % stray pixels of random colour, like a pixel-art model's output): share of "
        "logical pixels given back exactly (colour and alpha) — "
        + ", ".join(f"{name}: {value:.4f}" for name, value in recovered.items())
        + f". `detect_grid` found the 8-px grid in {detected} of {len(pseudo)}.",
        "",
        f"Palette extraction from a {SIZE}x{SIZE} anchor (k = 16, deterministic k-means in OKLab): "
        f"{anchor_ms:.1f} ms per image.",
    ]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        write_section(SECTION, text)
        print(f"\nwrote section {SECTION!r} of BENCHMARKS.md")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
