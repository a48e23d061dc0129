"""jobs/<jobId>.json: one job, its state machine, its input and output."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from assetgen.models.base import Contract, Record

JobStatus = Literal["queued", "running", "succeeded", "failed", "canceled"]
TERMINAL_STATUSES: frozenset[str] = frozenset({"succeeded", "failed", "canceled"})
ErrorClass = Literal["retryable", "non_retryable", "timeout", "upstream_unavailable"]


class NextJob(Contract):
    """A follow-up job queued when its parent succeeds; strings may hold ``$output.<key>`` etc."""

    type: str
    input: dict[str, Any] = Field(default_factory=dict)


class RetryRecord(Contract):
    """One failed attempt."""

    attempt: int
    error: str
    error_class: ErrorClass | None = None
    ts: str
    duration_ms: int | None = None


class Lease(Contract):
    """assetgen: which worker runs the job and until when its claim holds."""

    worker_id: str
    slot: int | None = None
    expires_at_ms: int


class Progress(Contract):
    """assetgen: progress as ComfyUI reports it."""

    value: float = 0
    max: float = 0
    percent: float = Field(default=0, ge=0, le=100)
    message: str | None = None


class Job(Record):
    """One job (generate, bg_remove, atlas_pack, export, autopilot ...)."""

    project_id: str
    type: str
    status: JobStatus = "queued"
    input: dict[str, Any] = Field(default_factory=dict)
    output: dict[str, Any] = Field(default_factory=dict)
    error: str | None = None
    error_class: ErrorClass | None = None
    attempt: int = Field(default=0, ge=0, description="Attempts started so far (the first is 1).")
    max_attempts: int = Field(default=3, ge=1)
    next_retry_at: str | None = None
    retry_history: list[RetryRecord] = Field(default_factory=list)
    escalated_at: str | None = None
    escalation_target: str | None = None
    log_path: str | None = None
    parent_job_id: str | None = None
    child_job_ids: list[str] = Field(default_factory=list)
    lease: Lease | None = None
    progress: Progress | None = None
    started_at: str | None = None
    finished_at: str | None = None
    cancel_requested: bool = Field(default=False, description="assetgen: the worker running it should stop.")


class GenerateInput(Contract):
    """Input of a ``generate`` job (the seed's example is valid as written)."""

    spec_id: str
    template_id: str = "txt2img"
    checkpoint_name: str | None = Field(default=None, description="A checkpoint record id.")
    variants: int | None = Field(default=None, ge=1, le=256)
    overrides: dict[str, Any] = Field(default_factory=dict)
    loras: list[dict[str, Any]] | None = None
    next_jobs: list[NextJob] = Field(default_factory=list)
