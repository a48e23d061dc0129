"""Is an AssetSpec autopilot-ready? Every field of the compat doc's definition, with proposed values.

A spec is autopilot-ready when it has content (assetType, style, scenario, both prompts),
generation policy (checkpointId valid for the project and the type, a checkpoint profile with a
version, a baseline profile compatible with the checkpoint, loraPolicy.mode, styleConsistency.mode,
promptPolicy.tagOrderMode), a quality contract (backgroundPolicy, requiredStates — covering the UI
states of stateful assets —, alignmentTolerancePx for aligned states), an output contract
(output.kind with its specific fields, sizes; generationParams width/height/variants that fit), a
seedPolicy.mode (with baseSeed when fixed) and, for identity-bearing assets, an entityLink.

Pure: ``assess_readiness(spec, context)`` reads nothing and writes nothing, so autopilot, the CLI
and the REST API share it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assetgen.generation.onboarding import onboard_command
from assetgen.models import AssetSpec
from assetgen.models.catalogs import AssetType
from assetgen.models.registry import Checkpoint
from assetgen.specs.defaults import (
    DEFAULT_FPS,
    DEFAULT_FRAME_COUNT,
    DEFAULT_UI_STATES,
    FALLBACK_NEGATIVE,
    checkpoint_defaults,
    checkpoint_profile,
    default_baseline_profile_id,
    default_generation_params,
    default_lora_policy,
    default_prompt_policy,
    default_quality_contract,
    default_seed_policy,
    default_style_consistency,
    is_baseline_compatible,
)
from assetgen.specs.project_context import ProjectContext


@dataclass(frozen=True)
class ReadinessIssue:
    """One reason a spec is not autopilot-ready: the field (camelCase path), why, and a proposed value."""

    field: str
    problem: str
    proposed: Any = None

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"field": self.field, "problem": self.problem}
        if self.proposed is not None:
            data["proposed"] = self.proposed
        return data


@dataclass(frozen=True)
class Readiness:
    """The readiness verdict of one spec."""

    spec_id: str
    issues: tuple[ReadinessIssue, ...]

    @property
    def is_ready(self) -> bool:
        return not self.issues

    def as_dict(self) -> dict[str, Any]:
        return {
            "specId": self.spec_id,
            "ready": self.is_ready,
            "issues": [issue.as_dict() for issue in self.issues],
        }


def _dump(model: Any) -> Any:
    return model.model_dump(mode="json") if hasattr(model, "model_dump") else model


def _output_kind(spec: AssetSpec) -> Any:
    """The spec's output kind, or the one its output fields imply when kind is unset."""
    output = spec.output
    if output is None or "kind" in output.model_fields_set:
        return output.kind if output is not None else "single_image"
    if output.animation is not None:
        return "animation"
    if output.ui_states is not None:
        return "ui_states"
    return "logo_set" if output.logo_variants is not None else "single_image"


@dataclass
class _Assessment:
    """One spec under assessment: the issues found so far and what the checks share."""

    spec: AssetSpec
    context: ProjectContext
    asset_type: AssetType | None
    kind: Any
    issues: list[ReadinessIssue] = field(default_factory=list)
    checkpoint: Checkpoint | None = None
    ckpt_id: str | None = None

    def issue(self, field: str, problem: str, proposed: Any = None) -> None:
        self.issues.append(ReadinessIssue(field, problem, _dump(proposed)))


def assess_readiness(spec: AssetSpec, context: ProjectContext) -> Readiness:
    """Check every autopilot-readiness rule (module docstring) and propose values for what is missing."""
    check = _Assessment(
        spec, context, asset_type=context.asset_type(spec.asset_type), kind=_output_kind(spec)
    )
    _check_content(check)
    _check_checkpoint(check)
    _check_checkpoint_profile(check)
    _check_baseline_profile(check)
    _check_selection_policies(check)
    _check_quality_contract(check)
    _check_output(check)
    _check_generation_params(check)
    _check_seed_and_identity(check)
    return Readiness(spec_id=spec.id, issues=tuple(check.issues))


def _check_content(check: _Assessment) -> None:
    """assetType, style and scenario exist in the catalogs; both prompts are set."""
    spec, context, asset_type = check.spec, check.context, check.asset_type
    defaults = context.project.defaults
    if asset_type is None:
        check.issue("assetType", f"{spec.asset_type!r} is not in catalogs/asset-types.json")
    if context.style(spec.style) is None:
        check.issue("style", f"{spec.style!r} is not in catalogs/styles.json", defaults.style)
    if context.scenario(spec.scenario) is None:
        check.issue("scenario", f"{spec.scenario!r} is not in catalogs/scenarios.json", defaults.scenario)
    if not spec.prompt.positive.strip():
        check.issue("prompt.positive", "empty positive prompt", spec.title)
    if not spec.prompt.negative.strip():
        negative = (
            asset_type.negative_prompt if asset_type and asset_type.negative_prompt else FALLBACK_NEGATIVE
        )
        check.issue("prompt.negative", "empty negative prompt", negative)


