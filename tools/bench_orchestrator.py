"""Benchmark: N txt2img requests straight to ComfyUI (a plain client, a plain graph) vs N generate jobs
through assetgen, in one run, on whatever device the managed ComfyUI computes on.

    .venv/bin/python tools/bench_orchestrator.py [--requests N] [--configs fast,demo] [--concurrency 1,2,4]

Configurations: ``fast`` = 64x64, 1 step, no LoRAs (the orchestrator's own cost dominates); ``demo`` = the
demo spec as it is (128x128, 8 steps, 2 LoRAs). Direct = a plain client queueing a plain core-node graph
(CheckpointLoaderSimple -> LoraLoader per LoRA -> CLIPTextEncode x2 -> EmptyLatentImage -> KSampler ->
VAEDecode -> SaveImage) of the same size, steps, sampler and LoRAs, all N at once over HTTP, waiting for the
last on ComfyUI's WebSocket (measured before and after the assetgen runs; the mean). assetgen = N job files -> a running
`assetgen worker` process (warmed up by one job) -> ComfyUI -> /view -> ingest -> succeeded, timed from the
first job file written to the last job succeeded; the worker's CPU time (all threads, /proc) is read
around the timed jobs, so start-up is excluded. Writes its section of BENCHMARKS.md (one per device).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
from benchmarks_file import write_section

from assetgen.generation.plan import plan_generation
from assetgen.jobs import create_job
from assetgen.models.generation import GenerationPlan
from assetgen.settings import REPO_DIR, Settings
from assetgen.store import FileSignature, ProjectStore, file_signature
from orchestrator import comfy_process

SPEC = "potion_icon"
PLAIN_SPEC = "bench_plain"
SECTION = "bench_orchestrator"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Config:
    name: str
    spec_id: str
    overrides: dict[str, Any]
    label: str


CONFIGS = {
    "fast": Config("fast", PLAIN_SPEC, {"width": 64, "height": 64, "steps": 1}, "64x64, 1 step, no LoRAs"),
    "demo": Config("demo", SPEC, {}, "demo default: 128x128, 8 steps, 2 LoRAs"),
}


# -- a plain client and a plain graph ------------------------------------------------------------
def http_json(url: str, body: Any | None = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)


def plain_graph(plan: GenerationPlan, seed: int, prefix: str) -> dict[str, Any]:
    """The same image as the txt2img template, from core nodes only."""
    graph: dict[str, Any] = {
        "ckpt": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": plan.checkpoint.file}}
    }
    model, clip = ["ckpt", 0], ["ckpt", 1]
    for index, lora in enumerate(plan.loras):
        graph[f"lora{index}"] = {
            "class_type": "LoraLoader",
            "inputs": {
                "model": model,
                "clip": clip,
                "lora_name": lora.file,
                "strength_model": lora.strength_model,
                "strength_clip": lora.strength_clip,
            },
        }
        model, clip = [f"lora{index}", 0], [f"lora{index}", 1]
    graph |= {
        "pos": {"class_type": "CLIPTextEncode", "inputs": {"text": plan.prompt.positive, "clip": clip}},
        "neg": {"class_type": "CLIPTextEncode", "inputs": {"text": plan.prompt.negative, "clip": clip}},
        "latent": {
            "class_type": "EmptyLatentImage",
            "inputs": {"width": plan.width, "height": plan.height, "batch_size": 1},
        },
        "sampler": {
            "class_type": "KSampler",
            "inputs": {
                "model": model,
                "positive": ["pos", 0],
                "negative": ["neg", 0],
                "latent_image": ["latent", 0],
                "seed": seed,
                "steps": plan.steps,
                "cfg": plan.cfg,
                "sampler_name": plan.sampler,
                "scheduler": plan.scheduler,
                "denoise": plan.denoise,
            },
        },
        "decode": {"class_type": "VAEDecode", "inputs": {"samples": ["sampler", 0], "vae": ["ckpt", 2]}},
        "save": {"class_type": "SaveImage", "inputs": {"images": ["decode", 0], "filename_prefix": prefix}},
    }
    return graph


def run_plain(url: str, graphs: list[dict[str, Any]]) -> float:
    """Queue every graph at once, wait for the last one's end on ComfyUI's WebSocket; seconds.

    The way ComfyUI's own ``websockets_api_example.py`` waits: nothing is polled. (A 5 ms /history poll,
    used before, took CPU from the very server it timed, on a host with two cores.)"""
    elapsed, ids = asyncio.run(_queue_and_wait(url, graphs))
    for prompt_id in ids:  # FIFO: all are done; make sure none failed
        status = http_json(f"{url}/history/{prompt_id}")[prompt_id]["status"]
        if status.get("status_str") != "success":
            raise SystemExit(f"bench: prompt {prompt_id} failed: {status}")
    return elapsed


async def _queue_and_wait(url: str, graphs: list[dict[str, Any]]) -> tuple[float, list[str]]:
    client_id = uuid.uuid4().hex
    ended: set[str] = set()
    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(f"{url.replace('http', 'ws', 1)}/ws?clientId={client_id}") as ws:
            started = time.perf_counter()
            ids = []
            for graph in graphs:
                async with session.post(f"{url}/prompt", json={"prompt": graph, "client_id": client_id}) as r:
                    ids.append((await r.json())["prompt_id"])
            async for message in ws:
                if message.type != aiohttp.WSMsgType.TEXT:
                    continue
                event = json.loads(message.data)
                if event.get("type") in ("execution_success", "execution_error", "execution_interrupted"):
                    ended.add(event["data"]["prompt_id"])
                    if ids[-1] in ended:
                        return time.perf_counter() - started, ids
    raise SystemExit("bench: ComfyUI's WebSocket closed before the last prompt ended")


def direct_run(url: str, store: ProjectStore, config: Config, count: int, seed_base: int) -> float:
    plan = plan_generation(store, "demo", config.spec_id, variants=1, overrides=config.overrides)
    graphs = [plain_graph(plan, seed_base + i, f"bench/{config.name}{seed_base}") for i in range(count)]
    return run_plain(url, graphs)


# -- through assetgen ------------------------------------------------------------------------------
def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, all its threads (``/proc/<pid>/stat``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def wait_succeeded(
    store: ProjectStore, job_ids: list[str], timeout_s: float = float(os.environ.get("BENCH_TIMEOUT_S", 300))
) -> None:
    """Poll the job files of the jobs not yet done, parsing only those whose file changed, and looking at
    them only when their folder changed (every job write renames a file into it) or may have changed
    unseen (a time stamp is coarse: two renames within a few ms can leave the same one): the benchmark
    shares the CPU with the worker, and parsing every pending job file every 10 ms competed with it (the
    peer's client waits on a socket, at no cost)."""
    pending = list(job_ids)
    seen: dict[str, FileSignature] = {}
    folder = store.record_path("demo", "jobs", job_ids[0]).parent if job_ids else None
    folder_seen: FileSignature | None = None
    deadline = time.monotonic() + timeout_s
    while pending and time.monotonic() < deadline:
        folder_now = file_signature(folder)
        if folder_now == folder_seen and time.time_ns() - folder_now[0] > 50_000_000:
            time.sleep(0.01)
            continue
        folder_seen = folder_now
        still = []
        for job_id in pending:
            path = store.record_path("demo", "jobs", job_id)
            signature = file_signature(path)
            if seen.get(job_id) == signature:
                still.append(job_id)
                continue
            seen[job_id] = signature
            status = json.loads(path.read_text()).get("status")
            if status == "failed":
                raise SystemExit(f"bench: job {job_id} failed; see `assetgen jobs show demo {job_id}`")
            if status != "succeeded":
                still.append(job_id)
        pending = still
        if pending:
            time.sleep(0.01)
    if pending:
        states = [json.loads(store.record_path("demo", "jobs", j).read_text()) for j in pending[:5]]
        detail = "; ".join(
            f"{s['id']}: {s.get('status')} attempt {s.get('attempt')} {s.get('error') or ''}" for s in states
        )
        raise SystemExit(f"bench: {len(pending)} job(s) did not finish in time: {detail}")


def start_worker(url: str, root: Path, concurrency: int) -> subprocess.Popen:
    env = {**os.environ, "COMFYUI_URL": url, "ASSETGEN_WORKER_PROJECT_CONCURRENCY": str(concurrency)}
    return subprocess.Popen(
        [sys.executable, "-m", "orchestrator.cli", "--data-dir", str(root), "worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def jobs_through_worker(
    url: str,
    store: ProjectStore,
    inputs: list[dict[str, Any]],
    *,
    concurrency: int,
    warmup: dict[str, Any],
) -> tuple[float, float]:
    """(wall seconds, worker CPU seconds) for ``inputs`` as generate jobs through one worker process."""
    process = start_worker(url, store.root, concurrency)
    try:
        wait_succeeded(store, [create_job(store, "demo", "generate", warmup).id])
        cpu_before = cpu_seconds(process.pid)
        started = time.perf_counter()
        ids = [create_job(store, "demo", "generate", data).id for data in inputs]
        wait_succeeded(store, ids)
        elapsed = time.perf_counter() - started
        cpu = cpu_seconds(process.pid) - cpu_before
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
    return elapsed, cpu


def assetgen_run(
    url: str, store: ProjectStore, config: Config, count: int, seed_base: int, *, concurrency: int
) -> tuple[float, float]:
    def job(seed: int) -> dict[str, Any]:
        return {"specId": config.spec_id, "variants": 1, "overrides": {**config.overrides, "seed": seed}}

    return jobs_through_worker(
        url,
        store,
        [job(seed_base + i) for i in range(count)],
        concurrency=concurrency,
        warmup=job(seed_base - 1),
    )


# -- set-up and report -----------------------------------------------------------------------------
def forget_asset(store: ProjectStore, spec_id: str) -> None:
    """Remove the spec's asset record, so a run ingests into a fresh one (a record holds every version,
    and runs that kept growing one would each pay more than the run before)."""
    if store.exists("demo", "assets", spec_id):
        store.delete("demo", "assets", spec_id)


def spread(values: list[float], digits: int = 2) -> str:
    return f"{min(values):.{digits}f}-{max(values):.{digits}f}"


def scratch_project(root: Path) -> ProjectStore:
    """A copy of the demo project plus ``bench_plain``: potion_icon with no LoRAs."""
    shutil.copytree(REPO_DIR / "data" / "projects" / "demo", root / "projects" / "demo")
    spec_path = root / "projects" / "demo" / "specs" / f"{SPEC}.json"
    spec = json.loads(spec_path.read_text())
    spec.update({"id": PLAIN_SPEC, "loraPolicy": {"mode": "manual", "maxActiveLoras": 0}})
    (spec_path.parent / f"{PLAIN_SPEC}.json").write_text(json.dumps(spec, indent=2))
    return ProjectStore(root)


def device_name(url: str) -> str:
    """What ComfyUI computes on, e.g. ``NVIDIA H200`` or ``CPU``."""
    devices = http_json(f"{url}/system_stats").get("devices") or [{}]
    name = str(devices[0].get("name") or devices[0].get("type") or "cpu")
    if devices[0].get("type") == "cpu" or name.lower() == "cpu":
        return "CPU"
    match = re.search(r"cuda:\d+\s+(.*?)(?:\s+:\s+\S+)?$", name)
    return match.group(1).strip() if match else name


def section_name(base: str, device: str) -> str:
    return base if device == "CPU" else f"{base}_{re.sub(r'[^a-z0-9]+', '_', device.lower()).strip('_')}"


def machine_line() -> str:
    load = os.getloadavg()[0]
    return (
        f"{platform.machine()}, {os.cpu_count()} cores (load average {load:.1f} at the start), "
        f"Python {platform.python_version()}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--configs", default="fast,demo", help="comma-separated: fast, demo")
    parser.add_argument(
        "--demo-requests", type=int, help="requests for the demo configuration (default --requests)"
    )
    parser.add_argument("--concurrency", default="1,2,4", help="per-project concurrency values to run")
    parser.add_argument("--repeats", type=int, default=3, help="interleaved runs of each path (medians)")
    parser.add_argument("--no-write", action="store_true", help="print only; leave BENCHMARKS.md alone")
    args = parser.parse_args()
    configs = [CONFIGS[name] for name in args.configs.split(",")]
    concurrencies = [int(c) for c in args.concurrency.split(",")]
    machine = machine_line()
    rows, summary = [], []
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "data"
        store = scratch_project(root)
        settings = Settings.from_env(data_dir=root)
        state = comfy_process.start(settings)
        try:
            device = device_name(state.url)
            counts = {}
            for index, config in enumerate(configs):
                n = counts[config.name] = (
                    args.demo_requests if config.name == "demo" and args.demo_requests else args.requests
                )
                base = 10_000 * (index + 1)
                direct_run(state.url, store, config, 2, base)  # warm-up: model load, caches
                # Interleaved repeats, each assetgen run between two direct runs: the host's speed drifts
                # by 10-20 % within minutes here, and one run each could not tell 3 % from noise.
                directs = [direct_run(state.url, store, config, n, base + 100)]
                through: dict[int, list[tuple[float, float]]] = {c: [] for c in concurrencies}
                for rep in range(args.repeats):
                    for c in concurrencies:
                        forget_asset(store, config.spec_id)  # every run starts a fresh asset record
                        seeds = base + 1000 * (rep + 1) + 100 * c
                        through[c].append(assetgen_run(state.url, store, config, n, seeds, concurrency=c))
                    directs.append(direct_run(state.url, store, config, n, base + 1000 * (rep + 1) + 50))
                direct = statistics.median(directs)
                rows.append(
                    f"| {config.label} | {n} | direct (plain client, plain graph) | {direct:.2f} s "
                    f"({spread(directs)}) | {1000 * direct / n:.0f} ms | 1.000 | |"
                )
                ratios = {
                    c: [wall / ((directs[r] + directs[r + 1]) / 2) for r, (wall, _) in enumerate(runs)]
                    for c, runs in through.items()
                }
                for c, runs in through.items():
                    wall = statistics.median(w for w, _ in runs)
                    cpu = statistics.median(cpu for _, cpu in runs)
                    rows.append(
                        f"| {config.label} | {n} | assetgen, project concurrency {c} | {wall:.2f} s "
                        f"({spread([w for w, _ in runs])}) | {1000 * wall / n:.0f} ms | "
                        f"{statistics.median(ratios[c]):.3f} ({spread(ratios[c], 3)}) | {1000 * cpu / n:.1f} ms |"
                    )
                best = min(through, key=lambda c: statistics.median(ratios[c]))
                cpu_best = statistics.median(cpu for _, cpu in through[best])
                summary.append(
                    f"{config.label}: overhead ratio **{statistics.median(ratios[best]):.3f}** (median of "
                    f"{args.repeats}, project concurrency {best}), worker CPU {1000 * cpu_best / n:.1f} ms per job"
                )
        finally:
            comfy_process.stop(settings)
    name = section_name(SECTION, device)
    text = f"""## Orchestrator overhead on {device}: a plain client vs assetgen, per request

Written by `tools/bench_orchestrator.py {" ".join(sys.argv[1:])}` on {machine}; managed ComfyUI 0.3.75 computing on
**{device}**, demo checkpoint, one variant per request, distinct seeds, all in the same run.
Direct = a plain client queueing a plain core-node graph of the same size, steps, sampler and LoRAs, all
requests at once over HTTP, waiting for the last on ComfyUI's WebSocket (as ComfyUI's websockets_api_example.py
does; nothing polled). assetgen = the same number of generate job files -> a running `assetgen worker` (warmed up by one job) ->
ComfyUI (txt2img template) -> /view -> ingest (PNG + WebP preview + asset record) -> succeeded, each run
into a fresh asset record. {args.repeats} interleaved repeats (direct, assetgen at each concurrency, direct, ...):
wall times are medians (range in brackets); a run's ratio = its wall time / the mean of the direct runs
before and after it, the ratio shown is the median. Worker CPU = the worker process's user+system time (all
threads) over the timed jobs / requests (start-up and warm-up excluded), median.

| configuration | requests | path | wall time | per request | ratio | worker CPU per job |
|---|---|---|---|---|---|---|
{chr(10).join(rows)}

{chr(10).join("- " + line for line in summary)}. Targets: ratio <= 1.03 at 64x64/1 step, <= 1.01 at the demo
default; worker CPU <= 20 ms per job.
"""
    print(text)
    if not args.no_write:
        write_section(name, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
