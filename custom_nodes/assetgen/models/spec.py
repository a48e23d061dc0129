"""specs/<specId>.json: one AssetSpec, the unit that is generated, reviewed and exported."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from assetgen.models.base import Contract, Record, Size
from assetgen.models.catalogs import HEX_COLOR
from assetgen.models.generation import GenerationParams
from assetgen.models.pixel_art import PixelArtSettings
from assetgen.models.project import LoraSelectionMode, ReleasePolicy
from assetgen.models.spec_list import Reference

DEFAULT_ANIMATION_NAME = "anim"
BackgroundPolicy = Literal["white_or_transparent", "transparent_only", "white_only", "any"]


class SpecPrompt(Contract):
    """The spec's own prompt text (before the compiler adds checkpoint, style and tag layers)."""

    positive: str
    negative: str = ""
    notes: str | None = None


class LoraPolicy(Contract):
    """Per-spec LoRA selection; unset fields inherit ``project.policies.loraSelection``."""

    mode: LoraSelectionMode | None = None
    prefer_recommended: bool | None = None
    max_active_loras: int | None = Field(default=None, ge=0)
    release_policy: ReleasePolicy | None = None
    include: list[str] = Field(default_factory=list, description="assetgen: LoRA ids always considered.")
    exclude: list[str] = Field(default_factory=list, description="assetgen: LoRA ids never used.")
    strengths: dict[str, float] = Field(
        default_factory=dict,
        description="assetgen: LoRA id -> strength (model and CLIP) instead of the record's.",
    )


class StyleConsistency(Contract):
    """How strictly variants keep the style."""

    mode: Literal["inherit_project", "lock_to_spec_style", "lock_to_anchor_set"] = "inherit_project"
    anchor_refs: list[str] = Field(default_factory=list)


class QualityLimits(Contract):
    """The limits the checks use (``qualityContract.checks`` in a spec; assetgen addition)."""

    min_detail_std: float = Field(
        default=4.0, ge=0, description="Luminance std (0-255) below which an image is flat."
    )
    coverage_min: float = Field(default=0.04, ge=0, le=1, description="Smallest subject area / frame area.")
    coverage_max: float = Field(default=0.85, ge=0, le=1, description="Largest subject area / frame area.")
    safe_margin_px: int = Field(
        default=1, ge=0, description="Opaque pixels must stay this far from the edges."
    )
    border_alpha_max: int = Field(
        default=16, ge=0, le=255, description="Highest alpha allowed on the border."
    )
    allow_multiple_subjects: bool = False
    main_subject_min_share: float = Field(default=0.9, ge=0, le=1, description="Main component / all opaque.")
    palette_max_distance: float | None = Field(
        default=None, ge=0, description="Mean OKLab distance to the palette (about 0.1 = loose); None = off."
    )
    duplicate_max_bits: int = Field(
        default=3, ge=0, le=64, description="dHash distance at or under = duplicate."
    )
    max_attempts: int = Field(
        default=2, ge=1, le=10, description="Autopilot generate rounds before needs review."
    )
    seam_ratio_max: float = Field(
        default=1.15,
        gt=0,
        description="Tileable specs: highest seam ratio per wrapped axis (wrap-around colour step / interior "
        "step; 1.0 = no visible seam).",
    )


class QualityContract(Contract):
    """What automation checks before a variant may be approved without a person."""

    background_policy: BackgroundPolicy = "any"
    required_states: list[str] = Field(default_factory=list)
    alignment_tolerance_px: float = Field(default=2, ge=0)
    perspective_mode: Literal["strict", "allow_minor", "any"] = "any"
    silhouette_drift_tolerance: float = Field(default=0.2, ge=0, le=1)
    checks: QualityLimits | None = Field(default=None, description="assetgen: autopilot's check limits.")


class EntityLink(Contract):
    """Ties identity-bearing assets together (a weapon's sprite and its icon)."""

    entity_id: str
    role: str | None = None


class PromptPolicy(Contract):
    """How the prompt compiler orders tags and which preset it uses."""

    compile_mode: str | None = Field(
        default=None, description="'verbatim' sends prompt.positive/negative as they are (recreated specs)."
    )
    tag_order_mode: str | None = None
    tag_order: list[str] = Field(default_factory=list)
    prompt_preset_id: str | None = None


class SeedPolicy(Contract):
    """fixed: baseSeed; derived: a stable hash of ``deriveFrom`` fields; random_recorded: new and recorded."""

    mode: Literal["fixed", "derived", "random_recorded"] = "random_recorded"
    base_seed: int | None = Field(default=None, ge=0, le=2**64 - 1)
    derive_from: list[str] = Field(default_factory=list)


class OutputSize(Size):
    """A target sprite size, applied after background removal."""

    label: str | None = None


class AnimationSpec(Contract):
    """Animation contract of a multi-frame asset; every field is optional in the origin's schema."""

    name: str | None = Field(
        default=None, description="Often absent in the origin's specs: readers derive one (`resolved_name`)."
    )
    fps: float = Field(default=12, gt=0, le=240)
    loop: bool = True
    frame_count: int = Field(default=1, ge=1, le=1024)
    frame_names: list[str] = Field(default_factory=list)
    frame_prompts: list[str] = Field(default_factory=list)
    pose: str | None = Field(
        default=None,
        description="assetgen: pose clip guiding the frames (idle, walk, run, jump, attack, hurt); "
        "frames are then generated image-to-image from one anchor.",
    )
    anchor_denoise: float = Field(
        default=0.5,
        gt=0,
        le=1,
        description="assetgen: denoise of each frame's image-to-image from the anchor.",
    )
    pose_strength: float = Field(
        default=0.8,
        ge=0,
        le=1,
        description="assetgen: weight of the mannequin blended into the anchor (init).",
    )
    controlnet_strength: float = Field(
        default=0.8, ge=0, le=2, description="assetgen: OpenPose ControlNet strength, when one is configured."
    )

    @property
    def resolved_name(self) -> str:
        """``name``, or ``anim`` when the spec names none (derived, never written back)."""
        return self.name or DEFAULT_ANIMATION_NAME


