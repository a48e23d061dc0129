"""Benchmark: how many jobs per second one worker process pushes end to end, with a graph that costs nothing.

    .venv/bin/python tools/bench_dispatch.py [--jobs N] [--concurrency 4,8,16]

A real managed ComfyUI runs the ``dispatch_probe`` template (Load AssetSpec -> EmptyImage 64x64 -> Save
Variants: core nodes plus our own two, no model). Each job goes job file -> `assetgen worker` (one process,
warmed up by one job) -> ComfyUI -> /view -> ingest (PNG + WebP preview + asset record) -> succeeded.
The peer in the same run: a plain client queueing N plain EmptyImage -> SaveImage prompts, all at once
(what ComfyUI itself can execute per second with nothing in front of it). The ratio of the two says what the
orchestrator costs per job; the jobs/s says how many GPU hosts one orchestrator process keeps fed
(a GPU host at P prompts/s needs P / (jobs/s) of a worker process). Writes its section of BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from bench_orchestrator import (
    device_name,
    jobs_through_worker,
    machine_line,
    run_plain,
    scratch_project,
    section_name,
)
from benchmarks_file import write_section

from assetgen.generation.plan import plan_generation
from assetgen.generation.workflows import load_template, prompt_for_batch
from assetgen.settings import Settings
from orchestrator import comfy_process

SECTION = "bench_dispatch"
SIZE = 64
# Jobs are spread over 20 specs (assets), as a wishlist's are: every version of one asset lives in one
# asset record, and a record that grows by one version per job would make each ingest rewrite it whole.
PROBE_SPECS = [f"probe_{i:02d}" for i in range(20)]


def add_probe_specs(store) -> None:
    """Copies of potion_icon named ``probe_NN`` in the scratch project."""
    source = store.record_path("demo", "specs", "potion_icon")
    data = json.loads(source.read_text())
    for spec_id in PROBE_SPECS:
        store.record_path("demo", "specs", spec_id).write_text(json.dumps({**data, "id": spec_id}))


def plain_probe(index: int) -> dict:
    return {
        "img": {
            "class_type": "EmptyImage",
            "inputs": {"width": SIZE, "height": SIZE, "batch_size": 1, "color": index % 0xFFFFFF},
        },
        "save": {"class_type": "SaveImage", "inputs": {"images": ["img", 0], "filename_prefix": "probe"}},
    }


def probe_prompts(store, count: int) -> list[dict]:
    """``count`` dispatch_probe prompts of one plan (distinct seeds and variant ids), as the worker fills them."""
    plan = plan_generation(store, "demo", "potion_icon", variants=count, template_id="dispatch_probe")
    template = load_template("dispatch_probe")
    return [
        prompt_for_batch(template, plan, variant_indices=[i], variant_ids=[f"probe{i}"], job_id="probe")
        for i in range(count)
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--concurrency", default="4,8,16")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    n = args.jobs
    concurrencies = [int(c) for c in args.concurrency.split(",")]
    machine = machine_line()
    with tempfile.TemporaryDirectory() as scratch:
        store = scratch_project(Path(scratch) / "data")
        add_probe_specs(store)
        settings = Settings.from_env(data_dir=store.root)
        state = comfy_process.start(settings)
        try:
            device = device_name(state.url)
            run_plain(state.url, [plain_probe(i) for i in range(5)])  # warm-up
            plain = run_plain(state.url, [plain_probe(i) for i in range(n)])
            # The same graph with our two nodes (Load AssetSpec, Save Variants) instead of SaveImage, through
            # the same plain client: what our nodes add to a prompt's execution.
            ours = run_plain(state.url, probe_prompts(store, n))
            results = {}
            for c in concurrencies:
                inputs = [
                    {
                        "specId": PROBE_SPECS[i % len(PROBE_SPECS)],
                        "variants": 1,
                        "templateId": "dispatch_probe",
                        "overrides": {"seed": 100_000 * c + i},
                    }
                    for i in range(n)
                ]
                warmup = {**inputs[0], "overrides": {"seed": 99}}
                results[c] = jobs_through_worker(state.url, store, inputs, concurrency=c, warmup=warmup)
        finally:
            comfy_process.stop(settings)
    rows = [
        f"| plain client, EmptyImage -> SaveImage (ComfyUI alone) | - | {plain:.2f} s | {n / plain:.0f} | | |",
        f"| plain client, dispatch_probe graph (our Load AssetSpec + Save Variants) | - | {ours:.2f} s | "
        f"{n / ours:.0f} | | {ours / plain:.2f} |",
    ]
    for c, (wall, cpu) in results.items():
        rows.append(
            f"| assetgen worker, dispatch_probe | {c} | {wall:.2f} s | {n / wall:.1f} | "
            f"{1000 * cpu / n:.1f} ms | {wall / plain:.2f} |"
        )
    best = max(results, key=lambda c: n / results[c][0])
    text = f"""## Dispatch capacity: jobs per second through one worker process ({device})

Written by `tools/bench_dispatch.py --jobs {n}` on {machine}; managed ComfyUI 0.3.75 on **{device}**,
one run each, same run. {n} one-variant generate jobs spread over {len(PROBE_SPECS)} specs, with the `dispatch_probe` template (Load AssetSpec ->
EmptyImage {SIZE}x{SIZE} -> Save Variants; no model), job file -> one `assetgen worker` process -> ComfyUI
-> /view -> ingest (PNG + WebP preview + asset record) -> succeeded, timed from the first job file written
to the last job succeeded. Peer: a plain client queueing {n} plain EmptyImage -> SaveImage prompts at once.

| path | project concurrency | wall time for {n} | per second | worker CPU per job | ratio to plain |
|---|---|---|---|---|---|
{chr(10).join(rows)}

Dispatch capacity: **{n / results[best][0]:.1f} jobs/s** per worker process (project concurrency {best}; target
>= 50). ComfyUI alone executes {n / plain:.0f} such prompts/s on this host; our two nodes (Load AssetSpec with
the plan JSON, Save Variants writing PNG + WebP with metadata and model hashes) add
{1000 * (ours - plain) / n:.1f} ms per prompt to its execution.
"""
    print(text)
    if not args.no_write:
        write_section(section_name(SECTION, device), text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
