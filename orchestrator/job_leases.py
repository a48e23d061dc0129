"""Per-project job slots shared by every worker process on the host, held as renewable leases.

A project has ``concurrency`` slots (``ASSETGEN_WORKER_PROJECT_CONCURRENCY``, default 1). Claiming a job
takes a free slot and marks the job running with a lease (worker id, slot, expiry); the worker renews it
by heartbeat; a lease that is not renewed within ``lock_ttl_ms`` (``ASSETGEN_WORKER_PROJECT_LOCK_TTL_MS``,
default 30000) expires, and another worker may take the job over and run it again. Every claim, renewal
and release happens inside the project's job lock (an flock), so the slot table
``data/runtime/worker-locks/<projectId>.json`` (the origin's path) and the job files always agree.

The slot table is written without an fsync (two per job less): after a power cut it may be older than
the job files or gone, and either way it is harmless, as every slot in it expires with its lease and a
missing or damaged table reads as empty. The job files, which hold the leases, stay durable.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assetgen.clock import ms_from_iso, now_iso, now_ms
from assetgen.errors import AssetgenError, InvalidInput
from assetgen.jobs import fail_stuck_job, is_stuck
from assetgen.models import Job
from assetgen.models.job import Lease
from assetgen.store import ProjectStore, read_json, write_json_atomic

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LeaseConfig:
    """How many jobs of one project may run at once (all workers together), and the lease length."""

    concurrency: int = 1
    lock_ttl_ms: int = 30000


def slots_path(store: ProjectStore, project_id: str) -> Path:
    return store.root / "runtime" / "worker-locks" / f"{store.project_dir(project_id).name}.json"


def _read_slots(path: Path) -> dict[str, dict]:
    if not path.is_file():
        return {}
    try:
        data = read_json(path)
    except InvalidInput:
        return {}  # a damaged table is rebuilt from the job files' leases
    return data.get("slots", {}) if isinstance(data, dict) else {}


def _write_slots(path: Path, project_id: str, slots: dict[str, dict]) -> None:
    write_json_atomic(path, {"projectId": project_id, "slots": slots}, durable=False)


def _is_due(job: Job, now: int) -> bool:
    return job.next_retry_at is None or ms_from_iso(job.next_retry_at) <= now


def _claimable(job: Job, now: int) -> bool:
    if job.status == "queued":
        return _is_due(job, now)
    # A running job whose lease expired: its worker died (or hung); take it over.
    return job.status == "running" and (job.lease is None or job.lease.expires_at_ms <= now)


def _current(store: ProjectStore, project_id: str, job_id: str) -> Job | None:
    """The job as its file says now (a reader such as a JobIndex fed by file events may be a moment behind),
    a copy the caller may change; None when it cannot be read."""
    try:
        return store.read(project_id, "jobs", job_id)
    except AssetgenError:
        return None


def _fail_stuck_jobs(store: ProjectStore, project_id: str, jobs: list[Job], now: int) -> dict[str, Job]:
    """Fail (as ``timeout``, retried per policy) running jobs past the stuck threshold, even with a live lease:
    a hung worker that keeps renewing must not hold a slot forever. Returns them as changed (read again:
    ``jobs`` may be a reader's shared, slightly stale cache), by id. Under the job lock."""
    if not any(job.status == "running" for job in jobs):
        return {}
    policy = store.read_project(project_id).policies.retry_policy
    stuck = {}
    for candidate in jobs:
        if not is_stuck(candidate, policy, now):
            continue
        job = _current(store, project_id, candidate.id)
        if job is not None and is_stuck(job, policy, now):
            fail_stuck_job(job, policy, now)
            store.write(project_id, "jobs", job)
            stuck[job.id] = job
            log.warning("project=%s job=%s stuck past the threshold: %s", project_id, job.id, job.error)
    return stuck


def claim_next_job(
    store: ProjectStore,
    project_id: str,
    worker_id: str,
    config: LeaseConfig,
    *,
    read_jobs: Callable[[ProjectStore, str], list[Job]],
    prepare: Callable[[Job], None] | None = None,
) -> Job | None:
    """Take a free slot of ``project_id`` and the oldest claimable job, marking it running; None if none.

    ``read_jobs`` returns the project's queued and running jobs, oldest first (they are not changed, and
    may be slightly stale: the one taken is read again). ``prepare`` may change the job taken before the
    claim writes it (the worker freezes a generate job's plan there)."""
    with store.lock(project_id, "jobs", "queue"):
        now = now_ms()
        path = slots_path(store, project_id)
        slots = {
            k: v
            for k, v in _read_slots(path).items()
            if v.get("expiresAtMs", 0) > now and int(k) < config.concurrency
        }
        jobs = read_jobs(store, project_id)
        stuck = _fail_stuck_jobs(store, project_id, jobs, now)
        jobs = [stuck.get(job.id, job) for job in jobs]
        slots = {k: v for k, v in slots.items() if v.get("jobId") not in stuck}
        if stuck:
            _write_slots(path, project_id, slots)
        if len(slots) >= config.concurrency:
            return None
        busy_jobs = {v.get("jobId") for v in slots.values()}
        for candidate in jobs:
            if candidate.id in busy_jobs or not _claimable(candidate, now):
                continue
            # Decide on the job as it is now: never write a stale copy over a change such as a cancel.
            job = _current(store, project_id, candidate.id)
            if job is None or not _claimable(job, now):
                continue
            slot = next(i for i in range(config.concurrency) if str(i) not in slots)
            if job.status == "running":
                job.progress = None  # taken over: the previous run's progress is stale
            job.status = "running"
            job.attempt += 1
            job.lease = Lease(
                worker_id=worker_id, slot=slot, expires_at_ms=now + config.lock_ttl_ms, claimed_at_ms=now
            )
            job.started_at = job.started_at or now_iso()
            job.next_retry_at = None
            if prepare is not None:
                prepare(job)
            job.updated_at = now_iso()
            store.write(project_id, "jobs", job)
            slots[str(slot)] = {
                "workerId": worker_id,
                "jobId": job.id,
                "expiresAtMs": now + config.lock_ttl_ms,
            }
            _write_slots(path, project_id, slots)
            return job
        return None


def update_owned_job(
    store: ProjectStore,
    project_id: str,
    job_id: str,
    worker_id: str,
    config: LeaseConfig,
    change: Callable[[Job], None] | None = None,
    *,
    release: bool = False,
) -> Job | None:
    """Renew, change or release a job this worker holds. None when the lease was lost.

    Without ``change`` the lease is renewed (a heartbeat); with ``change`` alone only the job file is
    written (progress, the frozen plan: the slot table and the lease stay as they are, one write instead
    of two); ``release`` (or a change that ends the job) frees the slot."""
    with store.lock(project_id, "jobs", "queue"):
        job: Job = store.read(project_id, "jobs", job_id)
        if job.lease is None or job.lease.worker_id != worker_id or job.status != "running":
            return None
        now = now_ms()
        slot = str(job.lease.slot)  # before ``change``, which may clear the lease
        if change is not None:
            change(job)
        if change is not None and not release and job.status == "running" and job.lease is not None:
            job.updated_at = now_iso()
            store.write(project_id, "jobs", job)
            return job
        path = slots_path(store, project_id)
        slots = _read_slots(path)
        if release or job.status != "running":
            job.lease = None
            slots.pop(slot, None)
        else:
            job.lease = job.lease.model_copy(update={"expires_at_ms": now + config.lock_ttl_ms})
            slots[slot] = {"workerId": worker_id, "jobId": job_id, "expiresAtMs": now + config.lock_ttl_ms}
        job.updated_at = now_iso()
        store.write(project_id, "jobs", job)
        _write_slots(path, project_id, slots)
        return job
