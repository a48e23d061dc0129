"""Jobs: creation, the state machine, cancel/retry, and nextJobs chaining with placeholder substitution.

States: ``queued -> running -> succeeded | failed | canceled``; a failed attempt that may be retried goes
back to ``queued`` with ``nextRetryAt``. Workers (the orchestrator) claim and finish jobs; everything
here is plain functions over the store.

Chaining: a job's ``input.nextJobs`` become new queued jobs when it succeeds. Inside their inputs,
``$output.<key>``, ``$input.<key>`` (dotted paths reach into objects), ``$projectId`` and ``$jobId``
are substituted in strings; a string that is exactly one placeholder takes the value's JSON type. An
unknown key fails the parent's chaining step with a clear error; a literal ``$output.x`` never reaches
a child. Child ids derive from the parent id, so chaining twice creates nothing twice.
"""

from __future__ import annotations

import logging
import random
import re
from dataclasses import dataclass
from typing import Any

from assetgen.clock import iso_from_ms, ms_from_iso, now_iso
from assetgen.errors import AssetgenError, BackendUnavailable, Conflict, InvalidInput
from assetgen.ids import new_ulid, validate_id
from assetgen.models import TERMINAL_STATUSES, GenerateInput, Job, NextJob
from assetgen.models.base import parse_model
from assetgen.models.job import RetryRecord, TilesetInput
from assetgen.models.pixel_art import PixelateInput
from assetgen.models.project import RetryPolicy
from assetgen.store import ProjectStore

log = logging.getLogger(__name__)

JOB_TYPES = (
    "generate",
    "bg_remove",
    "pixelate",
    "atlas_pack",
    "export",
    "autopilot",
    "autopilot_review",
    "tileset",
    # anchor-frame animations (assetgen.generation.anchor_frames)
    "generate_frames",
    "frames_review",
    "frames_align",
)
MAX_NEXT_JOBS = 64
MAX_CHAIN_DEPTH = 32
DANGLING = re.compile(r"\$(?:output|input)\.(?![A-Za-z0-9_])")
PLACEHOLDER = re.compile(r"\$(?:(output|input)\.([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)|(projectId|jobId)\b)")


def validate_job_input(job_type: str, data: Any) -> dict[str, Any]:
    """Check a job's type and input shape before it is stored; returns the input as a dict."""
    if job_type not in JOB_TYPES:
        raise InvalidInput(f"unknown job type {job_type!r}; use one of {list(JOB_TYPES)}")
    if not isinstance(data, dict):
        raise InvalidInput(f"job input must be a JSON object, got {type(data).__name__}")
    if job_type == "generate":
        parse_model(GenerateInput, data, where="generate job input")
    if job_type == "pixelate":
        parse_model(PixelateInput, data, where="pixelate job input")
    if job_type == "tileset":
        parse_model(TilesetInput, data, where="tileset job input")
    next_jobs = data.get("nextJobs", [])
    if not isinstance(next_jobs, list) or len(next_jobs) > MAX_NEXT_JOBS:
        raise InvalidInput(f"nextJobs must be a list of at most {MAX_NEXT_JOBS} jobs")
    for index, child in enumerate(next_jobs):
        item = parse_model(NextJob, child, where=f"nextJobs[{index}]")
        if item.type not in JOB_TYPES:
            raise InvalidInput(
                f"nextJobs[{index}]: unknown job type {item.type!r}; use one of {list(JOB_TYPES)}"
            )
    return data


def generate_job_input(
    spec_id: str,
    *,
    variants: int | None = None,
    seed: int | None = None,
    seed_offset: int | None = None,
    checkpoint_id: str | None = None,
    template_id: str | None = None,
    review_feedback: list[dict[str, Any]] | None = None,
    next_jobs: list[NextJob] | None = None,
) -> dict[str, Any]:
    """The input of a ``generate`` job, as stored: only the keys given (the rest take the job's defaults).

    ``seed`` fixes the base seed (variant i gets seed+i, ``overrides.seed``); ``seed_offset`` moves every
    derived seed (a new round); ``checkpoint_id`` is a checkpoint record id (``checkpointName``)."""
    given: dict[str, Any] = {
        "spec_id": spec_id,
        "template_id": template_id,
        "checkpoint_name": checkpoint_id,
        "variants": variants,
        "overrides": {"seed": seed} if seed is not None else None,
        "seed_offset": seed_offset,
        "review_feedback": review_feedback or None,
        "next_jobs": next_jobs or None,
    }
    request = parse_model(
        GenerateInput, {k: v for k, v in given.items() if v is not None}, where="generate job input"
    )
    return request.model_dump(mode="json", exclude_unset=True)