class UiStates(Contract):
    """States of a UI element (default, hover, pressed, disabled ...)."""

    states: list[str] = Field(default_factory=list)


class LogoVariant(Contract):
    """One variant of a logo set, as the origin writes it (every field optional)."""

    id: str | None = None
    label: str | None = None
    theme: str | None = None
    aspect: str | None = None
    background: str | None = None


class LogoVariants(Contract):
    """Variants of a logo set: objects in the origin's schema (plain strings accepted as ids)."""

    variants: list[LogoVariant | str] = Field(default_factory=list)


class TilesetSpec(Contract):
    """assetgen: a terrain transition set: two terrains and a corner layout."""

    terrains: list[str] = Field(
        min_length=2,
        max_length=2,
        description="Two terrain names, e.g. ['grass', 'dirt']: corner bit 0 and 1.",
    )
    layout: Literal["wang2corner", "blob47"] = Field(
        default="wang2corner",
        description="wang2corner: 16 tiles, one per combination of 4 corner bits; blob47: the 47 canonical "
        "8-neighbour tiles of terrain 1 plus a terrain-0 background tile.",
    )
    tile_px: int = Field(default=64, ge=16, le=1024, description="Tile size in pixels (square).")
    ring_px: int = Field(
        default=2, ge=1, le=64, description="Outer ring kept exactly from the corner composition (the edges)."
    )


class SpecOutput(Contract):
    """What the finished asset is."""

    kind: Literal["single_image", "animation", "ui_states", "logo_set", "tileset"] = "single_image"
    background: Literal["transparent_required", "any"] = "any"
    sizes: list[OutputSize] = Field(default_factory=list)
    animation: AnimationSpec | None = None
    animations: list[AnimationSpec] = Field(
        default_factory=list,
        description="assetgen: several named animations of one spec (idle + attack); `animation` is the first.",
    )
    directions: Literal[1, 4, 8] | None = Field(
        default=None,
        description="assetgen: one animation per facing direction (<name>_s, _e, ...); west views mirrored.",
    )
    ui_states: UiStates | None = None
    logo_variants: LogoVariants | None = None
    tileable: bool | None = Field(
        default=None,
        description="assetgen: generate wrap-around (Make Tileable); unset = decided by the asset type and tags.",
    )
    tile_axes: Literal["both", "x", "y"] | None = Field(
        default=None, description="assetgen: the axes a tileable image repeats in (default both)."
    )
    tileset: TilesetSpec | None = Field(default=None, description="assetgen: with kind 'tileset'.")


class SpecSource(Contract):
    """assetgen: the wishlist line a spec came from."""

    spec_list_id: str | None = None
    line: int | None = None
    text: str | None = None
    part: int | None = Field(default=None, ge=1, description="assetgen: n-th ';'-separated wish of the line.")
    index: int | None = Field(default=None, ge=1, description="assetgen: n-th spec of a counted wish.")
    rules_version: int | None = Field(default=None, description="assetgen: refinement rules version.")
    key: str | None = Field(
        default=None,
        description="assetgen: the stable key of a structured wishlist item (section + item text + member);"
        " the spec id derives from it, not from the line number.",
    )
    content_hash: str | None = Field(
        default=None,
        description="assetgen: sha256 of the spec as refinement wrote it; a different hash now = edited by hand.",
    )


class AssetSpec(Record):
    """One AssetSpec (seed section 2)."""

    project_id: str
    asset_type: str
    title: str
    style: str
    scenario: str
    prompt: SpecPrompt
    spec_list_id: str | None = None
    checkpoint_id: str | None = None
    checkpoint_profile_id: str | None = None
    checkpoint_profile_version: int | None = Field(default=None, ge=1)
    lora_ids: list[str] = Field(default_factory=list)
    baseline_profile_id: str | None = None
    tags: list[str] = Field(default_factory=list)
    status: Literal["draft", "ready", "deprecated"] = "draft"
    tier: int | None = Field(default=None, ge=0, le=3)
    lora_policy: LoraPolicy | None = None
    style_consistency: StyleConsistency | None = None
    quality_contract: QualityContract | None = None
    entity_link: EntityLink | None = None
    prompt_policy: PromptPolicy | None = None
    seed_policy: SeedPolicy | None = None
    output: SpecOutput | None = None
    generation_params: GenerationParams | None = None
    source: SpecSource | None = None
    palette_ids: list[str] = Field(default_factory=list, description="assetgen: palettes from the catalog.")
    colors: list[str] = Field(
        default_factory=list,
        description="assetgen: explicit #RRGGBB(AA) colours.",
        json_schema_extra={"items": {"pattern": HEX_COLOR}},
    )
    references: list[Reference] = Field(default_factory=list, description="assetgen: links and files.")
    pixel_art: PixelArtSettings | None = Field(
        default=None, description="assetgen: pixel-art mode (one grid, one palette, binary alpha)."
    )