def _check_checkpoint(check: _Assessment) -> None:
    """checkpointId names a checkpoint that supports the type; the checks after it use that one (or the
    one refinement would pick)."""
    spec, context = check.spec, check.context
    choice = checkpoint_defaults(context, spec.asset_type)
    checkpoint = context.checkpoints.get(spec.checkpoint_id) if spec.checkpoint_id else None
    if not spec.checkpoint_id:
        check.issue("checkpointId", "no checkpoint chosen", choice.checkpoint_id)
    elif checkpoint is None:
        check.issue(
            "checkpointId",
            f"checkpoint {spec.checkpoint_id!r} is not in checkpoints/ (not onboarded: "
            f"`{onboard_command(context.project_id, spec.checkpoint_id)}`)",
            choice.checkpoint_id,
        )
    elif spec.asset_type not in checkpoint.supported_asset_types:
        check.issue(
            "checkpointId",
            f"checkpoint {spec.checkpoint_id!r} does not list {spec.asset_type!r} in supportedAssetTypes",
            choice.checkpoint_id,
        )
    check.checkpoint = checkpoint
    check.ckpt_id = spec.checkpoint_id if checkpoint is not None else choice.checkpoint_id


def _check_checkpoint_profile(check: _Assessment) -> None:
    """checkpointProfileId and its version match the checkpoint's profile."""
    spec, ckpt_id = check.spec, check.ckpt_id
    profile = checkpoint_profile(check.context, ckpt_id) if ckpt_id else None
    if profile is None:
        check.issue(
            "checkpointProfileId",
            f"no checkpoint profile for {ckpt_id!r} in project.policies.checkpointProfiles",
        )
        return
    if spec.checkpoint_profile_id not in (None, profile.profile_id):
        check.issue(
            "checkpointProfileId",
            f"{spec.checkpoint_profile_id!r} is not the profile of {ckpt_id} ({profile.profile_id})",
            profile.profile_id,
        )
    elif spec.checkpoint_profile_id is None:
        check.issue("checkpointProfileId", "not set", profile.profile_id)
    if spec.checkpoint_profile_version is None:
        check.issue("checkpointProfileVersion", "not set", profile.version)
    elif spec.checkpoint_profile_version != profile.version:
        check.issue(
            "checkpointProfileVersion",
            f"version {spec.checkpoint_profile_version} differs from the profile's {profile.version}",
            profile.version,
        )


def _check_baseline_profile(check: _Assessment) -> None:
    """baselineProfileId exists and is allowed with the checkpoint."""
    spec, context, ckpt_id = check.spec, check.context, check.ckpt_id
    proposed_baseline = default_baseline_profile_id(context, ckpt_id) if ckpt_id else None
    if not spec.baseline_profile_id:
        check.issue("baselineProfileId", "not set", proposed_baseline)
    elif spec.baseline_profile_id not in context.baseline_profiles:
        check.issue(
            "baselineProfileId",
            f"{spec.baseline_profile_id!r} is not in baseline-profiles/",
            proposed_baseline,
        )
    elif ckpt_id and not is_baseline_compatible(context, ckpt_id, spec.baseline_profile_id):
        check.issue(
            "baselineProfileId",
            f"{spec.baseline_profile_id!r} is not allowed with checkpoint {ckpt_id} "
            "(project.policies.checkpointBaselineMap)",
            proposed_baseline,
        )


def _check_selection_policies(check: _Assessment) -> None:
    """loraPolicy.mode, styleConsistency.mode and promptPolicy.tagOrderMode are chosen."""
    spec, context = check.spec, check.context
    if spec.lora_policy is None or spec.lora_policy.mode is None:
        check.issue("loraPolicy.mode", "no LoRA selection mode chosen", default_lora_policy(context).mode)
    if spec.style_consistency is None:
        check.issue("styleConsistency.mode", "not chosen", default_style_consistency(check.kind).mode)
    if spec.prompt_policy is None or not spec.prompt_policy.tag_order_mode:
        check.issue(
            "promptPolicy.tagOrderMode",
            "not set",
            default_prompt_policy(context, check.ckpt_id).tag_order_mode,
        )


def _check_quality_contract(check: _Assessment) -> None:
    """A quality contract whose background policy, required states and alignment fit the output."""
    spec, kind = check.spec, check.kind
    ui_states = spec.output.ui_states.states if spec.output and spec.output.ui_states else []
    wants_transparent = spec.output is not None and spec.output.background == "transparent_required"
    proposed_contract = default_quality_contract(
        check.context,
        asset_type_id=spec.asset_type,
        output_kind=kind,
        background_policy="transparent_only" if wants_transparent else "any",
        ui_states=ui_states or None,
        checkpoint_id=check.ckpt_id,
    )
    contract = spec.quality_contract
    if contract is None:
        check.issue("qualityContract", "no quality contract", proposed_contract)
        return
    if "background_policy" not in contract.model_fields_set:
        check.issue("qualityContract.backgroundPolicy", "not set", proposed_contract.background_policy)
    elif wants_transparent and contract.background_policy in ("white_only", "any"):
        check.issue(
            "qualityContract.backgroundPolicy",
            f"{contract.background_policy!r} does not check the transparent background output asks for",
            "transparent_only",
        )
    if not contract.required_states:
        check.issue("qualityContract.requiredStates", "empty", proposed_contract.required_states)
    missing_states = [s for s in ui_states if s not in contract.required_states]
    if missing_states:
        check.issue(
            "qualityContract.requiredStates",
            f"UI states {missing_states} are not required",
            list(dict.fromkeys([*contract.required_states, *ui_states])),
        )
    if kind in ("ui_states", "animation") and "alignment_tolerance_px" not in contract.model_fields_set:
        check.issue(
            "qualityContract.alignmentTolerancePx",
            f"not set for aligned {kind} states",
            proposed_contract.alignment_tolerance_px,
        )


