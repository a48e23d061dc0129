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
    claimed_at_ms: int | None = Field(
        default=None,
        description="When this attempt was claimed (epoch ms): a run longer than "
        "retryPolicy.stuckRunThresholdMs is failed as a timeout even while its lease is renewed.",
    )


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
    plan: dict[str, Any] | None = Field(
        default=None,
        description="assetgen: the generation plan frozen before the first prompt (generate jobs).",
    )


class GenerateInput(Contract):
    """Input of a ``generate`` job (the seed's example is valid as written)."""

    spec_id: str
    template_id: str = "txt2img"
    checkpoint_name: str | None = Field(default=None, description="A checkpoint record id.")
    variants: int | None = Field(default=None, ge=1, le=256)
    overrides: dict[str, Any] = Field(default_factory=dict)
    seed_offset: int = Field(default=0, ge=0, le=2**31, description="assetgen: moves every seed (new seeds).")
    loras: list[dict[str, Any]] | None = None
    next_jobs: list[NextJob] = Field(default_factory=list)


class TilesetInput(Contract):
    """Input of a ``tileset`` job (assetgen): a Wang 2-corner terrain set for a spec with
    ``output.kind: tileset``, written to files/atlases/<specId>-tileset/."""

    spec_id: str
    regenerate_bands: bool = Field(
        default=True, description="Repaint each transition band by inpainting (False: corner masks only)."
    )
    next_jobs: list[NextJob] = Field(default_factory=list)


class BgRemoveInput(Contract):
    """Input of a ``bg_remove`` job (the origin's keys, plus assetgen's).

    Which variants: ``variantIds``/``variantId`` of ``assetId`` (what chained jobs pass), or one
    variant named by its stored ``originalPath``; with neither, every approved variant of the asset
    (status ``selected``, or the primary of an ``approved`` version). Unset tuning fields take the
    defaults of the method.
    """

    asset_id: str | None = None
    version_id: str | None = Field(default=None, description="Only variants of this version.")
    variant_id: str | None = None
    variant_ids: list[str] | None = None
    original_path: str | None = Field(default=None, description="A variant's stored originalPath.")
    alpha_path: str | None = Field(
        default=None,
        description="The origin's output path; must be files/images/<assetId>/alpha/<variantId>.png.",
    )
    method: Literal["auto", "colorkey", "rembg"] = "auto"
    model: str | None = Field(
        default=None, description="rembg model name (installed under the rembg home) or a local .onnx path."
    )
    threshold: float | None = Field(
        default=None, ge=0, le=255, description="0-255 colour distance / mask level."
    )
    feather: float | None = Field(default=None, ge=0, le=64, description="Soft edge width in px.")
    erode: int | None = Field(default=None, ge=0, le=64, description="Shrink the opaque area by px.")
    clear_holes: bool | None = None
    hole_min_area_px: int | None = Field(default=None, ge=1)
    trim: bool = False
    padding: int = Field(default=0, ge=0, le=1024, description="Transparent px around the trimmed content.")
    next_jobs: list[NextJob] = Field(default_factory=list)
