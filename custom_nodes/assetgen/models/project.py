"""project.json: defaults and policies of one project (AssetGenerator layout)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from assetgen.models.base import Contract, Record
from assetgen.models.pixel_art import PixelArtSettings

LoraSelectionMode = Literal[
    "manual", "baseline_then_project", "project_then_baseline", "baseline_only", "project_only"
]
ReleasePolicy = Literal["active_or_latest_approved", "active_only"]


class ProjectDefaults(Contract):
    """What a spec gets unless it says otherwise."""

    style: str
    scenario: str
    palette_ids: list[str] = Field(default_factory=list)
    tag_ids: list[str] = Field(default_factory=list)
    pixel_art: PixelArtSettings | None = Field(
        default=None, description="assetgen: defaults for the pixelArt blocks of specs."
    )


class LoraSelectionPolicy(Contract):
    """How LoRAs are suggested for a spec (seed section 3)."""

    mode: LoraSelectionMode = "baseline_then_project"
    prefer_recommended: bool = True
    max_active_loras: int = Field(default=2, ge=0)
    release_policy: ReleasePolicy = "active_or_latest_approved"


class ModelStackPolicy(Contract):
    """Order and caps of the LoRA layers (baseline, project, manual)."""

    stack_order: list[Literal["baseline", "project", "manual"]] = Field(
        default_factory=lambda: ["baseline", "project", "manual"]
    )
    max_active_loras: int | None = Field(default=None, ge=0)
    layer_caps: dict[str, int] = Field(default_factory=dict)


class RuntimeSafety(Contract):
    """Prompt fragments always appended for safety."""

    enabled: bool = True
    positive: list[str] = Field(default_factory=list)
    negative: list[str] = Field(default_factory=list)


class PromptPair(Contract):
    """A positive and a negative prompt fragment."""

    positive: str = ""
    negative: str = ""


class CheckpointProfile(Contract):
    """The prompt dialect of one checkpoint (SD1.5, SDXL and Pony want different boilerplate)."""

    profile_id: str
    version: int = Field(default=1, ge=1)
    default_for_checkpoint: bool = False
    base_positive: str = ""
    base_negative: str = ""
    per_asset_type: dict[str, PromptPair] = Field(default_factory=dict)
    tag_order_policy: Literal["checkpoint_default", "explicit"] = "checkpoint_default"
    tag_order: list[str] = Field(default_factory=list)
    runtime_safety: RuntimeSafety | None = None


class CheckpointProfileFile(CheckpointProfile):
    """The origin's ``checkpoint-profiles/<profileId>.json``: a checkpoint profile with its checkpoint and dates.

    Kept beside ``policies.checkpointProfiles``, which the origin's app (and assetgen) reads.
    """

    id: str | None = None
    checkpoint_id: str | None = None
    notes: str | None = None
    created_at: str | None = None
    updated_at: str | None = None


class CheckpointBaselineLink(Contract):
    """Which baseline profiles a checkpoint may be used with."""

    default_baseline_profile_id: str | None = None
    allowed_baseline_profile_ids: list[str] = Field(default_factory=list)


class TagPrompt(Contract):
    """What a tag adds to the prompt for one checkpoint."""

    positive: str = ""
    negative: str = ""
    weight: float | None = None
    position: Literal["prefix", "suffix", "replace"] = "suffix"


class RetryPolicy(Contract):
    """How failed jobs are retried and where they escalate."""

    max_attempts: int = Field(default=3, ge=1)
    backoff_mode: Literal["fixed", "exponential"] = "exponential"
    base_delay_ms: int = Field(default=2000, ge=0)
    max_delay_ms: int = Field(default=60000, ge=0)
    jitter_pct: float = Field(default=0.15, ge=0, le=1)
    retry_on: list[Literal["retryable", "timeout", "upstream_unavailable"]] = Field(
        default_factory=lambda: ["retryable", "timeout", "upstream_unavailable"]
    )
    escalate_to: Literal["decision_sprint", "exception_inbox", "reject"] = "exception_inbox"
    stuck_run_threshold_ms: int = Field(default=900000, ge=0)
    per_job_type: dict[str, dict] = Field(default_factory=dict)


class ProjectPolicies(Contract):
    """Project-wide generation and automation policies."""

    lora_selection: LoraSelectionPolicy = Field(default_factory=LoraSelectionPolicy)
    model_stack_policy: ModelStackPolicy | None = None
    checkpoint_profiles: dict[str, CheckpointProfile] = Field(default_factory=dict)
    runtime_safety: RuntimeSafety | None = None
    checkpoint_baseline_map: dict[str, CheckpointBaselineLink] = Field(default_factory=dict)
    tag_prompt_map: dict[str, dict[str, TagPrompt]] = Field(default_factory=dict)
    retry_policy: RetryPolicy = Field(default_factory=RetryPolicy)
    circuit_breaker_policy: dict | None = None
    runtime_feedback_policy: dict | None = None


class Project(Record):
    """data/projects/<projectId>/project.json."""

    name: str
    defaults: ProjectDefaults
    policies: ProjectPolicies = Field(default_factory=ProjectPolicies)
    notes: str | None = None
