"""The worker against real ComfyUI servers: SIGKILL takeover after the lease, cancel, and a pool of two."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assetgen.jobs import create_job, list_jobs, request_cancel
from assetgen.models import Job
from assetgen.settings import Settings
from assetgen.store import ProjectStore
from orchestrator import comfy_process
from tests.conftest import DEMO_PROJECT

pytestmark = [pytest.mark.comfy, pytest.mark.hardening]


def start_worker(root: Path, urls: str, *, ttl_ms: int = 3000, concurrency: int = 1) -> subprocess.Popen:
    env = {
        **os.environ,
        "COMFYUI_URL": urls,
        "ASSETGEN_WORKER_PROJECT_LOCK_TTL_MS": str(ttl_ms),
        "ASSETGEN_WORKER_PROJECT_CONCURRENCY": str(concurrency),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "orchestrator.cli", "--data-dir", str(root), "worker", "--once"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def wait_for(predicate, *, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


def fresh_project(tmp_path: Path) -> ProjectStore:
    root = tmp_path / "data"
    shutil.copytree(DEMO_PROJECT, root / "projects" / "demo")
    return ProjectStore(root)


def test_a_killed_workers_job_is_taken_over_and_completes_once(comfy_env, tmp_path: Path) -> None:
    _, state = comfy_env
    store = fresh_project(tmp_path)
    job = create_job(store, "demo", "generate", {"specId": "hero_knight_walk", "variants": 3})
    first = start_worker(store.root, state.url)

    def job_progressed() -> bool:
        current: Job = store.read("demo", "jobs", job.id)
        return current.status == "running" and current.progress is not None and current.progress.value > 0

    wait_for(job_progressed, timeout_s=120, what="the first worker to start the job")
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    killed_at = time.monotonic()
    second = start_worker(store.root, state.url)
    _, err = second.communicate(timeout=300)
    assert second.returncode == 0, err.decode()[-2000:]
    done: Job = store.read("demo", "jobs", job.id)
    assert done.status == "succeeded" and done.attempt == 2, (done.status, done.error)
    assert time.monotonic() - killed_at >= 2.5, "taken over only after the lease expired"
    asset = store.read("demo", "assets", "hero_knight_walk")
    assert len(asset.versions) == 1 and len(asset.versions[0].variants) == 3, (
        "no duplicate versions or variants"
    )
    originals = list((store.project_dir("demo") / "files/images/hero_knight_walk/original").iterdir())
    assert len(originals) == 3
    assert [v.seed for v in asset.versions[0].variants] == done.plan["seeds"], "the frozen plan was reused"


def test_cancel_interrupts_a_running_generate_job(comfy_env, tmp_path: Path) -> None:
    _, state = comfy_env
    store = fresh_project(tmp_path)
    job = create_job(store, "demo", "generate", {"specId": "potion_icon", "variants": 6})
    worker = start_worker(store.root, state.url, ttl_ms=1500)
    wait_for(lambda: store.read("demo", "jobs", job.id).status == "running", timeout_s=120, what="job to run")
    request_cancel(store, "demo", job.id)
    _, err = worker.communicate(timeout=120)
    assert worker.returncode == 0, err.decode()[-2000:]
    final: Job = store.read("demo", "jobs", job.id)
    assert final.status == "canceled" and final.lease is None


def test_pool_spreads_jobs_and_survives_a_dead_backend(comfy_env, tmp_path: Path) -> None:
    _, state = comfy_env
    second_settings = Settings.from_env(data_dir=tmp_path / "second")
    second = comfy_process.start(second_settings, timeout_s=240)
    store = fresh_project(tmp_path)
    try:
        jobs = [
            create_job(
                store,
                "demo",
                "generate",
                {"specId": "potion_icon", "variants": 1, "overrides": {"seed": 100 + i}},
            )
            for i in range(4)
        ]
        worker = start_worker(store.root, f"{state.url},{second.url}", concurrency=2)
        wait_for(
            lambda: sum(j.status == "succeeded" for j in list_jobs(store, "demo")) >= 2,
            timeout_s=180,
            what="two jobs to finish",
        )
        comfy_process.stop(second_settings)
        _, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, err.decode()[-2000:]
    finally:
        comfy_process.stop(second_settings)
    finished = [store.read("demo", "jobs", j.id) for j in jobs]
    assert all(j.status == "succeeded" for j in finished), [(j.status, j.error) for j in finished]
    asset = store.read("demo", "assets", "potion_icon")
    backends = {v.generation["comfyui"]["backend"] for v in asset.versions}
    assert backends == {state.url, second.url}, f"jobs ran on {backends}"
    assert len(asset.versions) == 4
    print(json.dumps({"backends": sorted(backends)}))


def test_the_seeds_nextjobs_example_runs_as_written(comfy_env, tmp_path: Path) -> None:
    """generate (real ComfyUI) -> bg_remove of "$output.originalsDir/...": the child's input is substituted."""
    _, state = comfy_env
    store = fresh_project(tmp_path)
    job = create_job(
        store,
        "demo",
        "generate",
        {
            "specId": "potion_icon",
            "checkpointName": "ckpt_sd15_demo",
            "variants": 2,
            "nextJobs": [{"type": "bg_remove", "input": {"originalPath": "$output.originalsDir/..."}}],
        },
    )
    broken = create_job(
        store,
        "demo",
        "generate",
        {
            "specId": "potion_icon",
            "variants": 1,
            "overrides": {"seed": 5},
            "nextJobs": [{"type": "bg_remove", "input": {"originalPath": "$output.noSuchKey"}}],
        },
    )
    worker = start_worker(store.root, state.url)
    _, err = worker.communicate(timeout=300)
    assert worker.returncode == 0, err.decode()[-2000:]
    parent: Job = store.read("demo", "jobs", job.id)
    (child_id,) = parent.child_job_ids
    child: Job = store.read("demo", "jobs", child_id)
    assert child.input == {"originalPath": "projects/demo/files/images/potion_icon/original/..."}
    assert child.status == "succeeded" and child.parent_job_id == job.id
    asset = store.read("demo", "assets", "potion_icon")
    version = next(v for v in asset.versions if v.id == job.id)
    assert all(v.alpha_path and v.processing.bg_remove.job_id == child_id for v in version.variants)
    failed: Job = store.read("demo", "jobs", broken.id)
    assert failed.status == "failed" and "noSuchKey" in failed.error and not failed.child_job_ids


