"""Plan a generate run: everything ComfyUI needs for a spec, resolved from the project store once.

Parameter precedence: job overrides > spec generationParams > checkpoint defaults > asset type
defaults > ``BUILTIN_PARAMS``.
"""

from __future__ import annotations

import secrets
from typing import Any

from assetgen.errors import InvalidInput, NotFound
from assetgen.generation.onboarding import named_checkpoint_ids, pending_checkpoint
from assetgen.generation.plan_inputs import read_plan_inputs, read_spec
from assetgen.generation.policy import choose_checkpoint, resolve_lora_stack
from assetgen.generation.prompt_compiler import compile_prompt
from assetgen.generation.seeds import variant_seeds
from assetgen.generation.tiling import TILEABLE_TWINS, tiling_for_spec
from assetgen.models import GenerateInput, GenerationParams
from assetgen.models.generation import GenerationPlan, PlanPrompt
from assetgen.store import ProjectStore

BUILTIN_PARAMS = GenerationParams(
    width=512, height=512, variants=4, steps=20, cfg=7.0, sampler="euler", scheduler="normal", batch_size=1
)
# Job override keys as the origin names them -> GenerationParams fields.
OVERRIDE_ALIASES = {"sampler_name": "sampler", "batchSize": "batch_size", "clipSkip": "clip_skip"}
OVERRIDE_KEYS = {
    "width",
    "height",
    "variants",
    "steps",
    "cfg",
    "sampler",
    "scheduler",
    "seed",
    "denoise",
    "batch_size",
    "clip_skip",
    "positive",
    "negative",
}


def merge_params(*layers: GenerationParams | None) -> GenerationParams:
    """Merge parameter layers, earlier layers winning (None means "not set here")."""
    merged: dict[str, Any] = {}
    for layer in reversed([layer for layer in layers if layer is not None]):
        merged.update(
            {
                k: v
                for k, v in layer.model_dump(exclude_none=True, by_alias=False).items()
                if k in GenerationParams.model_fields
            }
        )
    return GenerationParams(**merged)


def normalise_overrides(overrides: dict[str, Any]) -> dict[str, Any]:
    """Job ``overrides`` with origin aliases mapped; unknown keys are an error that lists the valid ones."""
    out = {}
    for key, value in overrides.items():
        name = OVERRIDE_ALIASES.get(key, key)
        if name not in OVERRIDE_KEYS:
            raise InvalidInput(
                f"unknown override {key!r}; use one of {sorted(OVERRIDE_KEYS | set(OVERRIDE_ALIASES))}"
            )
        out[name] = value
    return out


def plan_from_input(store: ProjectStore, project_id: str, request: GenerateInput) -> GenerationPlan:
    """The plan of a ``generate`` job's input (checkpoint, variants, overrides, seed offset, template)."""
    return plan_generation(
        store,
        project_id,
        request.spec_id,
        checkpoint_id=request.checkpoint_name,
        variants=request.variants,
        overrides=request.overrides,
        seed_offset=request.seed_offset,
        template_id=request.template_id,
    )


def plan_generation(
    store: ProjectStore,
    project_id: str,
    spec_id: str,
    *,
    checkpoint_id: str | None = None,
    variants: int | None = None,
    overrides: dict[str, Any] | None = None,
    seed_offset: int = 0,
    random_seed: int | None = None,
    template_id: str = "txt2img",
    allow_pending: bool = False,
) -> GenerationPlan:
    """Resolve checkpoint, LoRA stack, prompts, sampler parameters and per-variant seeds for a spec.

    ``allow_pending`` plans on a checkpoint the project names but has not onboarded (to explain a
    prompt in its dialect); such a plan has an empty checkpoint file and must not be run.
    """
    inputs = read_plan_inputs(store, project_id)
    project = inputs.project
    spec = read_spec(store, project_id, spec_id)
    checkpoints, loras = inputs.checkpoints, inputs.loras
    onboarded = {c.id for c in checkpoints}
    pending = set(named_checkpoint_ids(project, inputs.baseline_profiles)) - onboarded
    choice = choose_checkpoint(
        spec, checkpoints, project, requested_id=checkpoint_id, pending=pending, allow_pending=allow_pending
    )
    checkpoint = next((c for c in checkpoints if c.id == choice.id), None) or pending_checkpoint(choice.id)
    stack = resolve_lora_stack(spec, loras, project, checkpoint_id=checkpoint.id)

    asset_types = inputs.catalogs["asset-types"]
    if asset_types is None:
        raise NotFound(
            f"project {project_id!r} has no catalog 'asset-types' "
            f"({store.catalog_path(project_id, 'asset-types')})"
        )
    asset_type = next((t for t in asset_types if t.id == spec.asset_type), None)
    if asset_type is None:
        raise NotFound(
            f"spec {spec.id!r}: asset type {spec.asset_type!r} is not in catalogs/asset-types.json "
            f"({', '.join(t.id for t in asset_types)})"
        )
    baseline = inputs.baseline_profile(spec.baseline_profile_id) if spec.baseline_profile_id else None

    extra = normalise_overrides(dict(overrides or {}))
    if variants is not None:
        extra["variants"] = variants
    override_positive, override_negative = extra.pop("positive", None), extra.pop("negative", None)
    params = merge_params(
        GenerationParams(**extra),
        spec.generation_params,
        checkpoint.default_generation_params,
        asset_type.default_generation_params,
        BUILTIN_PARAMS,
    )
    compiled = compile_prompt(
        spec,
        project,
        checkpoint=checkpoint,
        styles=inputs.catalog("styles"),
        scenarios=inputs.catalog("scenarios"),
        palettes=inputs.catalog("palettes"),
        tag_groups=inputs.catalog("tags"),
        baseline=baseline,
        override_positive=override_positive,
        override_negative=override_negative,
    )
    mode, seeds = variant_seeds(
        spec,
        count=params.variants,
        checkpoint_id=checkpoint.id,
        random_seed=secrets.randbelow(2**32) if random_seed is None else random_seed,
        explicit_seed=extra.get("seed"),
        offset=seed_offset,
    )
    # A tileable spec samples and decodes through Make Tileable: the plain template swaps to its twin.
    tiling = tiling_for_spec(spec, asset_type)
    if tiling is not None and template_id in TILEABLE_TWINS:
        template_id = TILEABLE_TWINS[template_id]
    return GenerationPlan(
        project_id=project_id,
        spec_id=spec.id,
        asset_id=spec.id,
        template_id=template_id,
        checkpoint=choice,
        loras=stack.loras,
        lora_decisions=stack.decisions,
        lora_mode=stack.mode,
        prompt=PlanPrompt(positive=compiled.positive, negative=compiled.negative),
        prompt_trace=compiled.trace,
        prompt_package_hash=compiled.package_hash,
        width=params.width,
        height=params.height,
        steps=params.steps,
        cfg=params.cfg,
        sampler=params.sampler,
        scheduler=params.scheduler,
        denoise=params.denoise or 1.0,
        seed_policy=mode,
        seeds=seeds,
        batch_size=params.batch_size or 1,
        tiling=tiling,
    )


def batches(plan: GenerationPlan) -> list[list[int]]:
    """Variant indices split into ComfyUI batches of at most ``plan.batch_size``."""
    size = plan.batch_size
    return [
        list(range(start, min(start + size, len(plan.seeds)))) for start in range(0, len(plan.seeds), size)
    ]
