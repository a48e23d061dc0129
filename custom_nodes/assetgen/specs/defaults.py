"""Default policy values of an AssetSpec by intent, shared by refinement and the readiness check.

The compat doc's "suggested defaults by intent": a single icon is a ``single_image`` with
``transparent_only`` background, states ``[default]``, tolerance 2 and ``lock_to_spec_style``; UI
states are ``ui_states`` with default/hover/pressed/disabled, tolerance 1 and
``lock_to_anchor_set``; animation and VFX are ``animation`` with an explicit frame count,
``transparent_only`` and tolerance 2 (aligned characters) to 4 (free-form effects).

Checkpoint defaults at refinement time: the checkpoint picked by the one rule of
``generation.policy.pick_checkpoint_for_type`` (the first checkpoint, sorted by id, whose
``supportedAssetTypes`` includes the type, preferring one with a ``defaultForCheckpoint`` profile in
``project.policies.checkpointProfiles``), with its prompt profile and baseline profile. (The choice a
job sends to ComfyUI is ``models.generation.CheckpointChoice``, made by ``generation.policy.choose_checkpoint``.) The concrete LoRA stack is not chosen here: it is resolved
and frozen into the job at generation time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from assetgen.generation.onboarding import named_checkpoint_ids
from assetgen.generation.policy import pick_checkpoint_for_type
from assetgen.models import GenerationParams
from assetgen.models.project import CheckpointProfile
from assetgen.models.spec import (
    BackgroundPolicy,
    LoraPolicy,
    PromptPolicy,
    QualityContract,
    SeedPolicy,
    StyleConsistency,
)
from assetgen.specs.project_context import ProjectContext

OutputKind = Literal["single_image", "animation", "ui_states", "logo_set"]
PerspectiveMode = Literal["strict", "allow_minor", "any"]

DEFAULT_UI_STATES = ("default", "hover", "pressed", "disabled")
DEFAULT_FRAME_COUNT = 8
DEFAULT_FPS = 12.0
DEFAULT_VARIANTS = 4
DEFAULT_GENERATION_SIDE_PX = 512
FALLBACK_NEGATIVE = "cropped, out of frame, duplicate, blurry"
# Seeds of entity-coherent batches (the frames of one animation) derive from these spec fields.
DERIVED_SEED_FIELDS = ("entityId", "assetType", "checkpointId")


@dataclass(frozen=True)
class CheckpointDefaults:
    """What refinement writes into a spec for an asset type: the checkpoint, its prompt and baseline profiles."""

    checkpoint_id: str | None
    profile_id: str | None = None
    profile_version: int | None = None
    baseline_profile_id: str | None = None
    reason: str = ""


def checkpoint_profile(context: ProjectContext, checkpoint_id: str) -> CheckpointProfile | None:
    """The prompt profile of ``checkpoint_id`` in ``project.policies.checkpointProfiles``, or None."""
    return context.project.policies.checkpoint_profiles.get(checkpoint_id)


def default_baseline_profile_id(context: ProjectContext, checkpoint_id: str) -> str | None:
    """checkpointBaselineMap's default, else its first allowed id, else a baseline recorded for the checkpoint."""
    link = context.project.policies.checkpoint_baseline_map.get(checkpoint_id)
    if link is not None and link.default_baseline_profile_id:
        return link.default_baseline_profile_id
    if link is not None and link.allowed_baseline_profile_ids:
        return link.allowed_baseline_profile_ids[0]
    for baseline in context.baseline_profiles.values():
        if baseline.checkpoint_id == checkpoint_id:
            return baseline.id
    return None


def is_baseline_compatible(context: ProjectContext, checkpoint_id: str, baseline_id: str) -> bool:
    """True when checkpointBaselineMap allows the pair, or (without a map entry) the profile names the checkpoint."""
    link = context.project.policies.checkpoint_baseline_map.get(checkpoint_id)
    if link is not None and (link.default_baseline_profile_id or link.allowed_baseline_profile_ids):
        return (
            baseline_id == link.default_baseline_profile_id
            or baseline_id in link.allowed_baseline_profile_ids
        )
    baseline = context.baseline_profiles.get(baseline_id)
    return baseline is not None and baseline.checkpoint_id in (None, checkpoint_id)