def _check_output(check: _Assessment) -> None:
    """An output contract with its kind and the fields that kind needs."""
    output = check.spec.output
    if output is None:
        check.issue("output", "no output contract", {"kind": check.kind})
        return
    if "kind" not in output.model_fields_set:
        check.issue("output.kind", "not set", check.kind)
    if output.kind == "animation":
        if output.animation is None:
            check.issue(
                "output.animation",
                "animation output without an animation contract",
                {"name": "default", "fps": DEFAULT_FPS, "loop": True, "frameCount": DEFAULT_FRAME_COUNT},
            )
        elif "frame_count" not in output.animation.model_fields_set:
            check.issue("output.animation.frameCount", "no explicit frame count", DEFAULT_FRAME_COUNT)
    elif output.kind == "ui_states" and (output.ui_states is None or not output.ui_states.states):
        check.issue("output.uiStates.states", "ui_states output without states", list(DEFAULT_UI_STATES))
    elif output.kind == "logo_set" and (output.logo_variants is None or not output.logo_variants.variants):
        check.issue("output.logoVariants.variants", "logo_set output without variants", ["full", "mark"])


def _check_generation_params(check: _Assessment) -> None:
    """Target sizes, and generation width/height/variants that the checkpoint accepts and that reach the target."""
    spec, checkpoint, ckpt_id = check.spec, check.checkpoint, check.ckpt_id
    output, params = spec.output, spec.generation_params
    target = None
    if output is not None and output.sizes:
        largest = max(output.sizes, key=lambda s: (s.w * s.h, s.w))
        target = (largest.w, largest.h)
    proposed_params = default_generation_params(
        check.context, asset_type_id=spec.asset_type, checkpoint_id=ckpt_id, target=target
    )
    if output is not None and not output.sizes:
        check.issue(
            "output.sizes",
            "no target size",
            [{"w": proposed_params.width, "h": proposed_params.height}],
        )
    if params is None:
        check.issue("generationParams", "not set", proposed_params)
        return
    for name, camel in (("width", "width"), ("height", "height"), ("variants", "variants")):
        if getattr(params, name) is None:
            check.issue(f"generationParams.{camel}", "not set", getattr(proposed_params, name))
    step = checkpoint.size_multiple_px if checkpoint is not None else 8
    max_side = checkpoint.max_side_px if checkpoint is not None else 2048
    for name in ("width", "height"):
        value = getattr(params, name)
        if value is not None and (value % step or value > max_side):
            check.issue(
                f"generationParams.{name}",
                f"{value} px is not a multiple of {step} px up to {max_side} px (checkpoint {ckpt_id})",
                getattr(proposed_params, name),
            )
    if (
        target is not None
        and params.width
        and params.height
        and (params.width < min(target[0], max_side) or params.height < min(target[1], max_side))
    ):
        check.issue(
            "generationParams.width",
            f"generation size {params.width}x{params.height} is smaller than the target "
            f"{target[0]}x{target[1]}",
            [proposed_params.width, proposed_params.height],
        )


def _check_seed_and_identity(check: _Assessment) -> None:
    """A seed mode (with baseSeed when fixed) and, for identity-bearing assets, an entityLink that agrees
    with the entity tags."""
    spec, asset_type = check.spec, check.asset_type
    if spec.seed_policy is None:
        check.issue("seedPolicy.mode", "not set", default_seed_policy(check.kind).mode)
    elif spec.seed_policy.mode == "fixed" and spec.seed_policy.base_seed is None:
        check.issue("seedPolicy.baseSeed", "fixed seed mode without baseSeed", 0)
    entity_tags = [t.split(":", 1)[1] for t in spec.tags if t.startswith("entity:")]
    needs_entity = bool(entity_tags) or (asset_type is not None and asset_type.identity_bearing)
    if needs_entity and spec.entity_link is None:
        proposed_entity = entity_tags[0] if entity_tags else spec.id
        check.issue(
            "entityLink",
            "identity-bearing asset without an entityLink",
            {"entityId": proposed_entity, "role": spec.asset_type},
        )
    elif spec.entity_link is not None and entity_tags and spec.entity_link.entity_id not in entity_tags:
        check.issue(
            "entityLink.entityId",
            f"{spec.entity_link.entity_id!r} differs from the entity tag(s) {entity_tags}",
            entity_tags[0],
        )
