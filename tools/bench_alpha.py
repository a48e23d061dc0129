"""Benchmark background removal on 512x512 synthetic sprites; writes its section of BENCHMARKS.md.

One run measures, on the same images: a naive corner-colour key (the baseline: the colour of the
top-left pixel, RGB distance <= 24, no flood fill, no soft edges), colorkey, auto and rembg with
u2netp. For each: median milliseconds per image (best of the repeats, per image), mean IoU
(alpha >= 128) and mean absolute alpha error against the known alpha, on clean backgrounds
(white, noisy near-white, grey, saturated, gradient, vignette) and cluttered ones (textured).

    .venv/bin/python tools/bench_alpha.py [--per-kind 2] [--size 512] [--repeats 3] [--no-write]
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

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks_file import write_section  # noqa: E402

from assetgen.imaging.alpha import remove_background  # noqa: E402
from assetgen.imaging.alpha.model import model_file, open_model_session  # noqa: E402
from assetgen.settings import Settings  # noqa: E402
from tests.assetgen.imaging.alpha_testset import (  # noqa: E402
    CLEAN_KINDS,
    COMPLEX_KINDS,
    Case,
    iou,
    make_testset,
    mean_abs_alpha_error,
)

SECTION = "bench_alpha"


def naive_corner_key(rgba: np.ndarray, *, tolerance: float = 24.0) -> np.ndarray:
    """The baseline: key out every pixel close (RGB distance) to the top-left pixel's colour."""
    rgb = rgba[:, :, :3].astype(np.float32)
    distance = np.linalg.norm(rgb - rgb[0, 0], axis=2)
    return np.dstack([rgba[:, :, :3], np.where(distance <= tolerance, 0, 255).astype(np.uint8)])


def measure(method: Callable[[np.ndarray], np.ndarray], cases: list[Case], repeats: int) -> dict[str, float]:
    times, ious, errors = [], [], []
    for case in cases:
        best = float("inf")
        for _ in range(repeats):
            started = time.perf_counter()
            out = method(case.rgba)
            best = min(best, time.perf_counter() - started)
        times.append(best * 1000.0)
        ious.append(iou(case.alpha, out[:, :, 3]))
        errors.append(mean_abs_alpha_error(case.alpha, out[:, :, 3]))
    return {
        "ms": float(np.median(times)),
        "ms_max": float(np.max(times)),
        "iou": float(np.mean(ious)),
        "mae": float(np.mean(errors)),
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-kind", type=int, default=2)
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="print only, leave BENCHMARKS.md alone")
    args = parser.parse_args(argv)

    settings = Settings.from_env()
    home = settings.rembg_dir()
    if not model_file(home, "u2netp").is_file():
        print(f"u2netp.onnx missing at {model_file(home, 'u2netp')}: run make setup", file=sys.stderr)
        return 2
    session = open_model_session("u2netp", rembg_home=home)
    remove_background(np.full((64, 64, 4), 255, np.uint8), method="rembg", session=session)  # warm-up
    clean = make_testset(kinds=CLEAN_KINDS, per_kind=args.per_kind, size=args.size, seed=1)
    cluttered = make_testset(kinds=COMPLEX_KINDS, per_kind=args.per_kind, size=args.size, seed=1)

    methods: dict[str, tuple[Callable[[np.ndarray], np.ndarray], int]] = {
        "naive corner key (baseline)": (naive_corner_key, args.repeats),
        "colorkey": (lambda rgba: remove_background(rgba, method="colorkey").rgba, args.repeats),
        "auto (u2netp available)": (
            lambda rgba: remove_background(rgba, method="auto", session=session).rgba,
            args.repeats,
        ),
        "rembg u2netp": (lambda rgba: remove_background(rgba, method="rembg", session=session).rgba, 1),
    }
    load_before = os.getloadavg()[0]
    results = {
        name: (measure(fn, clean, reps), measure(fn, cluttered, reps)) for name, (fn, reps) in methods.items()
    }
    load_after = os.getloadavg()[0]
    base = results["naive corner key (baseline)"][0]["ms"]

    lines = [
        "## Background removal (assetgen.imaging.alpha)",
        "",
        f"`tools/bench_alpha.py`: {len(clean)} clean + {len(cluttered)} cluttered synthetic sprites of "
        f"{args.size}x{args.size} (seed 1; {', '.join(CLEAN_KINDS)} | {', '.join(COMPLEX_KINDS)}), known alpha. "
        f"ms = median over images of the best of {args.repeats} runs (rembg: 1 run). IoU at alpha >= 128; "
        "MAE = mean |alpha error| in 0..1. Ratio = method ms / baseline ms on clean images.",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"load average {load_before:.1f} -> {load_after:.1f} during the run (shared machine).",
        "",
        "| method | clean ms/img | max ms | ratio | clean IoU | clean MAE | cluttered ms/img | cluttered IoU | cluttered MAE |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, (c, x) in results.items():
        lines.append(
            f"| {name} | {c['ms']:.1f} | {c['ms_max']:.1f} | {c['ms'] / base:.1f}x | {c['iou']:.4f} | {c['mae']:.4f} "
            f"| {x['ms']:.1f} | {x['iou']:.4f} | {x['mae']:.4f} |"
        )
    colorkey_ms = results["colorkey"][0]["ms"]
    verdict = "meets" if colorkey_ms <= 20 else "misses"
    lines += [
        "",
        f"colorkey: {colorkey_ms:.1f} ms per {args.size}x{args.size} image ({verdict} the 20 ms target).",
    ]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        write_section(SECTION, text)
        print(f"\nwrote section {SECTION!r} of BENCHMARKS.md")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
