"""Spec recreation: a variant (or a PNG made by assetgen) -> an AssetSpec that regenerates that exact image.

The recreated spec carries the exact prompts (``promptPolicy.compileMode: verbatim``, so no layer is added
again), a fixed seed, the sampler values and size, the checkpoint, and the LoRA stack as manual picks with
their releases and strengths. The rest (asset type, style, scenario, tags, contracts) comes from the
original spec when it still exists, so the recreated spec is autopilot-ready like its source.
"""

from __future__ import annotations

from assetgen.clock import now_iso
from assetgen.errors import InvalidInput
from assetgen.generation.variant_metadata import VariantMetadata
from assetgen.ids import validate_id
from assetgen.models import AssetSpec
from assetgen.models.generation import SAMPLING_FIELDS, GenerationParams
from assetgen.models.spec import LoraPolicy, PromptPolicy, SeedPolicy, SpecPrompt, SpecSource
from assetgen.store import ProjectStore


def recreate_spec(metadata: VariantMetadata, *, spec_id: str, source: AssetSpec | None) -> AssetSpec:
    """The spec that regenerates the image ``metadata`` describes (pure; the caller stores it)."""
    validate_id(spec_id, what="spec id")
    if metadata.batch_size > 1 and metadata.batch_index > 0:
        raise InvalidInput(
            f"variant {metadata.variant_id} was image {metadata.batch_index} of a batch of {metadata.batch_size}; "
            "only a batch's first image (or batch size 1) can be regenerated on its own"
        )
    now = now_iso()
    base = source.model_dump(mode="json", by_alias=False) if source is not None else {}
    explicit = (
        "id",
        "project_id",
        "created_at",
        "updated_at",
        "title",
        "asset_type",
        "style",
        "scenario",
        "prompt",
        "seed_policy",
        "generation_params",
        "checkpoint_id",
        "lora_ids",
        "lora_policy",
        "prompt_policy",
        "source",
        "spec_list_id",
        "status",
    )
    for key in explicit:
        base.pop(key, None)
    spec = AssetSpec(
        **{k: v for k, v in base.items() if k in AssetSpec.model_fields},
        id=spec_id,
        project_id=metadata.project_id,
        created_at=now,
        updated_at=now,
        title=(source.title if source else metadata.spec_id) + " (recreated)",
        asset_type=source.asset_type if source else "unknown",
        style=source.style if source else "unknown",
        scenario=source.scenario if source else "unknown",
        prompt=SpecPrompt(
            positive=metadata.positive,
            negative=metadata.negative,
            notes=f"recreated from variant {metadata.variant_id}",
        ),
        checkpoint_id=metadata.checkpoint["id"],
        lora_ids=[f"{lo['loraId']}@{lo['releaseId']}" for lo in metadata.loras],
        lora_policy=LoraPolicy(
            mode="manual",
            max_active_loras=len(metadata.loras),
            strengths={lo["loraId"]: lo["strengthModel"] for lo in metadata.loras},
        ),
        prompt_policy=PromptPolicy(compile_mode="verbatim", tag_order_mode="checkpoint_default"),
        seed_policy=SeedPolicy(mode="fixed", base_seed=metadata.seed),
        generation_params=GenerationParams(
            **{name: getattr(metadata, name) for name in SAMPLING_FIELDS}, variants=1, batch_size=1
        ),
        source=SpecSource(
            text=f"recreated from {metadata.project_id}/{metadata.asset_id}/{metadata.variant_id}"
        ),
        status="ready" if source is not None else "draft",
    )
    return spec


def recreate_from_variant(
    store: ProjectStore, project_id: str, metadata: VariantMetadata, *, spec_id: str | None = None
) -> AssetSpec:
    """Recreate and store the spec (id ``<originalSpec>-recreated-<variant>`` unless given)."""
    if metadata.project_id != project_id:
        raise InvalidInput(f"this image belongs to project {metadata.project_id!r}, not {project_id!r}")
    source = (
        store.read(project_id, "specs", metadata.spec_id)
        if store.exists(project_id, "specs", metadata.spec_id)
        else None
    )
    spec_id = spec_id or f"{metadata.spec_id[:60]}-re-{metadata.variant_id[-24:]}"
    spec = recreate_spec(metadata, spec_id=spec_id, source=source)
    store.write(project_id, "specs", spec)
    return spec
