"""Run one generate request on a ComfyUI backend and ingest the results (used by the CLI and the worker)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from assetgen.errors import ComfyExecutionError
from assetgen.generation.anchor_frames import (
    AnchorFramesPlan,
    existing_frame_ids,
    frame_variant_ids,
    mirrored_png,
    record_frames,
    replace_frames,
)
from assetgen.generation.ingest import GeneratedVariant, ingest_variants
from assetgen.generation.plan import batches
from assetgen.generation.variant_metadata import VariantMetadata
from assetgen.generation.workflows import load_template, prompt_for_batch, prompt_for_frame, titles_by_node
from assetgen.ids import new_ulid
from assetgen.models.generation import GenerationPlan
from assetgen.store import ProjectStore
from orchestrator.comfy_client import ComfyClient, ProgressCallback, output_files

log = logging.getLogger(__name__)


def variant_ids_for(plan: GenerationPlan, job_id: str | None) -> list[str]:
    """Variant ids: derived from the job id (a re-run overwrites, never duplicates), else new ULIDs."""
    if job_id:
        return [f"{job_id}-v{index + 1:02d}" for index in range(len(plan.seeds))]
    return [new_ulid() for _ in plan.seeds]


async def generate_variants(
    client: ComfyClient,
    store: ProjectStore,
    plan: GenerationPlan,
    *,
    job_id: str | None = None,
    progress: ProgressCallback | None = None,
    on_batch_done: Any = None,
) -> dict[str, Any]:
    """Submit every batch of ``plan``, fetch the saved PNGs and previews via /view, ingest them.

    All batches are queued on ComfyUI first, so the backend goes from one batch to the next without
    waiting for this process to fetch the previous results; batches still queued when this fails or is
    cancelled are deleted from ComfyUI's queue.
    """
    template = load_template(plan.template_id)
    save_node = titles_by_node(template)["Save Variants"]
    ids = variant_ids_for(plan, job_id)
    fetched: list[GeneratedVariant] = []
    prompt_ids: list[str] = []
    groups = batches(plan)
    finished = 0
    try:
        for indices in groups:
            prompt = prompt_for_batch(
                template,
                plan,
                variant_indices=indices,
                variant_ids=[ids[i] for i in indices],
                job_id=job_id or "",
            )
            prompt_ids.append(await client.submit(prompt))
            log.info(
                "submitted prompt=%s spec=%s variants=%s backend=%s",
                prompt_ids[-1],
                plan.spec_id,
                indices,
                client.base_url,
            )
        for indices, prompt_id in zip(groups, prompt_ids, strict=True):
            entry = await client.wait(prompt_id, progress=progress)
            outputs = (entry.get("outputs") or {}).get(save_node) or {}
            metadata = [VariantMetadata.model_validate(m) for m in outputs.get("assetgen", [])]
            pngs = output_files(entry, save_node, "images")
            previews = output_files(entry, save_node, "previews")
            if len(metadata) != len(indices) or len(pngs) != len(indices):
                raise ComfyExecutionError(
                    f"prompt {prompt_id} returned {len(pngs)} image(s) for {len(indices)} variant(s)"
                )
            for meta, png, preview in zip(metadata, pngs, previews or [None] * len(pngs), strict=True):
                fetched.append(
                    GeneratedVariant(
                        metadata=meta,
                        png=await client.view(png),
                        preview=await client.view(preview) if preview else None,
                    )
                )
            finished += 1
            if on_batch_done is not None:
                await on_batch_done(len(fetched), len(plan.seeds))
    except BaseException:
        for pending in prompt_ids[finished:]:
            with contextlib.suppress(Exception):
                await client.delete_from_queue(pending)
        raise
    return await asyncio.to_thread(
        ingest_variants,
        store,
        plan,
        fetched,
        version_id=job_id or new_ulid(),
        job_id=job_id,
        prompt_ids=prompt_ids,
        backend=client.base_url,
    )


async def generate_anchor_frames(
    client: ComfyClient,
    store: ProjectStore,
    frames_plan: AnchorFramesPlan,
    *,
    job_id: str | None = None,
    progress: ProgressCallback | None = None,
    on_frame_done: Any = None,
    replace_version: str | None = None,
) -> dict[str, Any]:
    """Generate every frame of ``frames_plan`` (one prompt each: init image uploaded, image-to-image from
    the anchor), mirror the west-facing ones, ingest them as one version and record their poses. With
    ``replace_version`` the frames overwrite their namesakes in that version instead (outlier repair)."""
    plan = frames_plan.plan
    template = load_template(plan.template_id)
    save_node = titles_by_node(template)["Save Variants"]
    existing = (
        await asyncio.to_thread(existing_frame_ids, store, plan.project_id, plan.asset_id, replace_version)
        if replace_version
        else None
    )
    ids = frame_variant_ids(frames_plan, job_id, existing=existing)
    tag = job_id or ids[frames_plan.frames[0].name]
    fetched: dict[str, GeneratedVariant] = {}
    prompt_ids: list[str] = []
    generated = frames_plan.generated
    for index, frame in enumerate(generated):
        init = await client.upload_image(frame.init_png, f"{tag}-{frame.name}-init.png")
        skeleton = (
            await client.upload_image(frame.skeleton_png, f"{tag}-{frame.name}-pose.png")
            if frame.skeleton_png
            else None
        )
        prompt = prompt_for_frame(
            template,
            plan,
            variant_index=index,
            variant_id=ids[frame.name],
            positive=frame.positive,
            init_image=init,
            vae_file=frames_plan.vae_file,
            skeleton_image=skeleton,
            controlnet_file=frames_plan.controlnet_file,
            controlnet_strength=frames_plan.animation.controlnet_strength,
            job_id=job_id or "",
        )
        prompt_id = await client.submit(prompt)
        prompt_ids.append(prompt_id)
        log.info(
            "submitted prompt=%s spec=%s frame=%s backend=%s",
            prompt_id,
            plan.spec_id,
            frame.name,
            client.base_url,
        )
        entry = await client.wait(prompt_id, progress=progress)
        outputs = (entry.get("outputs") or {}).get(save_node) or {}
        metadata = [VariantMetadata.model_validate(m) for m in outputs.get("assetgen", [])]
        pngs = output_files(entry, save_node, "images")
        previews = output_files(entry, save_node, "previews")
        if len(metadata) != 1 or len(pngs) != 1:
            raise ComfyExecutionError(
                f"prompt {prompt_id} returned {len(pngs)} image(s) for frame {frame.name}"
            )
        fetched[frame.name] = GeneratedVariant(
            metadata=metadata[0],
            png=await client.view(pngs[0]),
            preview=await client.view(previews[0]) if previews else None,
        )
        if on_frame_done is not None:
            await on_frame_done(index + 1, len(generated))
    for offset, frame in enumerate(frames_plan.mirrored):
        twin = fetched[frame.mirror_of or ""]
        meta = twin.metadata.model_copy(
            update={"variant_id": ids[frame.name], "variant_index": len(generated) + offset}
        )
        fetched[frame.name] = GeneratedVariant(
            metadata=meta, png=mirrored_png(twin.png, meta.model_dump_json())
        )
    if replace_version:
        images = {name: (item.png, item.preview, item.metadata.seed) for name, item in fetched.items()}
        output = await asyncio.to_thread(
            replace_frames,
            store,
            frames_plan,
            images,
            version_id=replace_version,
            variant_ids=ids,
            job_id=job_id,
        )
        output["promptIds"] = prompt_ids
        return output
    version_id = job_id or new_ulid()
    output = await asyncio.to_thread(
        ingest_variants,
        store,
        plan,
        [fetched[f.name] for f in frames_plan.frames],
        version_id=version_id,
        job_id=job_id,
        prompt_ids=prompt_ids,
        backend=client.base_url,
    )
    await asyncio.to_thread(record_frames, store, frames_plan, version_id=version_id, variant_ids=ids)
    output["frames"] = {f.name: ids[f.name] for f in frames_plan.frames}
    output["animations"] = sorted({f.animation for f in frames_plan.frames})
    return output