def checkpoint_defaults_for(
    context: ProjectContext, checkpoint_id: str, *, reason: str = ""
) -> CheckpointDefaults:
    """The defaults that go with ``checkpoint_id``: its prompt profile and default baseline profile."""
    profile = checkpoint_profile(context, checkpoint_id)
    return CheckpointDefaults(
        checkpoint_id=checkpoint_id,
        profile_id=profile.profile_id if profile else None,
        profile_version=profile.version if profile else None,
        baseline_profile_id=default_baseline_profile_id(context, checkpoint_id),
        reason=reason,
    )


def checkpoint_defaults(context: ProjectContext, asset_type_id: str) -> CheckpointDefaults:
    """The checkpoint defaults for ``asset_type_id``, picked deterministically (see the module docstring)."""
    chosen, with_default = pick_checkpoint_for_type(
        asset_type_id, list(context.checkpoints.values()), context.project
    )
    if chosen is None:
        pending = sorted(set(named_checkpoint_ids(context.project)) - set(context.checkpoints))
        onboard = (
            f"; or onboard one the project names: {', '.join(pending)} (`assetgen checkpoint add`)"
            if pending
            else ""
        )
        return CheckpointDefaults(
            checkpoint_id=None,
            reason=f"no checkpoint lists {asset_type_id!r} in supportedAssetTypes; add it to one of "
            f"{sorted(context.checkpoints) or 'the (empty) checkpoints folder'}{onboard}",
        )
    reason = f"checkpoint {chosen.id}: first (by id) supporting {asset_type_id}"
    if with_default:
        reason += " with a default checkpoint profile"
    return checkpoint_defaults_for(context, chosen.id, reason=reason)


def default_lora_policy(context: ProjectContext) -> LoraPolicy:
    """The project's LoRA selection mode; the stack itself is resolved at generation time."""
    return LoraPolicy(mode=context.project.policies.lora_selection.mode)


def default_style_consistency(
    output_kind: OutputKind, *, has_style_override: bool = False, anchor_refs: list[str] | None = None
) -> StyleConsistency:
    """lock_to_anchor_set for UI states, lock_to_spec_style for single images or a wish's own style, else inherit."""
    if output_kind == "ui_states":
        return StyleConsistency(mode="lock_to_anchor_set", anchor_refs=list(anchor_refs or []))
    if output_kind in ("single_image", "logo_set") or has_style_override:
        return StyleConsistency(mode="lock_to_spec_style", anchor_refs=list(anchor_refs or []))
    return StyleConsistency(mode="inherit_project", anchor_refs=list(anchor_refs or []))


def default_prompt_policy(context: ProjectContext, checkpoint_id: str | None) -> PromptPolicy:
    """tagOrderMode from the checkpoint profile's tagOrderPolicy (``checkpoint_default`` without one)."""
    profile = checkpoint_profile(context, checkpoint_id) if checkpoint_id else None
    if profile is not None and profile.tag_order_policy == "explicit":
        return PromptPolicy(tag_order_mode="explicit", tag_order=list(profile.tag_order))
    return PromptPolicy(tag_order_mode="checkpoint_default")


def default_background_policy(*, wants_transparent: bool, wants_white: bool = False) -> BackgroundPolicy:
    """transparent_only for sprites cut out later, white_only for a white backdrop, else any (opaque tiles)."""
    if wants_transparent:
        return "transparent_only"
    return "white_only" if wants_white else "any"


def default_quality_contract(
    context: ProjectContext,
    *,
    asset_type_id: str,
    output_kind: OutputKind,
    background_policy: BackgroundPolicy,
    ui_states: list[str] | None = None,
    checkpoint_id: str | None = None,
    has_camera_angle: bool = False,
) -> QualityContract:
    """The quality contract by intent, with required states from the baseline profile where it names them."""
    baseline_id = default_baseline_profile_id(context, checkpoint_id) if checkpoint_id else None
    baseline = context.baseline_profiles.get(baseline_id) if baseline_id else None
    type_baseline = baseline.asset_type_profiles.get(asset_type_id) if baseline is not None else None
    states = list(type_baseline.required_states) if type_baseline and type_baseline.required_states else []
    if output_kind == "ui_states":
        states = list(ui_states or DEFAULT_UI_STATES)
        tolerance = 1.0
    elif output_kind == "animation":
        is_aligned = type_baseline is not None and type_baseline.state_alignment == "aligned"
        tolerance = 2.0 if is_aligned else 4.0
    else:
        tolerance = 2.0
    return QualityContract(
        background_policy=background_policy,
        required_states=states or ["default"],
        alignment_tolerance_px=tolerance,
        perspective_mode="allow_minor" if has_camera_angle else "any",
        silhouette_drift_tolerance=0.2,
    )


