"""Generation parameters shared by asset types, checkpoints, specs and jobs."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from assetgen.models.base import Contract


class GenerationParams(Contract):
    """Open set of sampler parameters. Precedence: job input > spec > checkpoint > asset type > defaults."""

    width: int | None = Field(default=None, ge=16, le=8192)
    height: int | None = Field(default=None, ge=16, le=8192)
    variants: int | None = Field(default=None, ge=1, le=256)
    steps: int | None = Field(default=None, ge=1, le=200)
    cfg: float | None = Field(default=None, ge=0, le=100)
    sampler: str | None = None
    scheduler: str | None = None
    clip_skip: int | None = Field(default=None, ge=1, le=12)
    seed: int | None = Field(default=None, ge=0, le=2**64 - 1)
    denoise: float | None = Field(default=None, ge=0, le=1)
    batch_size: int | None = Field(
        default=None, ge=1, le=64, description="assetgen: max images per ComfyUI batch."
    )


Layer = Literal["manual", "baseline", "project"]
ReasonCode = Literal[
    "chosen",
    "skipped_over_cap",
    "skipped_not_recommended",
    "blocked_checkpoint",
    "blocked_asset_type",
    "blocked_no_release",
    "blocked_excluded",
    "blocked_mode",
]


class LoraChoice(Contract):
    """One LoRA in the resolved stack, in application order."""

    lora_id: str
    release_id: str
    file: str
    sha256: str | None = None
    strength_model: float
    strength_clip: float
    layer: Layer


class LoraDecision(Contract):
    """Why a LoRA was or was not used."""

    lora_id: str
    decision: Literal["chosen", "skipped", "blocked"]
    code: ReasonCode
    reason: str


class CheckpointChoice(Contract):
    """The checkpoint a job sends to ComfyUI, and why."""

    id: str
    file: str
    sha256: str | None = None
    reason: str


class PromptFragment(Contract):
    """One contribution to the compiled prompt."""

    layer: str
    source_id: str
    order: int
    positive: str = ""
    negative: str = ""


class TilingChoice(Contract):
    """assetgen: the plan samples and decodes with wrap-around convolutions (Make Tileable), and why."""

    axes: Literal["both", "x", "y"] = "both"
    reason: str


class PlanPrompt(Contract):
    """The prompts ComfyUI receives."""

    positive: str
    negative: str


SAMPLING_FIELDS = ("width", "height", "steps", "cfg", "sampler", "scheduler", "denoise")


class GenerationPlan(Contract):
    """Everything one generate run sends to ComfyUI, resolved and frozen before submission.

    It travels inside the prompt (so a remote ComfyUI needs no access to the project store) and is
    stored on the job, the asset version and, per variant, in the PNG metadata.
    """

    project_id: str
    spec_id: str
    asset_id: str
    template_id: str = "txt2img"
    checkpoint: CheckpointChoice
    loras: list[LoraChoice] = Field(default_factory=list)
    lora_decisions: list[LoraDecision] = Field(default_factory=list)
    lora_mode: str | None = None
    prompt: PlanPrompt
    prompt_trace: list[PromptFragment] = Field(default_factory=list)
    prompt_package_hash: str
    width: int = Field(ge=16, le=8192)
    height: int = Field(ge=16, le=8192)
    steps: int = Field(ge=1, le=200)
    cfg: float = Field(ge=0, le=100)
    sampler: str
    scheduler: str
    denoise: float = Field(default=1.0, ge=0, le=1)
    seed_policy: str
    seeds: list[int] = Field(min_length=1, description="One seed per variant, in order.")
    batch_size: int = Field(default=1, ge=1, le=64)
    tiling: TilingChoice | None = Field(default=None, description="assetgen: set = a tileable generation.")
    extra: dict[str, Any] = Field(default_factory=dict)

    def sampling(self) -> dict[str, Any]:
        """The sampler settings every record of a run copies (``width height steps cfg sampler scheduler
        denoise``; the names are the same in Python and in JSON): the one place they are listed."""
        return {name: getattr(self, name) for name in SAMPLING_FIELDS}
