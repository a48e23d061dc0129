"""The worker without ComfyUI: chains of bg_remove -> atlas_pack -> export, throttling across processes,
corrupt job files, retries, cancel of queued jobs."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assetgen.jobs import create_job, list_jobs
from assetgen.models import Job
from assetgen.settings import Settings
from assetgen.store import ProjectStore
from orchestrator.job_leases import LeaseConfig
from orchestrator.worker import Worker, lease_config_from_env
from tests.conftest import DEMO_PROJECT
from tests.orchestrator.worker_helpers import add_sprite_asset, max_overlap


def run_worker_once(store: ProjectStore, **kwargs) -> None:
    settings = Settings.from_env(data_dir=store.root)
    asyncio.run(
        Worker(settings, lease=LeaseConfig(**kwargs) if kwargs else None, rescan_s=0.2).run(
            asyncio.Event(), once=True
        )
    )


def test_bg_remove_then_pack_then_export_chain(demo_store: ProjectStore) -> None:
    add_sprite_asset(demo_store, "demo", "slime", variants=3)
    job = create_job(
        demo_store,
        "demo",
        "bg_remove",
        {
            "assetId": "slime",
            "nextJobs": [
                {
                    "type": "atlas_pack",
                    "input": {
                        "atlasId": "slime_sheet",
                        "padding": 1,
                        "frames": [
                            {"assetId": "$output.assetId", "variantId": v}
                            for v in ("slime-v1", "slime-v2", "slime-v3")
                        ],
                        "nextJobs": [
                            {
                                "type": "export",
                                "input": {"profileId": "godot", "atlasIds": ["$output.atlasId"]},
                            }
                        ],
                    },
                }
            ],
        },
    )
    run_worker_once(demo_store)
    jobs = {j.type: j for j in list_jobs(demo_store, "demo")}
    assert {j.status for j in jobs.values()} == {"succeeded"}, {t: j.error for t, j in jobs.items()}
    assert (
        jobs["atlas_pack"].parent_job_id == job.id and jobs["export"].parent_job_id == jobs["atlas_pack"].id
    )
    assert len(jobs["bg_remove"].output["alphaPaths"]) == 3
    assert demo_store.read("demo", "atlases", "slime_sheet").frames
    export_dir = demo_store.root / jobs["export"].output["exportPath"]
    assert (export_dir / "manifest.json").is_file()


def test_unknown_placeholder_fails_the_parents_chaining(demo_store: ProjectStore) -> None:
    add_sprite_asset(demo_store, "demo", "slime")
    create_job(
        demo_store,
        "demo",
        "bg_remove",
        {"assetId": "slime", "nextJobs": [{"type": "export", "input": {"profileId": "$output.nope"}}]},
    )
    run_worker_once(demo_store)
    (job,) = list_jobs(demo_store, "demo")
    assert job.status == "failed" and "chaining nextJobs failed" in job.error and "nope" in job.error
    assert job.output["alphaPaths"], "the parent's own work is kept"


def test_bad_input_fails_without_retry_and_unavailable_types_say_so(demo_store: ProjectStore) -> None:
    create_job(demo_store, "demo", "bg_remove", {"assetId": "no_such_asset"})
    create_job(demo_store, "demo", "autopilot", {})
    run_worker_once(demo_store)
    by_type = {j.type: j for j in list_jobs(demo_store, "demo")}
    assert by_type["bg_remove"].status == "failed" and by_type["bg_remove"].attempt == 1
    assert (
        by_type["bg_remove"].error_class == "non_retryable" and "no_such_asset" in by_type["bg_remove"].error
    )
    assert by_type["autopilot"].status == "failed" and "specId" in by_type["autopilot"].error


@pytest.mark.hardening
def test_a_corrupt_job_file_fails_alone(demo_store: ProjectStore) -> None:
    add_sprite_asset(demo_store, "demo", "slime")
    good = create_job(demo_store, "demo", "bg_remove", {"assetId": "slime"})
    bad_path = demo_store.record_path("demo", "jobs", "broken1")
    bad_path.write_text('{"id": "broken1", "status": ')
    run_worker_once(demo_store)
    assert demo_store.read("demo", "jobs", good.id).status == "succeeded"
    broken: Job = demo_store.read("demo", "jobs", "broken1")
    assert broken.status == "failed" and "invalid JSON" in broken.error
    assert Path(f"{bad_path}.corrupt").read_text().startswith('{"id": "broken1"')


def test_lease_settings_come_from_the_environment() -> None:
    config = lease_config_from_env(
        {"ASSETGEN_WORKER_PROJECT_CONCURRENCY": "3", "ASSETGEN_WORKER_PROJECT_LOCK_TTL_MS": "5000"}
    )
    assert (config.concurrency, config.lock_ttl_ms) == (3, 5000)
    assert lease_config_from_env({}) == LeaseConfig(concurrency=1, lock_ttl_ms=30000)


@pytest.mark.hardening
@pytest.mark.parametrize("concurrency", [1, 2])
def test_three_worker_processes_respect_the_per_project_limit(tmp_path: Path, concurrency: int) -> None:
    """3 worker processes, 2 projects, 20 jobs each: never more than `concurrency` running per project,
    every job ends exactly once."""
    root = tmp_path / "data"
    store = ProjectStore(root)
    for project in ("alpha", "beta"):
        shutil.copytree(DEMO_PROJECT, root / "projects" / project)
        add_sprite_asset(store, project, "slime", variants=1)
        for _ in range(20):
            create_job(store, project, "bg_remove", {"assetId": "slime", "method": "colorkey"})
    env = {
        **os.environ,
        "ASSETGEN_WORKER_PROJECT_CONCURRENCY": str(concurrency),
        "ASSETGEN_WORKER_PROJECT_LOCK_TTL_MS": "10000",
    }
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "orchestrator.cli", "--data-dir", str(root), "worker", "--once"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for _ in range(3)
    ]
    for worker in workers:
        _, err = worker.communicate(timeout=240)
        assert worker.returncode == 0, err.decode()[-2000:]
    for project in ("alpha", "beta"):
        jobs = list_jobs(store, project)
        assert len(jobs) == 20 and all(j.status == "succeeded" and j.attempt == 1 for j in jobs)
        assert max_overlap(jobs) <= concurrency
        assert len({j.lease for j in jobs}) == 1 and jobs[0].lease is None, "every slot was released"


def test_a_running_job_canceled_stops_and_a_failure_while_stopping_is_logged(
    demo_store: ProjectStore, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from assetgen.jobs import request_cancel
    from orchestrator import worker as worker_module

    started = asyncio.Event()

    async def slow_handler(ctx) -> dict:
        started.set()
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            raise RuntimeError("cleanup broke") from None
        return {}

    monkeypatch.setattr(worker_module, "get_handler", lambda job_type: slow_handler)
    job = create_job(demo_store, "demo", "export", {"profileId": "godot", "assetIds": ["x"]})
    settings = Settings.from_env({}, data_dir=demo_store.root)

    async def scenario() -> None:
        worker = Worker(settings, lease=LeaseConfig(lock_ttl_ms=1000), rescan_s=0.2)
        run = asyncio.create_task(worker.run(asyncio.Event(), once=True))
        await started.wait()
        await asyncio.to_thread(request_cancel, demo_store, "demo", job.id)
        await run

    asyncio.run(scenario())
    final = demo_store.read("demo", "jobs", job.id)
    assert final.status == "canceled" and final.error == "canceled while running"
    assert final.cancel_requested is False
    assert f"job={job.id}" in caplog.text and "cleanup broke" in caplog.text


def test_the_loop_sleeps_until_the_rescan_or_a_retry_falls_due(demo_store: ProjectStore) -> None:
    """With the file watch running the full look is every 5 s; a queued job whose retry falls due sooner
    wakes the loop then, once (a retry already due at the last full look is not waited for again)."""
    from assetgen.clock import iso_from_ms, now_ms

    worker = Worker(Settings.from_env(data_dir=demo_store.root))
    worker._rescan_every = 5.0
    assert worker._take_touched() is None  # the first round looks at every project
    assert 4.5 < worker._next_look_in() <= 5.0
    job = create_job(demo_store, "demo", "bg_remove", {"assetId": "slime"})
    job.next_retry_at = iso_from_ms(now_ms() + 2000)
    demo_store.write("demo", "jobs", job)
    worker.jobs.active_jobs(demo_store, "demo")
    assert 1.0 < worker._next_look_in() <= 2.0
    assert worker._take_touched() == set()  # not due yet: only the touched projects (none)
    job.next_retry_at = iso_from_ms(worker._looked_everywhere_ms + 5)  # due since the last full look
    demo_store.write("demo", "jobs", job)
    worker.jobs.active_jobs(demo_store, "demo")
    time.sleep(0.02)
    assert worker._take_touched() is None  # due now: every project
    assert worker._next_look_in() > 4.5  # and not again


def test_a_claim_round_skips_folders_that_are_not_projects(demo_store: ProjectStore) -> None:
    """File events name the folder a job file appeared in; one with a bad name or no project.json is not
    a project (as for list_projects) and must not stop the loop."""
    (demo_store.projects_dir() / "not a project" / "jobs").mkdir(parents=True)
    worker = Worker(Settings.from_env(data_dir=demo_store.root))
    assert asyncio.run(worker._claim_all({"not a project", "ghost"})) == 0
