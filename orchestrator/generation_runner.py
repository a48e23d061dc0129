"""Run one generate request on a ComfyUI backend and ingest the results (used by the CLI and the worker)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from assetgen.errors import ComfyExecutionError
from assetgen.generation.ingest import GeneratedVariant, ingest_variants
from assetgen.generation.plan import batches
from assetgen.generation.variant_metadata import VariantMetadata
from assetgen.generation.workflows import load_template, prompt_for_batch, titles_by_node
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