def require_referenced_records(
    store: ProjectStore, project_id: str, job_type: str, data: dict[str, Any]
) -> None:
    """Refuse a job whose input names a record that does not exist (today: a generate job's spec)."""
    if job_type == "generate":
        spec_id = validate_id(
            parse_model(GenerateInput, data, where="generate job input").spec_id, what="spec id"
        )
        if not store.exists(project_id, "specs", spec_id):
            known = store.list_ids(project_id, "specs")
            raise InvalidInput(
                f"generate job: project {project_id!r} has no spec {spec_id!r} (known: {known[:20]}); "
                "create it or refine a wishlist first"
            )


def create_job(
    store: ProjectStore,
    project_id: str,
    job_type: str,
    data: dict[str, Any],
    *,
    job_id: str | None = None,
    parent_job_id: str | None = None,
    max_attempts: int | None = None,
) -> Job:
    """Validate and store a new queued job (atomic write; a job id that exists is a Conflict)."""
    project = store.read_project(project_id)
    validate_job_input(job_type, data)
    require_referenced_records(store, project_id, job_type, data)
    job_id = validate_id(job_id, what="job id") if job_id else new_ulid()
    now = now_iso()
    policy = project.policies.retry_policy
    per_type = policy.per_job_type.get(job_type, {})
    attempts = max_attempts or int(per_type.get("maxAttempts", policy.max_attempts))
    job = Job(
        id=job_id,
        project_id=project_id,
        type=job_type,
        status="queued",
        input=data,
        created_at=now,
        updated_at=now,
        max_attempts=attempts,
        parent_job_id=parent_job_id,
    )
    store.write(project_id, "jobs", job, create_only=True)
    return job


@dataclass(frozen=True)
class JobListing:
    """A project's jobs, oldest first, and the ids of job files that could not be read (skipped)."""

    jobs: list[Job]
    unreadable: list[str]


def read_job_listing(store: ProjectStore, project_id: str, *, status: str | None = None) -> JobListing:
    """The project's jobs, oldest first (``status`` filters), and the ids of unreadable job files.

    An unreadable file is skipped, counted and logged (the worker marks it failed when it next scans);
    callers report the count so nobody mistakes a broken file for a missing job."""
    jobs, unreadable = [], []
    for job_id in store.list_ids(project_id, "jobs"):
        try:
            job = store.read(project_id, "jobs", job_id)
        except InvalidInput as exc:
            unreadable.append(job_id)
            log.warning("project=%s job=%s unreadable job file skipped: %s", project_id, job_id, exc)
            continue
        if status is None or job.status == status:
            jobs.append(job)
    return JobListing(jobs=sorted(jobs, key=lambda j: (j.created_at or "", j.id)), unreadable=unreadable)


def list_jobs(store: ProjectStore, project_id: str, *, status: str | None = None) -> list[Job]:
    """The project's jobs, oldest first; ``status`` filters. Unreadable job files are skipped (and logged)."""
    return read_job_listing(store, project_id, status=status).jobs


def request_cancel(store: ProjectStore, project_id: str, job_id: str) -> Job:
    """Cancel a queued job now; ask the worker running a job to stop it (it interrupts ComfyUI)."""
    with store.lock(project_id, "jobs", "queue"):  # workers change job files under the same lock
        return _request_cancel(store, project_id, job_id)


def _request_cancel(store: ProjectStore, project_id: str, job_id: str) -> Job:
    job: Job = store.read(project_id, "jobs", job_id)
    if job.status in TERMINAL_STATUSES:
        raise Conflict(f"job {job_id!r} is {job.status} already; only queued or running jobs can be canceled")
    now = now_iso()
    if job.status == "queued":
        job.status, job.finished_at, job.error = "canceled", now, "canceled before it ran"
    else:
        job.cancel_requested = True
    job.updated_at = now
    store.write(project_id, "jobs", job)
    return job


def requeue_for_retry(store: ProjectStore, project_id: str, job_id: str) -> Job:
    """Queue a failed or canceled job again (a fresh set of attempts); other states are a Conflict."""
    with store.lock(project_id, "jobs", "queue"):
        return _requeue(store, project_id, job_id)


