"""Benchmark: generate throughput with a pool of two ComfyUI backends vs one, in one run.

    .venv/bin/python tools/bench_pool.py [--jobs N]

Two managed ComfyUI servers (each on one CPU thread: OMP_NUM_THREADS=1), the same N one-variant generate
jobs through a running worker (warmed up by one job) with per-project concurrency 4, first with
COMFYUI_URL naming one server, then both.
Writes its section of BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench_orchestrator import jobs_through_worker, plain_graph, run_plain
from benchmarks_file import write_section

from assetgen.generation.plan import plan_generation
from assetgen.settings import REPO_DIR, Settings
from assetgen.store import ProjectStore
from orchestrator import comfy_process

SECTION = "bench_pool"


def run_jobs(urls: list[str], scratch: Path, count: int, seed_base: int, concurrency: int) -> float:
    """Wall seconds for ``count`` jobs through one warmed-up worker whose pool is ``urls``."""
    root = scratch / f"pool{len(urls)}" / "data"
    shutil.copytree(REPO_DIR / "data" / "projects" / "demo", root / "projects" / "demo")
    store = ProjectStore(root)

    def job(seed: int) -> dict:
        return {"specId": "potion_icon", "variants": 1, "overrides": {"seed": seed}}

    wall, _cpu = jobs_through_worker(
        ",".join(urls),
        store,
        [job(seed_base + i) for i in range(count)],
        concurrency=concurrency,
        warmup=job(seed_base - 1),
    )
    return wall


def plain_split(urls: list[str], count: int, seed_base: int) -> float:
    """The peer: a plain client queueing ``count`` plain graphs of the same image, split evenly over
    ``urls``, all at once; seconds until every server has run its share (what the hardware allows)."""
    plan = plan_generation(ProjectStore(REPO_DIR / "data"), "demo", "potion_icon", variants=1)  # reads only
    shares = [
        [plain_graph(plan, seed_base + i, "bench/pool") for i in range(k, count, len(urls))]
        for k in range(len(urls))
    ]
    with ThreadPoolExecutor(len(urls)) as pool:
        started = time.perf_counter()
        list(pool.map(run_plain, urls, shares))
        return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=12)
    # Two jobs per backend: one running and the next already queued there, so no backend waits for the
    # worker between two jobs (the setting docs/scale.md gives for a pool).
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        settings = [
            Settings.from_env({**os.environ, "OMP_NUM_THREADS": "1"}, data_dir=scratch / f"s{i}")
            for i in (1, 2)
        ]
        states = [comfy_process.start(s) for s in settings]
        try:
            urls = [s.url for s in states]
            run_jobs(urls, scratch / "warm", 2, 1, args.concurrency)  # load the model on both servers
            one = run_jobs(urls[:1], scratch, args.jobs, 100, args.concurrency)
            two = run_jobs(urls, scratch, args.jobs, 200, args.concurrency)
            plain_one = plain_split(urls[:1], args.jobs, 300)
            plain_two = plain_split(urls, args.jobs, 400)
        finally:
            for s in settings:
                comfy_process.stop(s)
    text = f"""## ComfyUI pool: two backends vs one

Written by `tools/bench_pool.py --jobs {args.jobs} --concurrency {args.concurrency}` on {platform.machine()}, {os.cpu_count()} cores: two managed
ComfyUI servers (CPU, OMP_NUM_THREADS=1 each), {args.jobs} one-variant generate jobs (potion_icon, 128x128, 8 steps)
through one running `assetgen worker` with per-project concurrency {args.concurrency} (with two backends: one job running
and the next queued on each), timed from the first job file written to
the last job succeeded (the worker warmed up by one job first; start-up excluded, as in the other benchmarks).
Peer, in the same run: a plain client queueing the same number of plain core-node graphs of the same image,
split evenly over the servers, all at once (what two CPU-bound servers on this host allow).

| path | backends | wall time | jobs per minute | two / one |
|---|---|---|---|---|
| assetgen worker | one | {one:.1f} s | {args.jobs / one * 60:.1f} | |
| assetgen worker | two | {two:.1f} s | {args.jobs / two * 60:.1f} | **{one / two:.2f}x** |
| plain client, graphs split by hand | one | {plain_one:.1f} s | {args.jobs / plain_one * 60:.1f} | |
| plain client, graphs split by hand | two | {plain_two:.1f} s | {args.jobs / plain_two * 60:.1f} | {plain_one / plain_two:.2f}x |

Throughput ratio two / one: **{one / two:.2f}x** through assetgen, {plain_one / plain_two:.2f}x for the plain
client on the same servers (assetgen's scaling is {(one / two) / (plain_one / plain_two):.2f} of the plain client's).
"""
    print(text)
    write_section(SECTION, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
