"""Benchmark: generate throughput with a pool of two ComfyUI backends vs one, in one run.

    .venv/bin/python tools/bench_pool.py [--jobs N]

Two managed ComfyUI servers (each on one CPU thread: OMP_NUM_THREADS=1), the same N one-variant generate
jobs through a running worker (warmed up by one job) with per-project concurrency 2, first with
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
from pathlib import Path

from bench_orchestrator import jobs_through_worker
from benchmarks_file import write_section

from assetgen.settings import REPO_DIR, Settings
from assetgen.store import ProjectStore
from orchestrator import comfy_process

SECTION = "bench_pool"


def run_jobs(urls: list[str], scratch: Path, count: int, seed_base: int) -> float:
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
        concurrency=2,
        warmup=job(seed_base - 1),
    )
    return wall


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=12)
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
            run_jobs(urls, scratch / "warm", 2, 1)  # load the model on both servers
            one = run_jobs(urls[:1], scratch, args.jobs, 100)
            two = run_jobs(urls, scratch, args.jobs, 200)
        finally:
            for s in settings:
                comfy_process.stop(s)
    text = f"""## ComfyUI pool: two backends vs one

Written by `tools/bench_pool.py --jobs {args.jobs}` on {platform.machine()}, {os.cpu_count()} cores: two managed
ComfyUI servers (CPU, OMP_NUM_THREADS=1 each), {args.jobs} one-variant generate jobs (potion_icon, 128x128, 8 steps)
through one running `assetgen worker` with per-project concurrency 2, timed from the first job file written to
the last job succeeded (the worker warmed up by one job first; start-up excluded, as in the other benchmarks).

| pool | wall time | jobs per minute |
|---|---|---|
| one backend | {one:.1f} s | {args.jobs / one * 60:.1f} |
| two backends | {two:.1f} s | {args.jobs / two * 60:.1f} |

Throughput ratio two / one: **{one / two:.2f}x**.
"""
    print(text)
    write_section(SECTION, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