def default_seed_policy(
    output_kind: OutputKind, *, fixed_seed: int | None = None, is_entity_batch: bool = False
) -> SeedPolicy:
    """fixed with a wished seed; derived for entity-coherent batches (animations); else random_recorded."""
    if fixed_seed is not None:
        return SeedPolicy(mode="fixed", base_seed=fixed_seed)
    if output_kind in ("animation", "ui_states") or is_entity_batch:
        return SeedPolicy(mode="derived", derive_from=list(DERIVED_SEED_FIELDS))
    return SeedPolicy(mode="random_recorded")


def snap_generation_size(
    target: tuple[int, int] | None,
    *,
    base: tuple[int, int],
    multiple_px: int = 8,
    max_side_px: int = 2048,
) -> tuple[int, int]:
    """The generation width/height (px) for a target sprite size.

    Small targets are scaled up (aspect kept) until their longer side reaches the base's longer side;
    larger targets are kept. Each side is rounded up to ``multiple_px`` and capped at ``max_side_px``
    (rounded down to the multiple), never below one multiple or 16 px.
    """
    base_w, base_h = max(16, base[0]), max(16, base[1])
    if target is None or target[0] <= 0 or target[1] <= 0:
        width, height = float(base_w), float(base_h)
    else:
        scale = max(1.0, max(base_w, base_h) / max(target))
        width, height = target[0] * scale, target[1] * scale
    if max(width, height) > max_side_px:
        shrink = max_side_px / max(width, height)
        width, height = width * shrink, height * shrink
    step = max(1, multiple_px)
    floor = max(step, ((16 + step - 1) // step) * step)
    cap = max(floor, (max_side_px // step) * step)

    def snap(value: float) -> int:
        return min(cap, max(floor, -(-round(value) // step) * step))

    return snap(width), snap(height)


def merged_generation_params(
    context: ProjectContext, *, asset_type_id: str, checkpoint_id: str | None
) -> GenerationParams:
    """Checkpoint defaults over asset-type defaults (the documented precedence), unset fields left unset."""
    asset_type = context.asset_type(asset_type_id)
    checkpoint = context.checkpoints.get(checkpoint_id) if checkpoint_id else None
    merged: dict[str, object] = {}
    if asset_type is not None:
        merged.update(asset_type.default_generation_params.model_dump(exclude_none=True, by_alias=False))
    if checkpoint is not None:
        merged.update(checkpoint.default_generation_params.model_dump(exclude_none=True, by_alias=False))
    return GenerationParams.model_validate(merged)


def default_generation_params(
    context: ProjectContext,
    *,
    asset_type_id: str,
    checkpoint_id: str | None,
    target: tuple[int, int] | None,
    variants: int | None = None,
    seed: int | None = None,
) -> GenerationParams:
    """width/height snapped for the checkpoint, variants, steps, cfg, sampler and scheduler from defaults."""
    merged = merged_generation_params(context, asset_type_id=asset_type_id, checkpoint_id=checkpoint_id)
    checkpoint = context.checkpoints.get(checkpoint_id) if checkpoint_id else None
    base_side = DEFAULT_GENERATION_SIDE_PX
    base = (merged.width or base_side, merged.height or base_side)
    if target is not None and merged.width and merged.height and merged.width != merged.height:
        base = (max(base), max(base))  # a non-square default must not squash a square target
    width, height = snap_generation_size(
        target,
        base=base,
        multiple_px=checkpoint.size_multiple_px if checkpoint else 8,
        max_side_px=checkpoint.max_side_px if checkpoint else 2048,
    )
    params = merged.model_dump(exclude_none=True, by_alias=False)
    params.update(width=width, height=height, variants=variants or merged.variants or DEFAULT_VARIANTS)
    if seed is not None:
        params["seed"] = seed
    return GenerationParams.model_validate(params)
