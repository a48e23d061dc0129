"""jobs/<jobId>.json: one job, its state machine, its input and output."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from assetgen.models.atlas import PackSettings
from assetgen.models.base import Contract, Record, parse_model

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
    review_feedback: list[dict[str, Any]] | None = Field(
        default=None,
        description="assetgen: notes of variants marked needs_regeneration ({variantId, note, tags}), "
        "for people and prompt tools reading the job.",
    )
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


# -- the other job types' inputs ------------------------------------------------------------------
PACK_SETTING_KEYS = ("padding", "maxSize", "powerOfTwo", "trim", "extrude", "allowRotation")


class AtlasFrameRef(Contract):
    """One frame of an ``atlas_pack`` job, by asset and variant (``name``/``pivot`` optional)."""

    asset_id: str
    variant_id: str
    name: str | None = None
    pivot: Any = None


class AtlasPackInput(Contract):
    """Input of an ``atlas_pack`` job: frames in order, by (assetId, variantId) or by stored path.

    The pack settings (``padding``, ``maxSize``, ``powerOfTwo``, ``trim``, ``extrude``, ``allowRotation``)
    sit at the top level, as in the origin's jobs; ``pack_settings()`` reads them.
    """

    atlas_id: str
    frames: list[AtlasFrameRef] = Field(
        default_factory=list, description="[{assetId, variantId, name?, pivot?}]"
    )
    frame_paths: list[Any] = Field(default_factory=list, description="The origin's [{key, path} | path].")
    fps: float | None = None
    loop: bool | None = None
    next_jobs: list[NextJob] = Field(default_factory=list)

    def pack_settings(self, *, where: str) -> PackSettings:
        """The packing settings given at the top level of the input (defaults for the others)."""
        given = {k: v for k, v in (self.model_extra or {}).items() if k in PACK_SETTING_KEYS}
        return parse_model(PackSettings, given, where=where)


class ExportInput(Contract):
    """Input of an ``export`` job: what to export and with which profile."""

    profile_id: str
    asset_ids: list[str] = Field(default_factory=list)
    atlas_ids: list[str] = Field(default_factory=list)
    export_id: str | None = None
    next_jobs: list[NextJob] = Field(default_factory=list)


class AutopilotInput(Contract):
    """Input of ``autopilot`` and ``autopilot_review`` jobs."""

    spec_id: str
    variants: int | None = Field(default=None, ge=1, le=64)
    attempt: int = Field(default=1, ge=1, le=10)
    version_id: str | None = None
    export_profiles: list[str] | None = None
    method: str = "colorkey"


# -- outputs: what a job leaves in ``output`` (what ``$output.<key>`` of its nextJobs reads) ------------
class JobOutput(Contract):
    """Base of job outputs; ``as_json`` keeps exactly the keys that were set (unknown ones included)."""

    def as_json(self) -> dict[str, Any]:
        """The output as stored in the job file (camelCase, unset fields left out)."""
        return self.model_dump(mode="json", exclude_unset=True)


class GenerateOutput(JobOutput):
    """Output of a ``generate`` job: the asset version it made and its variants, in seed order."""

    asset_id: str
    asset_version_id: str
    variant_ids: list[str]
    primary_variant_id: str | None = None
    original_path: str | None = None
    original_paths: list[str] = Field(default_factory=list)
    preview_paths: list[str | None] = Field(default_factory=list)
    originals_dir: str | None = None
    effective_seed: int | None = None
    seeds: list[int | None] = Field(default_factory=list)
    prompt_ids: list[str] = Field(default_factory=list)
    prompt_id: str | None = None
    prompt_package_hash: str | None = None
    checkpoint: str | None = None
    loras: list[str] = Field(default_factory=list)


class BgRemoveOutput(JobOutput):
    """Output of a ``bg_remove`` job: the alpha images written, one ``results`` entry per variant."""

    asset_id: str
    variant_ids: list[str]
    alpha_path: str
    alpha_paths: list[str]
    params: dict[str, Any] = Field(default_factory=dict)
    results: list[dict[str, Any]] = Field(default_factory=list)


class AtlasPackOutput(JobOutput):
    """Output of an ``atlas_pack`` job: the atlas record and its files."""

    atlas_id: str
    atlas_image_path: str
    atlas_data_path: str
    frames: int = Field(ge=0, description="How many frames were packed.")
    animations: list[str] = Field(default_factory=list)


class ExportOutput(JobOutput):
    """Output of an ``export`` job: one entry per target; the first bundle's paths at the top level."""

    exports: list[dict[str, Any]]
    export_path: str | None = None
    manifest_path: str | None = None


class AutopilotOutput(JobOutput):
    """Output of ``autopilot`` (the round it started) and ``autopilot_review`` (the decision and follow-ups).

    ``spawnedJobIds`` are the follow-up jobs the handler created itself; the worker lists them as children.
    """

    spec_id: str | None = None
    decision: Literal["approved", "regenerate", "needs_review"] | None = None
    primary_variant_id: str | None = None
    frame_variant_ids: list[str] = Field(default_factory=list)
    reasons: list[str] = Field(default_factory=list)
    scores: dict[str, float] = Field(default_factory=dict)
    passed: list[str] = Field(default_factory=list)
    spawned_job_ids: list[str] = Field(default_factory=list)


class FramesInput(Contract):
    """Input of a ``generate_frames`` job: every frame of an animation spec from its anchor, or only some
    frames (``onlyFrames``) written over their namesakes in ``replaceVersionId``."""

    spec_id: str
    anchor_variant_id: str | None = None
    anchor_path: str | None = Field(
        default=None, description="A reference image in the project (stored path) to use as the anchor."
    )
    only_frames: list[str] | None = None
    replace_version_id: str | None = None
    seed_offset: int = Field(default=0, ge=0, le=2**31)


class FramesReviewInput(Contract):
    """Input of ``frames_review`` and ``frames_align`` jobs."""

    spec_id: str
    version_id: str
    attempt: int = Field(default=1, ge=1, le=10)
    export_profiles: list[str] | None = None
    method: str = "colorkey"
    min_score: float | None = Field(default=None, ge=0, le=1)
