"""AssetGen Save Variants: IMAGE batch + plan -> PNG originals and WebP previews with full metadata."""

from __future__ import annotations

import json
from pathlib import Path

import folder_paths
from comfy_api.latest import io

from assetgen.generation.file_hashes import sha256_file
from assetgen.generation.variant_metadata import PNG_KEY, metadata_for
from assetgen.ids import new_ulid, validate_id
from assetgen.image_files import encode_png, encode_webp
from assetgen.nodes._context import node_plan, node_settings
from assetgen.nodes._convert import image_to_rgba_arrays
from assetgen.nodes.spec import PLAN
from assetgen.store import write_bytes_atomic


def _model_hash(kind: str, file: str) -> str | None:
    path = folder_paths.get_full_path(kind, file)
    if path is None:
        return None
    return sha256_file(Path(path), cache_file=node_settings().cache_dir / "file-hashes.json")


class AssetGenSaveVariants(io.ComfyNode):
    """Writes each image with the seed, prompts, sampler, model and LoRA hashes, spec, job and variant ids."""

    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id="AssetGenSaveVariants",
            display_name="Save Variants (assetgen)",
            category="assetgen",
            description="Saves generated variants as PNG (metadata embedded as iTXt 'assetgen') plus WebP "
            "previews under output/assetgen/<project>/<asset>/, and returns the metadata as node output.",
            inputs=[
                io.Image.Input("images", tooltip="The decoded batch."),
                PLAN.Input("plan", tooltip="From Load AssetSpec."),
                io.Int.Input(
                    "variant_index",
                    default=0,
                    min=0,
                    max=255,
                    tooltip="Variant index of the first image of the batch.",
                ),
                io.Int.Input(
                    "batch_seed",
                    default=0,
                    min=0,
                    max=0xFFFFFFFFFFFFFFFF,
                    tooltip="The seed the batch was sampled with (link it from the sampler's seed).",
                ),
                io.String.Input("job_id", default="", tooltip="assetgen job id (the orchestrator fills it)."),
                io.String.Input(
                    "variant_ids",
                    default="",
                    tooltip="Comma-separated variant ids, one per image; new ids when empty.",
                ),
            ],
            outputs=[],
            is_output_node=True,
        )

    @classmethod
    def fingerprint_inputs(cls, **_: object) -> float:
        return float("nan")  # always writes: every run is a new set of files

    @classmethod
    def execute(
        cls, images, plan: str, variant_index: int, batch_seed: int, job_id: str = "", variant_ids: str = ""
    ) -> io.NodeOutput:
        resolved = node_plan(plan)
        arrays = image_to_rgba_arrays(images)
        ids = [v.strip() for v in variant_ids.split(",") if v.strip()] or [new_ulid() for _ in arrays]
        if len(ids) != len(arrays):
            raise ValueError(f"variant_ids has {len(ids)} id(s) for a batch of {len(arrays)} image(s)")
        for variant_id in ids:
            validate_id(variant_id, what="variant id")
        subfolder = f"assetgen/{validate_id(resolved.project_id)}/{validate_id(resolved.asset_id)}"
        out_dir = Path(folder_paths.get_output_directory()) / subfolder
        ckpt_hash = _model_hash("checkpoints", resolved.checkpoint.file)
        lora_hashes = {lora.file: h for lora in resolved.loras if (h := _model_hash("loras", lora.file))}
        saved, previews, metadata = [], [], []
        for batch_index, (array, variant_id) in enumerate(zip(arrays, ids, strict=True)):
            meta = metadata_for(
                resolved,
                variant_index=variant_index + batch_index,
                variant_id=variant_id,
                job_id=job_id,
                batch_index=batch_index,
                batch_size=len(arrays),
                batch_seed=batch_seed,
                checkpoint_sha256=ckpt_hash,
                lora_sha256=lora_hashes,
            )
            text = {PNG_KEY: meta.model_dump_json()}
            # ComfyUI's output folder is transient (the orchestrator fetches over /view and stores the files
            # durably in the project): atomic, but no fsync on the GPU host's hot path.
            write_bytes_atomic(out_dir / f"{variant_id}.png", encode_png(array, text=text), durable=False)
            write_bytes_atomic(out_dir / f"{variant_id}.webp", encode_webp(array), durable=False)
            saved.append({"filename": f"{variant_id}.png", "subfolder": subfolder, "type": "output"})
            previews.append({"filename": f"{variant_id}.webp", "subfolder": subfolder, "type": "output"})
            metadata.append(json.loads(meta.model_dump_json()))
        return io.NodeOutput(ui={"images": saved, "previews": previews, "assetgen": metadata})