def _requeue(store: ProjectStore, project_id: str, job_id: str) -> Job:
    job: Job = store.read(project_id, "jobs", job_id)
    if job.status not in ("failed", "canceled"):
        raise Conflict(f"job {job_id!r} is {job.status}; only failed or canceled jobs can be retried")
    policy = store.read_project(project_id).policies.retry_policy
    job.status, job.error, job.error_class, job.next_retry_at = "queued", None, None, None
    job.max_attempts = job.attempt + policy.max_attempts  # a fresh set of attempts
    job.finished_at, job.lease = None, None
    job.cancel_requested = False
    job.updated_at = now_iso()
    store.write(project_id, "jobs", job)
    return job


def _lookup(source: dict[str, Any], path: str, *, where: str) -> Any:
    value: Any = source
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            known = ", ".join(sorted(source)) or "none"
            raise InvalidInput(f"placeholder ${where}.{path}: no key {part!r} (keys: {known})")
        value = value[part]
    return value


def substitute(
    value: Any, *, project_id: str, job_id: str, job_input: dict[str, Any], job_output: dict[str, Any]
) -> Any:
    """Replace placeholders in every string of ``value`` (recursively)."""
    if isinstance(value, dict):
        return {
            k: substitute(v, project_id=project_id, job_id=job_id, job_input=job_input, job_output=job_output)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [
            substitute(v, project_id=project_id, job_id=job_id, job_input=job_input, job_output=job_output)
            for v in value
        ]
    if not isinstance(value, str) or "$" not in value:
        return value
    if DANGLING.search(value):
        raise InvalidInput(
            f"placeholder in {value[:80]!r}: $output. and $input. need a key, e.g. $output.assetId"
        )

    def resolve(match: re.Match[str]) -> Any:
        scope, path, name = match.group(1), match.group(2), match.group(3)
        if name == "projectId":
            return project_id
        if name == "jobId":
            return job_id
        return _lookup(job_output if scope == "output" else job_input, path, where=scope)

    whole = PLACEHOLDER.fullmatch(value)
    if whole:
        return resolve(whole)
    return PLACEHOLDER.sub(lambda m: _as_text(resolve(m), m.group(0)), value)


def _as_text(value: Any, placeholder: str) -> str:
    if isinstance(value, (dict, list)):
        raise InvalidInput(f"{placeholder} is an object or list and cannot be part of a longer string")
    return "" if value is None else str(value)


def chain_depth(store: ProjectStore, job: Job) -> int:
    depth, current = 0, job
    while current.parent_job_id and depth <= MAX_CHAIN_DEPTH:
        depth += 1
        if not store.exists(job.project_id, "jobs", current.parent_job_id):
            break
        current = store.read(job.project_id, "jobs", current.parent_job_id)
    return depth


def render_children(job: Job) -> list[tuple[str, str, dict[str, Any]]]:
    """(child id, type, substituted input) for each of ``job.input.nextJobs``; raises on unknown keys."""
    children = []
    parent_input = {k: v for k, v in job.input.items() if k != "nextJobs"}
    for index, raw in enumerate(job.input.get("nextJobs") or []):
        child = NextJob.model_validate(raw)
        # A grandchild's placeholders refer to the child's own output: its nextJobs stay as written.
        own = {k: v for k, v in child.input.items() if k != "nextJobs"}
        data = substitute(
            own, project_id=job.project_id, job_id=job.id, job_input=parent_input, job_output=job.output
        )
        if "nextJobs" in child.input:
            data["nextJobs"] = child.input["nextJobs"]
        child_id = f"{job.id[:120]}-n{index + 1}"
        children.append((child_id, child.type, data))
    return children


def enqueue_children(store: ProjectStore, job: Job) -> list[str]:
    """Create the queued children of a succeeded job (idempotent); returns their ids."""
    if job.input.get("nextJobs") and chain_depth(store, job) >= MAX_CHAIN_DEPTH:
        raise InvalidInput(f"job {job.id}: chains deeper than {MAX_CHAIN_DEPTH} jobs are refused")
    return [
        ensure_child_job(store, job, child_id, child_type, data)
        for child_id, child_type, data in render_children(job)
    ]


def ensure_child_job(
    store: ProjectStore, parent: Job, child_id: str, job_type: str, data: dict[str, Any]
) -> str:
    """Queue ``child_id`` as a child of ``parent`` unless it exists already (a re-run creates nothing twice)."""
    if not store.exists(parent.project_id, "jobs", child_id):
        create_job(store, parent.project_id, job_type, data, job_id=child_id, parent_job_id=parent.id)
    return child_id


def retry_delay_ms(policy: RetryPolicy, attempt: int, *, rng: random.Random | None = None) -> int:
    """Backoff before attempt ``attempt + 1``: fixed or exponential from ``baseDelayMs``, capped, with jitter."""
    base = (
        policy.base_delay_ms
        if policy.backoff_mode == "fixed"
        else policy.base_delay_ms * 2 ** max(0, attempt - 1)
    )
    delay = min(base, policy.max_delay_ms)
    jitter = (rng or random.Random()).uniform(-policy.jitter_pct, policy.jitter_pct)
    return max(0, int(delay * (1 + jitter)))


def error_class_of(exc: BaseException) -> str:
    """The retry policy's class of a failure: upstream_unavailable (ComfyUI unreachable), timeout,
    non_retryable (our own errors: bad input, missing records) or retryable (anything unexpected)."""
    if isinstance(exc, BackendUnavailable):
        return "upstream_unavailable"
    if isinstance(exc, TimeoutError):  # asyncio.TimeoutError is TimeoutError since Python 3.11
        return "timeout"
    if isinstance(exc, AssetgenError):
        return "non_retryable"
    return "retryable"


def record_failure(
    job: Job,
    *,
    error: str,
    error_class: str,
    duration_ms: int,
    policy: RetryPolicy,
    now_ms: int,
    rng: random.Random | None = None,
) -> Job:
    """Apply a failed attempt: queue a retry (with backoff) when the class is retryable and attempts are left."""
    job.retry_history.append(
        RetryRecord(
            attempt=job.attempt, error=error, error_class=error_class, ts=now_iso(), duration_ms=duration_ms
        )
    )
    job.error, job.error_class, job.lease = error, error_class, None
    if error_class in policy.retry_on and job.attempt < job.max_attempts:
        delay = retry_delay_ms(policy, job.attempt, rng=rng)
        job.status = "queued"
        job.next_retry_at = iso_from_ms(now_ms + delay)
    else:
        job.status, job.finished_at = "failed", now_iso()
        if job.attempt >= job.max_attempts and error_class in policy.retry_on:
            job.escalated_at, job.escalation_target = now_iso(), policy.escalate_to
    job.updated_at = now_iso()
    return job


def stuck_threshold_ms(policy: RetryPolicy, job_type: str) -> int:
    """``retryPolicy.perJobType.<type>.stuckRunThresholdMs``, else ``stuckRunThresholdMs`` (0 = never stuck)."""
    per_type = policy.per_job_type.get(job_type, {})
    value = per_type.get("stuckRunThresholdMs", policy.stuck_run_threshold_ms)
    try:
        return max(0, int(value))
    except (TypeError, ValueError) as exc:
        raise InvalidInput(
            f"project.json policies.retryPolicy.perJobType.{job_type}.stuckRunThresholdMs must be an "
            f"integer (ms), got {value!r}"
        ) from exc


def running_ms(job: Job, now_ms: int) -> int | None:
    """How long the current attempt of a running job has run (ms), or None when unknown."""
    if job.status != "running":
        return None
    if job.lease is not None and job.lease.claimed_at_ms is not None:
        return now_ms - job.lease.claimed_at_ms
    if job.started_at and job.attempt <= 1:
        return now_ms - ms_from_iso(job.started_at)
    return None


def is_stuck(job: Job, policy: RetryPolicy, now_ms: int) -> bool:
    """A running job whose attempt has run longer than the stuck threshold, live lease or not."""
    threshold = stuck_threshold_ms(policy, job.type)
    elapsed = running_ms(job, now_ms)
    return threshold > 0 and elapsed is not None and elapsed > threshold


def fail_stuck_job(job: Job, policy: RetryPolicy, now_ms: int, *, rng: random.Random | None = None) -> Job:
    """Fail a stuck attempt with error class ``timeout``; retried (or escalated) per the retry policy."""
    elapsed = running_ms(job, now_ms) or 0
    threshold = stuck_threshold_ms(policy, job.type)
    worker = job.lease.worker_id if job.lease is not None else "unknown"
    return record_failure(
        job,
        error=f"stuck: running {elapsed // 1000} s on worker {worker}, over the stuckRunThresholdMs of "
        f"{threshold} ms (project.json policies.retryPolicy); the worker's run was abandoned",
        error_class="timeout",
        duration_ms=elapsed,
        policy=policy,
        now_ms=now_ms,
        rng=rng,
    )


def list_exceptions(store: ProjectStore, project_id: str) -> list[Job]:
    """The project's exception inbox: failed jobs that were escalated (``escalatedAt`` set), newest first."""
    store.read_project(project_id)  # NotFound names the projects that exist
    escalated = [j for j in list_jobs(store, project_id, status="failed") if j.escalated_at]
    return sorted(escalated, key=lambda j: (j.escalated_at or "", j.id), reverse=True)
