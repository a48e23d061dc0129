"""Benchmark: the same N generate requests sent straight to ComfyUI vs through assetgen, in one run.

    .venv/bin/python tools/bench_orchestrator.py [--requests N]

Direct: the txt2img template filled with a plan, submitted with ComfyClient, waited on via /history.
assetgen: N generate job files -> `assetgen worker --once` (a separate process) -> ComfyUI -> /view ->
ingest into the store. Both use the same managed ComfyUI (CPU) and distinct seeds (ComfyUI caches
identical prompts). Reports wall time, the ratio, and the worker process's own CPU time and peak RSS.
Writes its section of BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
from benchmarks_file import write_section

from assetgen.generation.plan import plan_generation
from assetgen.generation.workflows import load_template, prompt_for_batch
from assetgen.jobs import create_job, list_jobs
from assetgen.settings import REPO_DIR, Settings
from assetgen.store import ProjectStore
from orchestrator import comfy_process
from orchestrator.comfy_client import ComfyClient

SPEC = "potion_icon"
SECTION = "bench_orchestrator"


async def direct_run(url: str, store: ProjectStore, count: int, seed_base: int) -> float:
    template = load_template("txt2img")
    plans = [
        plan_generation(store, "demo", SPEC, variants=1, overrides={"seed": seed_base + i})
        for i in range(count)
    ]
    started = time.perf_counter()
    async with aiohttp.ClientSession() as session:
        client = ComfyClient(url, session)
        ids = [
            await client.submit(
                prompt_for_batch(template, p, variant_indices=[0], variant_ids=[f"d{seed_base}x{i}"])
            )
            for i, p in enumerate(plans)
        ]
        for prompt_id in ids:
            await client.wait(prompt_id)
    return time.perf_counter() - started


def assetgen_run(
    url: str, store: ProjectStore, count: int, seed_base: int, *, concurrency: int = 1
) -> tuple[float, float, float]:
    """Time N jobs through an already running worker process (warmed up by one job first)."""
    env = {**os.environ, "COMFYUI_URL": url, "ASSETGEN_WORKER_PROJECT_CONCURRENCY": str(concurrency)}
    process = subprocess.Popen(
        [sys.executable, "-m", "orchestrator.cli", "--data-dir", str(store.root), "worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        create_job(
            store, "demo", "generate", {"specId": SPEC, "variants": 1, "overrides": {"seed": seed_base - 1}}
        )
        before = len(list_jobs(store, "demo"))
        wait_all_succeeded(store, before)
        started = time.perf_counter()
        for i in range(count):
            create_job(
                store,
                "demo",
                "generate",
                {"specId": SPEC, "variants": 1, "overrides": {"seed": seed_base + i}},
            )
        wait_all_succeeded(store, before + count)
        elapsed = time.perf_counter() - started
    finally:
        process.send_signal(signal.SIGTERM)
        _, _, usage = os.wait4(process.pid, 0)
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def wait_all_succeeded(store: ProjectStore, expected: int, timeout_s: float = 600) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        jobs = list_jobs(store, "demo")
        if any(j.status == "failed" for j in jobs):
            raise SystemExit("bench: a job failed; see `assetgen jobs list demo`")
        if len(jobs) >= expected and all(j.status == "succeeded" for j in jobs):
            return
        time.sleep(0.05)
    raise SystemExit("bench: jobs did not finish in time")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=6)
    args = parser.parse_args()
    n = args.requests
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "data"
        shutil.copytree(REPO_DIR / "data" / "projects" / "demo", root / "projects" / "demo")
        settings = Settings.from_env(data_dir=root)
        store = ProjectStore(root)
        state = comfy_process.start(settings)
        try:
            asyncio.run(direct_run(state.url, store, 1, 1))  # warm-up: model load
            direct_a = asyncio.run(direct_run(state.url, store, n, 1000))
            through, cpu_s, rss_mib = assetgen_run(state.url, store, n, 2000)
            through_c2, _, _ = assetgen_run(state.url, store, n, 4000, concurrency=2)
            direct_b = asyncio.run(direct_run(state.url, store, n, 3000))
        finally:
            comfy_process.stop(settings)
    direct = (direct_a + direct_b) / 2
    ratio = through / direct
    self_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    text = f"""## Orchestrator overhead: generate requests direct to ComfyUI vs through assetgen

Written by `tools/bench_orchestrator.py --requests {n}` on {platform.machine()}, {os.cpu_count()} cores, Python
{platform.python_version()}, managed ComfyUI 0.3.75 on the CPU, demo checkpoint, spec `{SPEC}` (128x128, 8 steps,
2 LoRAs), one variant per request, distinct seeds. Direct = submit the filled template and wait on /history
(measured before and after, mean). assetgen = job files -> a running `assetgen worker` (separate process, warmed
up by one job; per-project concurrency 1, so jobs run one after another) -> ComfyUI -> /view -> ingest (PNG +
WebP preview + asset record), timed from the first job file written to the last job succeeded.

| path | wall time for {n} requests | per request |
|---|---|---|
| direct to ComfyUI | {direct:.2f} s (runs: {direct_a:.2f} s, {direct_b:.2f} s) | {direct / n:.2f} s |
| through assetgen, project concurrency 1 | {through:.2f} s | {through / n:.2f} s |
| through assetgen, project concurrency 2 | {through_c2:.2f} s | {through_c2 / n:.2f} s |

Overhead ratio assetgen / direct: **{ratio:.3f}** with concurrency 1 (jobs strictly one after another, so ComfyUI
waits while each result is fetched and ingested), **{through_c2 / direct:.3f}** with concurrency 2 (the next
prompt is queued while the previous one is ingested). Target 1.05. The worker process used {cpu_s:.2f} s of CPU
in all (start-up, imports and the warm-up job included) and peaked at {rss_mib:.0f} MiB RSS (this benchmark process: {self_rss:.0f} MiB).
"""
    print(text)
    write_section(SECTION, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
