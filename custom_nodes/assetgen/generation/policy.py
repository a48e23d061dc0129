"""Checkpoint and LoRA selection for a spec (seed section 3), with a reason for every decision.

Checkpoint: a job's explicit choice wins, then the spec's ``checkpointId``, then the first checkpoint
(by id) that supports the spec's asset type, preferring one with a default prompt profile.

LoRAs, in this order of rules (the origin's semantics plus what it lacks):
1. Candidates are every LoRA record; the spec's ``loraIds`` (and ``loraPolicy.include``) form the
   *manual* layer, the others are in the *baseline* or *project* layer by their ``scope``.
2. A candidate is **blocked** when it targets another checkpoint (``blocked_checkpoint``), does not
   list the spec's asset type (``blocked_asset_type``; manual picks are exempt), has no usable
   release (``blocked_no_release``), is excluded by the spec (``blocked_excluded``) or its layer is
   not allowed by the mode (``blocked_mode``, e.g. ``baseline_only`` blocks project LoRAs).
3. The remaining ones are ordered by layer (manual first, then baseline/project as the mode says,
   or ``modelStackPolicy.stackOrder``), within a layer recommended first when ``preferRecommended``,
   then by id; non-recommended automatic candidates are skipped when ``preferRecommended`` is on
   and a recommended one exists in the layer (``skipped_not_recommended``).
4. Caps: per-layer caps (``modelStackPolicy.layerCaps``) and the overall cap (the smaller of the
   spec's, the project's and the stack policy's ``maxActiveLoras``); the rest are ``skipped_over_cap``.
5. Release: an explicit release id (``id@release`` in ``loraIds``), else the active release, else the
   newest approved one (unless the release policy is ``active_only``).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from assetgen.errors import InvalidInput, NotFound
from assetgen.generation.onboarding import not_onboarded_message
from assetgen.models import AssetSpec, Checkpoint, Lora, LoraRelease, Project
from assetgen.models.base import Contract
from assetgen.models.generation import CheckpointChoice, Layer, LoraChoice, LoraDecision, ReasonCode
from assetgen.models.project import LoraSelectionPolicy

MODE_LAYERS: dict[str, tuple[Layer, ...]] = {
    "manual": ("manual",),
    "baseline_then_project": ("manual", "baseline", "project"),
    "project_then_baseline": ("manual", "project", "baseline"),
    "baseline_only": ("manual", "baseline"),
    "project_only": ("manual", "project"),
}


class LoraStack(Contract):
    """The resolved LoRA stack plus a decision for every LoRA record considered."""

    loras: list[LoraChoice]
    decisions: list[LoraDecision]
    mode: str
    max_active_loras: int


@dataclass(frozen=True)
class _Candidate:
    lora: Lora
    layer: Layer
    release_hint: str | None


def choose_checkpoint(
    spec: AssetSpec,
    checkpoints: Sequence[Checkpoint],
    project: Project,
    *,
    requested_id: str | None = None,
    pending: Collection[str] = (),
    allow_pending: bool = False,
) -> CheckpointChoice:
    """Pick the checkpoint for ``spec``; raises NotFound naming the checkpoints that exist.

    ``pending`` are ids the project names but has not onboarded: with ``allow_pending`` (explaining a
    prompt) such a choice comes back with an empty ``file``; without it (generating) the error says how
    to onboard the checkpoint.
    """
    by_id = {c.id: c for c in checkpoints}
    known = ", ".join(sorted(by_id)) or "none"
    for source, wanted in (("job", requested_id), ("spec", spec.checkpoint_id)):
        if wanted:
            if wanted not in by_id and wanted in pending:
                if not allow_pending:
                    raise NotFound(not_onboarded_message(project.id, wanted))
                return CheckpointChoice(
                    id=wanted, file="", reason=f"set on the {source}; not onboarded yet (no model file)"
                )
            if wanted not in by_id:
                raise NotFound(
                    f"checkpoint {wanted!r} (from the {source}) does not exist; checkpoints: {known}"
                )
            return _checkpoint_choice(by_id[wanted], f"set on the {source}")
    pick, has_profile = pick_checkpoint_for_type(spec.asset_type, checkpoints, project)
    if pick is None:
        hint = f"; named but not onboarded: {', '.join(sorted(pending))} (pick one with --checkpoint)"
        raise NotFound(
            f"no checkpoint supports asset type {spec.asset_type!r}; checkpoints: {known}"
            + (hint if pending else "")
        )
    why = "with a default prompt profile" if has_profile else "by id"
    return _checkpoint_choice(pick, f"first checkpoint supporting {spec.asset_type!r} {why}")


def pick_checkpoint_for_type(
    asset_type: str, checkpoints: Sequence[Checkpoint], project: Project
) -> tuple[Checkpoint | None, bool]:
    """The automatic rule (refinement uses it too): the first checkpoint by id that supports ``asset_type``,
    preferring one with a ``defaultForCheckpoint`` prompt profile; (None, False) when none supports it."""
    supporting = sorted((c for c in checkpoints if asset_type in c.supported_asset_types), key=lambda c: c.id)
    profiled = [
        c
        for c in supporting
        if (p := project.policies.checkpoint_profiles.get(c.id)) is not None and p.default_for_checkpoint
    ]
    if not supporting:
        return None, False
    return (profiled or supporting)[0], bool(profiled)


def _checkpoint_choice(checkpoint: Checkpoint, reason: str) -> CheckpointChoice:
    file = checkpoint.weights.path
    if not file:
        raise InvalidInput(
            f"checkpoint {checkpoint.id!r} has no weights.path: set the model file name ComfyUI sees"
        )
    return CheckpointChoice(id=checkpoint.id, file=file, sha256=checkpoint.weights.sha256, reason=reason)


def effective_lora_policy(spec: AssetSpec, project: Project) -> LoraSelectionPolicy:
    """The project's ``loraSelection`` with the spec's ``loraPolicy`` fields laid over it."""
    merged = project.policies.lora_selection.model_copy()
    if spec.lora_policy is not None:
        for field in ("mode", "prefer_recommended", "max_active_loras", "release_policy"):
            value = getattr(spec.lora_policy, field)
            if value is not None:
                setattr(merged, field, value)
    return merged


def choose_release(lora: Lora, *, explicit: str | None, active_only: bool) -> LoraRelease | None:
    """explicit -> active -> newest approved (unless ``active_only``); deprecated releases never."""
    releases = {r.id: r for r in lora.releases}
    if explicit:
        release = releases.get(explicit)
        return release if release is not None and release.status != "deprecated" else None
    if lora.active_release_id:
        release = releases.get(lora.active_release_id)
        if release is not None and release.status != "deprecated":
            return release
    if active_only:
        return None
    approved = [r for r in lora.releases if r.status == "approved"]
    return max(approved, key=lambda r: (r.created_at or "", r.id)) if approved else None


@dataclass(frozen=True)
class _StackLimits:
    """Which layers the mode uses (in stack order), the total cap and the per-layer caps."""

    allowed_layers: tuple[Layer, ...]
    cap: int
    layer_caps: dict[str, int]


def resolve_lora_stack(
    spec: AssetSpec, loras: Sequence[Lora], project: Project, *, checkpoint_id: str
) -> LoraStack:
    """Resolve the ordered LoRA stack for ``spec`` on ``checkpoint_id`` with a decision per LoRA."""
    policy = effective_lora_policy(spec, project)
    manual = _manual_loras(spec, loras)
    limits = _stack_limits(policy, project)
    decisions: list[LoraDecision] = []
    eligible = _eligible_candidates(
        spec, loras, policy, limits, manual=manual, checkpoint_id=checkpoint_id, decisions=decisions
    )
    chosen = _fill_layers(spec, eligible, policy, limits, manual=manual, decisions=decisions)
    decisions.sort(key=lambda d: d.lora_id)
    return LoraStack(loras=chosen, decisions=decisions, mode=policy.mode, max_active_loras=limits.cap)


def _manual_loras(spec: AssetSpec, loras: Sequence[Lora]) -> dict[str, str | None]:
    """The LoRAs the spec names (``loraIds`` and ``loraPolicy.include``, ``id@release``), in its order."""
    by_id = {lora.id: lora for lora in loras}
    manual: dict[str, str | None] = {}
    for ref in [*spec.lora_ids, *(spec.lora_policy.include if spec.lora_policy else [])]:
        lora_id, _, release = ref.partition("@")
        if lora_id not in by_id:
            raise NotFound(
                f"spec {spec.id!r} names LoRA {lora_id!r}, which does not exist; LoRAs: {', '.join(sorted(by_id)) or 'none'}"
            )
        manual.setdefault(lora_id, release or None)
    return manual


def _stack_limits(policy: LoraSelectionPolicy, project: Project) -> _StackLimits:
    """The mode's layers, ordered and capped by the project's ``modelStackPolicy`` when it has one."""
    stack_policy = project.policies.model_stack_policy
    allowed_layers = MODE_LAYERS[policy.mode]
    if stack_policy is not None and policy.mode != "manual":
        allowed_layers = tuple(layer for layer in stack_policy.stack_order if layer in allowed_layers)
    caps = [policy.max_active_loras]
    if stack_policy is not None and stack_policy.max_active_loras is not None:
        caps.append(stack_policy.max_active_loras)
    layer_caps = dict(stack_policy.layer_caps) if stack_policy is not None else {}
    return _StackLimits(allowed_layers=allowed_layers, cap=min(caps), layer_caps=layer_caps)


def _eligible_candidates(
    spec: AssetSpec,
    loras: Sequence[Lora],
    policy: LoraSelectionPolicy,
    limits: _StackLimits,
    *,
    manual: dict[str, str | None],
    checkpoint_id: str,
    decisions: list[LoraDecision],
) -> list[_Candidate]:
    """Every LoRA not blocked (exclusion, checkpoint, asset type, mode) that has a usable release; the
    blocked ones get their decision."""
    excluded = set(spec.lora_policy.exclude if spec.lora_policy else [])
    eligible: list[_Candidate] = []
    for lora in sorted(loras, key=lambda item: item.id):
        layer: Layer = "manual" if lora.id in manual else lora.scope
        blocked = _blocked_reason(lora, layer, spec, checkpoint_id, excluded, limits.allowed_layers)
        if blocked is not None:
            decisions.append(
                LoraDecision(lora_id=lora.id, decision="blocked", code=blocked[0], reason=blocked[1])
            )
            continue
        release = choose_release(
            lora, explicit=manual.get(lora.id), active_only=policy.release_policy == "active_only"
        )
        if release is None:
            decisions.append(
                LoraDecision(
                    lora_id=lora.id,
                    decision="blocked",
                    code="blocked_no_release",
                    reason=f"no usable release under {policy.release_policy}",
                )
            )
            continue
        eligible.append(_Candidate(lora=lora, layer=layer, release_hint=release.id))
    return eligible


def _fill_layers(
    spec: AssetSpec,
    eligible: list[_Candidate],
    policy: LoraSelectionPolicy,
    limits: _StackLimits,
    *,
    manual: dict[str, str | None],
    decisions: list[LoraDecision],
) -> list[LoraChoice]:
    """Take candidates layer by layer (recommended first when preferred) until the caps are reached."""
    strengths = spec.lora_policy.strengths if spec.lora_policy else {}
    cap, layer_caps = limits.cap, limits.layer_caps
    chosen: list[LoraChoice] = []
    layer_counts: dict[str, int] = {}
    for layer in limits.allowed_layers:
        in_layer = [c for c in eligible if c.layer == layer]
        if layer == "manual":  # the spec's own order (a recreated spec replays the original stack order)
            order = list(manual)
            in_layer.sort(key=lambda c: order.index(c.lora.id))
        else:
            in_layer.sort(key=lambda c: (not (policy.prefer_recommended and c.lora.recommended), c.lora.id))
        has_recommended = any(c.lora.recommended for c in in_layer)
        for candidate in in_layer:
            lora = candidate.lora
            if layer != "manual" and policy.prefer_recommended and has_recommended and not lora.recommended:
                decisions.append(
                    LoraDecision(
                        lora_id=lora.id,
                        decision="skipped",
                        code="skipped_not_recommended",
                        reason=f"preferRecommended: a recommended {layer} LoRA exists",
                    )
                )
                continue
            if len(chosen) >= cap or layer_counts.get(layer, 0) >= layer_caps.get(layer, cap):
                limit = cap if len(chosen) >= cap else layer_caps[layer]
                decisions.append(
                    LoraDecision(
                        lora_id=lora.id,
                        decision="skipped",
                        code="skipped_over_cap",
                        reason=f"cap of {limit} active LoRA(s) reached",
                    )
                )
                continue
            choice = _lora_choice(candidate, strengths)
            chosen.append(choice)
            layer_counts[layer] = layer_counts.get(layer, 0) + 1
            why = "named by the spec" if layer == "manual" else f"{layer} layer, mode {policy.mode}"
            decisions.append(
                LoraDecision(
                    lora_id=lora.id,
                    decision="chosen",
                    code="chosen",
                    reason=f"{why}, release {choice.release_id}",
                )
            )
    return chosen


def _lora_choice(candidate: _Candidate, strengths: Mapping[str, float]) -> LoraChoice:
    """The chosen LoRA as the job sends it: release file, hash and strengths (the spec's override wins)."""
    lora = candidate.lora
    release = next(r for r in lora.releases if r.id == candidate.release_hint)
    file = release.weights.path
    if not file:
        raise InvalidInput(f"LoRA {lora.id!r} release {release.id!r} has no weights.path")
    return LoraChoice(
        lora_id=lora.id,
        release_id=release.id,
        file=file,
        sha256=release.sha256 or release.weights.sha256,
        strength_model=strengths.get(lora.id, lora.strength_model),
        strength_clip=strengths.get(lora.id, lora.strength_clip),
        layer=candidate.layer,
    )


def _blocked_reason(
    lora: Lora,
    layer: Layer,
    spec: AssetSpec,
    checkpoint_id: str,
    excluded: set[str],
    allowed_layers: tuple[Layer, ...],
) -> tuple[ReasonCode, str] | None:
    if lora.id in excluded:
        return "blocked_excluded", "excluded by the spec's loraPolicy"
    if lora.checkpoint_id != checkpoint_id:
        return "blocked_checkpoint", f"made for checkpoint {lora.checkpoint_id!r}, not {checkpoint_id!r}"
    if layer != "manual" and lora.asset_types and spec.asset_type not in lora.asset_types:
        return "blocked_asset_type", f"asset type {spec.asset_type!r} not in {lora.asset_types}"
    if layer not in allowed_layers:
        return "blocked_mode", f"{layer} LoRAs are not used in mode {'/'.join(allowed_layers)}"
    return None
