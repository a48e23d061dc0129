"""Benchmark: generate throughput with a pool of two ComfyUI backends vs one, in one run.

    .venv/bin/python tools/bench_pool.py [--jobs N]

Two managed ComfyUI servers (each on one CPU thread: OMP_NUM_THREADS=1), the same N one-variant generate
jobs through a running worker (warmed up by one job) with per-project concurrency 4, first with
COMFYUI_URL naming one server, then both; then the plain peer on one, then both. The four runs are
repeated (``--repeats``, default 3) and each repeat's two/one ratio taken from its own adjacent runs: this
host's speed drifts by 10-20 % within minutes, more than the effect measured.
Writes its section of BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench_orchestrator import jobs_through_worker, plain_graph, run_plain, spread
from benchmarks_file import write_section

from assetgen.generation.plan import plan_generation
from assetgen.settings import REPO_DIR, Settings
from assetgen.store import ProjectStore
from orchestrator import comfy_process

SECTION = "bench_pool"


def run_jobs(urls: list[str], scratch: Path, count: int, seed_base: int, concurrency: int) -> float:
    """Wall seconds for ``count`` jobs through one warmed-up worker whose pool is ``urls``."""
    root = scratch / f"pool{len(urls)}-{seed_base}" / "data"
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
    parser.add_argument("--jobs", type=int, default=24)
    # Two jobs per backend: one running and the next already queued there, so no backend waits for the
    # worker between two jobs (the setting docs/scale.md gives for a pool).
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--repeats", type=int, default=3, help="interleaved runs of each path (medians)")
    args = parser.parse_args()
    runs: dict[str, list[float]] = {"one": [], "two": [], "plain_one": [], "plain_two": []}
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
            for rep in range(args.repeats):
                seeds = 1000 * (rep + 1)
                print(f"repeat {rep + 1} of {args.repeats}", file=sys.stderr)
                runs["one"].append(run_jobs(urls[:1], scratch, args.jobs, seeds + 100, args.concurrency))
                runs["two"].append(run_jobs(urls, scratch, args.jobs, seeds + 200, args.concurrency))
                runs["plain_one"].append(plain_split(urls[:1], args.jobs, seeds + 300))
                runs["plain_two"].append(plain_split(urls, args.jobs, seeds + 400))
        finally:
            for s in settings:
                comfy_process.stop(s)
    ours = [one / two for one, two in zip(runs["one"], runs["two"], strict=True)]
    peer = [one / two for one, two in zip(runs["plain_one"], runs["plain_two"], strict=True)]
    ratio, peer_ratio = statistics.median(ours), statistics.median(peer)

    def row(path: str, backends: str, key: str, scaling: str = "") -> str:
        wall = statistics.median(runs[key])
        return (
            f"| {path} | {backends} | {wall:.1f} s ({spread(runs[key], 1)}) | {args.jobs / wall * 60:.1f} |"
            f" {scaling} |"
        )

    text = f"""## ComfyUI pool: two backends vs one

Written by `tools/bench_pool.py --jobs {args.jobs} --concurrency {args.concurrency} --repeats {args.repeats}` on {platform.machine()}, {os.cpu_count()} cores: two managed
ComfyUI servers (CPU, OMP_NUM_THREADS=1 each), {args.jobs} one-variant generate jobs (potion_icon, 128x128, 8 steps)
through one running `assetgen worker` with per-project concurrency {args.concurrency} (with two backends: one job running
and the next queued on each), timed from the first job file written to
the last job succeeded (the worker warmed up by one job first; start-up excluded, as in the other benchmarks).
Peer, in the same run: a plain client queueing the same number of plain core-node graphs of the same image,
split evenly over the servers, all at once (what two CPU-bound servers on this host allow).
{args.repeats} interleaved repeats (one, two, plain one, plain two, ...): wall times are medians (range in
brackets); two / one is the median of each repeat's own ratio (range in brackets).

| path | backends | wall time | jobs per minute | two / one |
|---|---|---|---|---|
{row("assetgen worker", "one", "one")}
{row("assetgen worker", "two", "two", f"**{ratio:.2f}x** ({spread(ours)})")}
{row("plain client, graphs split by hand", "one", "plain_one")}
{row("plain client, graphs split by hand", "two", "plain_two", f"{peer_ratio:.2f}x ({spread(peer)})")}

Throughput ratio two / one: **{ratio:.2f}x** through assetgen, {peer_ratio:.2f}x for the plain
client on the same servers (assetgen's scaling is {ratio / peer_ratio:.2f} of the plain client's).
"""
    print(text)
    write_section(SECTION, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
