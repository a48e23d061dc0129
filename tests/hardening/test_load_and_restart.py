"""Load and restart faults (marked ``hardening``): limits hold, no job is lost or run twice, the API keeps answering."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from assetgen.jobs import create_job, list_jobs, ms_from_iso
from assetgen.store import ProjectStore
from tests.conftest import DEMO_PROJECT
from tests.orchestrator.worker_helpers import add_sprite_asset, max_overlap

pytestmark = pytest.mark.hardening

LOAD_CLIENT = r"""
import asyncio, json, sys, time
import aiohttp

async def main(base, total, concurrency):
    paths = ["/api/projects", "/api/projects/alpha", "/api/projects/alpha/jobs", "/api/projects/alpha/specs",
             "/api/projects/alpha/assets", "/api/projects/alpha/jobs?status=succeeded", "/api/projects/nope",
             "/api/projects/..%2f..%2fetc"]
    counts, latencies = {}, []
    queue = asyncio.Queue()
    for i in range(total):
        queue.put_nowait(paths[i % len(paths)])
    async with aiohttp.ClientSession() as session:
        async def worker():
            while not queue.empty():
                path = queue.get_nowait()
                started = time.perf_counter()
                async with session.get(base + path) as response:
                    await response.read()
                    ok = response.content_type == "application/json"
                    key = f"{response.status}{'' if ok else '!json'}"
                    counts[key] = counts.get(key, 0) + 1
                latencies.append(time.perf_counter() - started)
        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - began
    latencies.sort()
    print(json.dumps({"counts": counts, "seconds": elapsed, "p50_ms": latencies[len(latencies) // 2] * 1000,
                      "p95_ms": latencies[int(len(latencies) * 0.95)] * 1000}))

asyncio.run(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))
"""


def make_projects(root: Path, names: tuple[str, ...], jobs_each: int) -> ProjectStore:
    store = ProjectStore(root)
    for name in names:
        shutil.copytree(DEMO_PROJECT, root / "projects" / name)
        add_sprite_asset(store, name, "slime", variants=1)
        for _ in range(jobs_each):
            create_job(store, name, "bg_remove", {"assetId": "slime", "method": "colorkey"})
    return store


def start(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "orchestrator.cli", "--data-dir", str(root), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
        start_new_session=True,
    )


def queue_latencies_ms(jobs: list) -> list[float]:
    return sorted((ms_from_iso(j.started_at) - ms_from_iso(j.created_at)) for j in jobs)


@pytest.mark.parametrize("concurrency", [1, 3])
def test_three_workers_two_projects_one_hundred_jobs_each(tmp_path: Path, concurrency: int) -> None:
    root = tmp_path / "data"
    store = make_projects(root, ("alpha", "beta"), 100)
    env = {
        "ASSETGEN_WORKER_PROJECT_CONCURRENCY": str(concurrency),
        "ASSETGEN_WORKER_PROJECT_LOCK_TTL_MS": "10000",
    }
    workers = [start(root, "worker", "--once", env=env) for _ in range(3)]
    for worker in workers:
        _, err = worker.communicate(timeout=600)
        assert worker.returncode == 0, err[-2000:]
    report = {}
    for project in ("alpha", "beta"):
        jobs = list_jobs(store, project)
        assert len(jobs) == 100
        assert all(j.status == "succeeded" and j.attempt == 1 for j in jobs), "every job ends exactly once"
        assert max_overlap(jobs) <= concurrency, "the per-project limit holds across processes"
        latencies = queue_latencies_ms(jobs)
        report[project] = {"p50": latencies[50], "p95": latencies[95]}
    print(json.dumps({"concurrency": concurrency, "queueLatencyMs": report}))


def serve_url(proc: subprocess.Popen[str]) -> str:
    line = proc.stdout.readline()
    match = re.search(r"(http://127\.0\.0\.1:\d+)/api", line)
    assert match, (line, proc.stderr.read() if proc.poll() is not None else "")
    return match.group(1)


def test_the_api_answers_two_thousand_requests_under_load(tmp_path: Path) -> None:
    root = tmp_path / "data"
    make_projects(root, ("alpha",), 30)
    server = start(root, "serve", "--port", "0", "--no-worker")
    try:
        base = serve_url(server)
        result = subprocess.run(
            [sys.executable, "-c", LOAD_CLIENT, base, "2000", "16"],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr
        report = json.loads(result.stdout)
    finally:
        server.send_signal(signal.SIGTERM)
        server.communicate(timeout=60)
    counts = report["counts"]
    assert sum(counts.values()) == 2000
    assert set(counts) <= {"200", "404", "400"}, counts  # never a 5xx, always JSON
    assert counts["404"] == 250 and counts["400"] == 250
    print(json.dumps(report))


def test_restarting_the_server_while_jobs_run_loses_no_job(tmp_path: Path) -> None:
    root = tmp_path / "data"
    store = make_projects(root, ("alpha",), 80)
    env = {"ASSETGEN_WORKER_PROJECT_LOCK_TTL_MS": "2000"}
    first = start(root, "serve", "--port", "0", env=env)
    serve_url(first)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and sum(j.status == "succeeded" for j in list_jobs(store, "alpha")) < 5:
        time.sleep(0.1)
    os.killpg(first.pid, signal.SIGKILL)  # the hardest stop: no shutdown hook runs
    first.communicate(timeout=30)
    done_before = sum(j.status == "succeeded" for j in list_jobs(store, "alpha"))
    assert 5 <= done_before < 80
    second = start(root, "serve", "--port", "0", env=env)
    try:
        base = serve_url(second)
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            with urllib.request.urlopen(f"{base}/api/projects/alpha/jobs", timeout=10) as response:
                jobs = json.loads(response.read())["jobs"]
            if all(j["status"] == "succeeded" for j in jobs):
                break
            time.sleep(0.3)
    finally:
        second.send_signal(signal.SIGTERM)
        second.communicate(timeout=60)
    jobs = list_jobs(store, "alpha")
    assert len(jobs) == 80 and all(j.status == "succeeded" for j in jobs), [j.status for j in jobs]
    assert sum(j.attempt for j in jobs) <= 81, "at most the one interrupted job ran twice"
