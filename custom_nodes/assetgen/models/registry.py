"""checkpoints/<id>.json, loras/<id>.json and baseline-profiles/<id>.json."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from assetgen.models.base import Contract, Record
from assetgen.models.generation import GenerationParams


class WeightsRef(Contract):
    """Where a model file lives. ``path`` is the file name ComfyUI sees (relative to its models folder)."""

    kind: Literal["repo_relative", "config_relative", "absolute", "external"] = "config_relative"
    base: Literal["modelsRoot", "checkpointsRoot", "lorasRoot"] | None = None
    path: str | None = None
    uri: str | None = None
    sha256: str | None = None


class Checkpoint(Record):
    """A checkpoint record."""

    name: str
    supported_asset_types: list[str] = Field(default_factory=list)
    weights: WeightsRef
    vae_weights: WeightsRef | None = None
    controlnets: dict[str, WeightsRef] = Field(
        default_factory=dict,
        description="assetgen: ControlNet models for this checkpoint by kind ('openpose' guides animation frames).",
    )
    prompt_templates: dict | None = None
    default_generation_params: GenerationParams = Field(default_factory=GenerationParams)
    size_multiple_px: int = Field(
        default=8, ge=1, le=512, description="assetgen: generation width/height are multiples of this."
    )
    max_side_px: int = Field(
        default=2048, ge=16, le=8192, description="assetgen: largest generation width or height."
    )
    checkpoint_profile_id: str | None = Field(
        default=None,
        description="assetgen: the prompt profile (policies.checkpointProfiles[id].profileId) it was onboarded with.",
    )
    native_pixel_px: int | None = Field(
        default=None,
        ge=1,
        le=512,
        description="assetgen: a pixel-art model draws one logical pixel this wide.",
    )


class LoraRelease(Contract):
    """One trained release of a LoRA."""

    id: str
    created_at: str | None = None
    status: Literal["candidate", "approved", "deprecated"] = "candidate"
    weights: WeightsRef
    sha256: str | None = None
    notes: str | None = None
    training: dict = Field(default_factory=dict)
    evaluation: dict = Field(default_factory=dict)


class Lora(Record):
    """A LoRA record with scope baseline|project and its releases."""

    name: str
    scope: Literal["baseline", "project"]
    checkpoint_id: str
    asset_types: list[str] = Field(default_factory=list)
    recommended: bool = False
    active_release_id: str | None = None
    releases: list[LoraRelease] = Field(default_factory=list)
    strength_model: float = Field(default=1.0, ge=-10, le=10, description="assetgen: default model strength.")
    strength_clip: float = Field(default=1.0, ge=-10, le=10, description="assetgen: default CLIP strength.")


class BaselineGlobal(Contract):
    """Rules every asset of a baseline profile follows."""

    no_drop_shadows: bool = False
    background: Literal["white_or_transparent", "transparent_only", "white_only", "any"] = "any"
    alpha_edge_clean: Literal["required", "preferred", "off"] = "preferred"
    allow_perspective: bool = True


class AssetTypeBaseline(Contract):
    """Per-asset-type quality baseline."""

    lighting: str | None = None
    tileable_edges: str | None = None
    required_states: list[str] = Field(default_factory=list)
    state_alignment: str | None = None
    padding_px: int | None = Field(default=None, ge=0)
    prompt_hints: list[str] = Field(default_factory=list)
    negative_prompt_hints: list[str] = Field(default_factory=list)
    validator_overrides: dict | None = None


RoutingDecision = Literal[
    "auto_advance", "manual_review", "queue_decision_sprint", "auto_regenerate", "reject"
]


class RoutingPolicy(Contract):
    """What automation does with a pass, a fail and an uncertain result."""

    on_pass: RoutingDecision = "auto_advance"
    on_fail: RoutingDecision = "manual_review"
    on_uncertain: RoutingDecision = "manual_review"


class BaselineProfile(Record):
    """baseline-profiles/<id>.json: a per-checkpoint quality baseline and routing policy."""

    project_id: str | None = None
    checkpoint_id: str | None = None
    checkpoint_profile_id: str | None = Field(
        default=None, description="The checkpoint prompt profile (profileId) this baseline was tuned with."
    )
    name: str | None = None
    version: int = Field(default=1, ge=1)
    global_: BaselineGlobal = Field(default_factory=BaselineGlobal, alias="global")
    asset_type_profiles: dict[str, AssetTypeBaseline] = Field(default_factory=dict)
    validator_policy: dict = Field(default_factory=dict)
    routing_policy: RoutingPolicy = Field(default_factory=RoutingPolicy)
    spec_overrides: dict = Field(default_factory=dict)