def test_a_killed_managed_comfyui_is_restarted_and_the_job_retried(tmp_path: Path) -> None:
    """SIGKILL of the managed ComfyUI mid-prompt: the worker restarts it; the job succeeds once, no duplicates."""
    store = fresh_project(tmp_path)
    settings = Settings.from_env(data_dir=store.root)
    project = store.read_project("demo")
    project.policies.retry_policy.base_delay_ms = 200
    store.write_project(project)
    job = create_job(store, "demo", "generate", {"specId": "potion_icon", "variants": 3})
    env = {k: v for k, v in os.environ.items() if k != "COMFYUI_URL"}
    worker = subprocess.Popen(
        [sys.executable, "-m", "orchestrator.cli", "--data-dir", str(store.root), "worker", "--once"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:

        def generating() -> bool:
            current: Job = store.read("demo", "jobs", job.id)
            return current.progress is not None and current.progress.value > 0

        wait_for(generating, timeout_s=240, what="the job to start generating on the managed ComfyUI")
        first = comfy_process.read_state(settings)
        os.killpg(first.pid, signal.SIGKILL)
        _, err = worker.communicate(timeout=400)
        assert worker.returncode == 0, err.decode()[-2000:]
        done: Job = store.read("demo", "jobs", job.id)
        assert done.status == "succeeded" and done.attempt == 2, (done.status, done.error)
        assert done.retry_history[0].error_class == "upstream_unavailable"
        second = comfy_process.read_state(settings)
        assert second is not None and second.pid != first.pid
        asset = store.read("demo", "assets", "potion_icon")
        assert len(asset.versions) == 1 and len(asset.versions[0].variants) == 3
        originals = list((store.project_dir("demo") / "files/images/potion_icon/original").iterdir())
        assert len(originals) == 3
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
        comfy_process.stop(settings)
