"""A job stuck in running past retryPolicy.stuckRunThresholdMs is failed as a timeout and retried, even when a
hung worker keeps its lease alive; its slot is freed and the hung worker loses the job."""

from __future__ import annotations

import pytest

from assetgen.jobs import create_job, fail_stuck_job, is_stuck, list_exceptions, stuck_threshold_ms
from assetgen.models import Job
from assetgen.models.job import Lease
from assetgen.models.project import RetryPolicy
from assetgen.store import ProjectStore
from orchestrator.job_index import JobIndex
from orchestrator.job_leases import LeaseConfig, claim_next_job, now_ms, slots_path, update_owned_job

CONFIG = LeaseConfig(concurrency=1, lock_ttl_ms=30000)


def set_policy(store: ProjectStore, **fields) -> None:
    project = store.read_project("demo")
    project.policies.retry_policy = RetryPolicy(**fields)
    store.write_project(project)


def claim(store: ProjectStore, worker: str) -> Job | None:
    # A fresh index reads every job file, as a worker's first claim does.
    return claim_next_job(store, "demo", worker, CONFIG, read_jobs=JobIndex().active_jobs)


def age_claim(store: ProjectStore, job_id: str, by_ms: int) -> None:
    """Pretend the attempt was claimed ``by_ms`` ago while its lease is still fresh (a hung worker renewing)."""
    job = store.read("demo", "jobs", job_id)
    job.lease.claimed_at_ms = now_ms() - by_ms
    job.lease.expires_at_ms = now_ms() + 30000
    store.write("demo", "jobs", job)


@pytest.mark.parametrize(
    ("policy", "job_type", "expected"),
    [
        ({}, "generate", 900000),
        ({"stuckRunThresholdMs": 5000}, "export", 5000),
        (
            {"stuckRunThresholdMs": 5000, "perJobType": {"generate": {"stuckRunThresholdMs": 700}}},
            "generate",
            700,
        ),
        ({"stuckRunThresholdMs": 0}, "generate", 0),
    ],
)
def test_threshold_per_job_type(policy: dict, job_type: str, expected: int) -> None:
    assert stuck_threshold_ms(RetryPolicy(**policy), job_type) == expected


def test_is_stuck_needs_a_running_job_past_the_threshold() -> None:
    policy = RetryPolicy(stuck_run_threshold_ms=1000)
    job = Job(id="j", project_id="demo", type="generate", status="running", attempt=1)
    job.lease = Lease(worker_id="w", expires_at_ms=10**13, claimed_at_ms=5000)
    assert not is_stuck(job, policy, 5900) and is_stuck(job, policy, 6001)
    assert not is_stuck(job, RetryPolicy(stuck_run_threshold_ms=0), 10**12)
    job.status = "queued"
    assert not is_stuck(job, policy, 10**12)


def test_fail_stuck_job_retries_then_escalates() -> None:
    policy = RetryPolicy(stuck_run_threshold_ms=1000, base_delay_ms=0, jitter_pct=0)
    job = Job(id="j", project_id="demo", type="generate", status="running", attempt=1, max_attempts=2)
    job.lease = Lease(worker_id="w9", expires_at_ms=10**13, claimed_at_ms=0)
    fail_stuck_job(job, policy, 5000)
    assert job.status == "queued" and job.error_class == "timeout" and job.lease is None
    assert "stuck" in job.error and "w9" in job.error and "stuckRunThresholdMs" in job.error
    assert job.retry_history[-1].duration_ms == 5000
    job.status, job.attempt = "running", 2
    job.lease = Lease(worker_id="w9", expires_at_ms=10**13, claimed_at_ms=0)
    fail_stuck_job(job, policy, 5000)
    assert job.status == "failed" and job.escalated_at and job.escalation_target == "exception_inbox"


def test_a_hung_worker_with_a_live_lease_loses_its_stuck_job(demo_store: ProjectStore) -> None:
    set_policy(demo_store, stuck_run_threshold_ms=60000, base_delay_ms=0, jitter_pct=0, max_attempts=2)
    create_job(demo_store, "demo", "generate", {"specId": "potion_icon"}, job_id="job_hung")
    first = claim(demo_store, "hung-worker")
    assert first is not None and first.lease.claimed_at_ms is not None
    assert claim(demo_store, "other") is None  # the slot is held and the job is not stuck yet
    age_claim(demo_store, "job_hung", 61000)
    retried = claim(demo_store, "other")  # the sweep fails it; base delay 0 -> claimable again at once
    assert retried is not None and retried.id == "job_hung" and retried.attempt == 2
    assert retried.lease.worker_id == "other"
    assert retried.retry_history[-1].error_class == "timeout"
    assert update_owned_job(demo_store, "demo", "job_hung", "hung-worker", CONFIG) is None  # renewal refused
    age_claim(demo_store, "job_hung", 61000)
    assert claim(demo_store, "third") is None
    job = demo_store.read("demo", "jobs", "job_hung")
    assert job.status == "failed" and job.error_class == "timeout" and job.escalated_at
    assert [j.id for j in list_exceptions(demo_store, "demo")] == ["job_hung"]
    slots = slots_path(demo_store, "demo").read_text()
    assert "job_hung" not in slots


def test_a_running_job_under_the_threshold_is_left_alone(demo_store: ProjectStore) -> None:
    set_policy(demo_store, stuck_run_threshold_ms=60000)
    create_job(demo_store, "demo", "generate", {"specId": "potion_icon"}, job_id="job_ok")
    claim(demo_store, "w1")
    age_claim(demo_store, "job_ok", 30000)
    assert claim(demo_store, "w2") is None
    job = demo_store.read("demo", "jobs", "job_ok")
    assert job.status == "running" and job.lease.worker_id == "w1" and not job.retry_history
