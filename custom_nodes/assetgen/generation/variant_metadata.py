"""The metadata every generated variant carries: in its PNG (iTXt ``assetgen``) and in the node output."""

from __future__ import annotations

import json
from typing import Any

from pydantic import Field

from assetgen.errors import InvalidInput
from assetgen.models.base import Contract
from assetgen.models.generation import GenerationPlan

PNG_KEY = "assetgen"


class VariantMetadata(Contract):
    """What made one image: enough to recreate it exactly."""

    project_id: str
    spec_id: str
    asset_id: str
    job_id: str | None = None
    variant_id: str
    variant_index: int = Field(ge=0)
    seed: int
    batch_index: int = Field(
        default=0, ge=0, description="Index inside the ComfyUI batch sampled with `seed`."
    )
    batch_size: int = Field(default=1, ge=1)
    positive: str
    negative: str
    width: int
    height: int
    steps: int
    cfg: float
    sampler: str
    scheduler: str
    denoise: float = 1.0
    checkpoint: dict[str, Any]
    loras: list[dict[str, Any]] = Field(default_factory=list)
    prompt_package_hash: str
    seed_policy: str
    template_id: str | None = None
    tiling: dict[str, Any] | None = Field(
        default=None, description="assetgen: axes and reason when sampled and decoded with Make Tileable."
    )


def metadata_for(
    plan: GenerationPlan,
    *,
    variant_index: int,
    variant_id: str,
    job_id: str | None,
    batch_index: int,
    batch_size: int,
    batch_seed: int,
    checkpoint_sha256: str | None,
    lora_sha256: dict[str, str],
) -> VariantMetadata:
    """Metadata of the image at ``batch_index`` of a batch sampled with ``batch_seed``."""
    return VariantMetadata(
        project_id=plan.project_id,
        spec_id=plan.spec_id,
        asset_id=plan.asset_id,
        job_id=job_id or None,
        variant_id=variant_id,
        variant_index=variant_index,
        seed=batch_seed,
        batch_index=batch_index,
        batch_size=batch_size,
        positive=plan.prompt.positive,
        negative=plan.prompt.negative,
        **plan.sampling(),
        checkpoint={
            "id": plan.checkpoint.id,
            "file": plan.checkpoint.file,
            "sha256": checkpoint_sha256 or plan.checkpoint.sha256,
        },
        loras=[
            {
                "loraId": lora.lora_id,
                "releaseId": lora.release_id,
                "file": lora.file,
                "sha256": lora_sha256.get(lora.file) or lora.sha256,
                "strengthModel": lora.strength_model,
                "strengthClip": lora.strength_clip,
            }
            for lora in plan.loras
        ],
        prompt_package_hash=plan.prompt_package_hash,
        seed_policy=plan.seed_policy,
        template_id=plan.template_id,
        tiling=plan.tiling.model_dump(mode="json") if plan.tiling is not None else None,
    )


def parse_plan(text: str) -> GenerationPlan:
    """A GenerationPlan from its JSON text (node inputs carry it as a string)."""
    try:
        return GenerationPlan.model_validate_json(text)
    except ValueError as exc:
        raise InvalidInput(f"not a valid assetgen generation plan: {str(exc).splitlines()[0]}") from exc


def read_variant_metadata(png_text: dict[str, str]) -> VariantMetadata:
    """The assetgen metadata of a PNG's text chunks; InvalidInput when the PNG carries none."""
    if PNG_KEY not in png_text:
        raise InvalidInput("this PNG carries no assetgen metadata (was it made by AssetGen Save Variants?)")
    try:
        return VariantMetadata.model_validate(json.loads(png_text[PNG_KEY]))
    except ValueError as exc:
        raise InvalidInput(f"damaged assetgen metadata in PNG: {exc}") from exc
