"""What each job type does: one async handler per type, keyed by name (the worker looks them up here).

A handler gets a ``JobContext`` and returns the job's output (a JSON object). It raises assetgen
errors for bad input (not retried) and BackendUnavailable when ComfyUI cannot be reached (retried,
on another backend of the pool first).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from assetgen.errors import InvalidInput
from assetgen.export.build import export_targets
from assetgen.export.tileset_files import store_tileset
from assetgen.generation.anchor_frames import plan_anchor_frames, read_reference_anchor
from assetgen.generation.model_files import hash_cache_file, model_roots, require_plan_checkpoint_matches
from assetgen.generation.plan import plan_from_input
from assetgen.models import GenerateInput, Job
from assetgen.models.base import parse_model
from assetgen.models.generation import GenerationPlan
from assetgen.models.job import (
    AtlasPackInput,
    AutopilotInput,
    BgRemoveOutput,
    ExportInput,
    FramesInput,
    FramesReviewInput,
    GenerateOutput,
    TilesetInput,
)
from assetgen.post.atlas_build import pack_atlas
from assetgen.post.bg_remove import handle_bg_remove_job
from assetgen.post.frame_alignment import align_and_pack
from assetgen.post.pixelate import handle_pixelate_job
from assetgen.review.autopilot import (
    frames_review_round,
    review_round,
    start_round,
)
from assetgen.settings import Settings
from assetgen.store import ProjectStore
from orchestrator.comfy_pool import Requirements
from orchestrator.generation_runner import generate_anchor_frames, generate_variants
from orchestrator.tileset_runner import generate_tileset

log = logging.getLogger(__name__)

ProgressReporter = Callable[[float, float, str], Awaitable[None]]


@dataclass
class JobContext:
    """What a handler may use: the store, the job (as claimed), settings, ComfyUI, a progress reporter."""

    store: ProjectStore
    job: Job
    settings: Settings
    # run_on_comfy(work, needs=Requirements | None): on a pool backend that has the needed model files.
    run_on_comfy: Callable[..., Awaitable[Any]]
    report_progress: ProgressReporter
    save_plan: Callable[[dict[str, Any]], Awaitable[None]]


Handler = Callable[[JobContext], Awaitable[dict[str, Any]]]


def freeze_plan(store: ProjectStore, job: Job) -> None:
    """Put a generate job's plan into the job as it is claimed, so the claim's one write also freezes its
    seeds, LoRAs and prompts (a write of its own cost every job a locked read, an fsync and a file event).
    A job whose plan cannot be made is left as it is: its handler meets the same error and fails with it."""
    if job.type != "generate" or job.plan:
        return
    try:
        request = parse_model(GenerateInput, job.input, where=f"job {job.id} input")
        job.plan = plan_from_input(store, job.project_id, request).model_dump(mode="json")
    except Exception as exc:  # never break a claim: the handler plans again and reports the error
        log.debug("job=%s: no plan at claim (%s); the handler will make it", job.id, exc)


async def run_generate(ctx: JobContext) -> dict[str, Any]:
    """Generate variants of a spec; the plan is frozen into the job before the first prompt is sent (by
    the claim, see ``freeze_plan``, or here), so a retry or a takeover uses the same seeds, LoRAs and
    prompts and overwrites the same files."""
    request = parse_model(GenerateInput, ctx.job.input, where=f"job {ctx.job.id} input")
    if ctx.job.plan:  # frozen by an earlier attempt: the same seeds, LoRAs and prompts again
        plan = GenerationPlan.model_validate(ctx.job.plan)
    else:
        plan = await asyncio.to_thread(plan_from_input, ctx.store, ctx.job.project_id, request)
        await ctx.save_plan(plan.model_dump(mode="json"))
    await asyncio.to_thread(
        require_plan_checkpoint_matches,
        plan,
        model_roots(ctx.settings),
        cache_file=hash_cache_file(ctx.settings),
    )
    total = len(plan.seeds) * plan.steps
    done = {"variants": 0}

    async def on_progress(event: dict[str, Any]) -> None:
        if event.get("type") == "progress":
            await ctx.report_progress(
                done["variants"] * plan.steps + float(event.get("value", 0)),
                total,
                f"variant {done['variants'] + 1}/{len(plan.seeds)}",
            )

    async def on_batch(count: int, _total: int) -> None:
        done["variants"] = count
        await ctx.report_progress(count * plan.steps, total, f"{count}/{len(plan.seeds)} variants")

    output = await ctx.run_on_comfy(
        lambda client: generate_variants(
            client, ctx.store, plan, job_id=ctx.job.id, progress=on_progress, on_batch_done=on_batch
        ),
        needs=Requirements.of_plan(plan),
    )
    return GenerateOutput.model_validate(output).as_json()


async def run_pixelate(ctx: JobContext) -> dict[str, Any]:
    """Make the variants exact pixel art with one palette (``assetgen.post.pixelate``)."""
    return await asyncio.to_thread(handle_pixelate_job, ctx.store, ctx.job)


async def run_bg_remove(ctx: JobContext) -> dict[str, Any]:
    """Background removal on the variants the input names (or the approved ones)."""
    output = await asyncio.to_thread(handle_bg_remove_job, ctx.store, ctx.job, settings=ctx.settings)
    return BgRemoveOutput.model_validate(output).as_json()


async def run_atlas_pack(ctx: JobContext) -> dict[str, Any]:
    """Pack the frames into atlas ``atlasId`` and record fps/loop in the specs' output."""
    request = parse_model(AtlasPackInput, ctx.job.input, where=f"job {ctx.job.id} input")
    output = await asyncio.to_thread(pack_atlas, ctx.store, ctx.job.project_id, request, job_id=ctx.job.id)
    return output.as_json()


async def run_export(ctx: JobContext) -> dict[str, Any]:
    """Build and store one bundle per target (atlas or asset) for the profile."""
    request = parse_model(ExportInput, ctx.job.input, where=f"job {ctx.job.id} input")
    output = await asyncio.to_thread(
        export_targets, ctx.store, ctx.job.project_id, request, job_id=ctx.job.id
    )
    return output.as_json()


async def run_autopilot(ctx: JobContext) -> dict[str, Any]:
    """Start the happy loop for one spec: a generate round whose review decides what follows."""
    request = parse_model(AutopilotInput, ctx.job.input, where=f"job {ctx.job.id} input")
    output = await asyncio.to_thread(start_round, ctx.store, ctx.job, request)
    return output.as_json()


async def run_autopilot_review(ctx: JobContext) -> dict[str, Any]:
    """Score the round, then: approved -> bg_remove -> (atlas_pack) -> exports; failed -> another round or
    needs review."""
    request = parse_model(AutopilotInput, ctx.job.input, where=f"job {ctx.job.id} input")
    output = await asyncio.to_thread(review_round, ctx.store, ctx.job, request)
    return output.as_json()


async def run_tileset(ctx: JobContext) -> dict[str, Any]:
    """Generate a spec's terrain tileset on ComfyUI and store it with its engine files."""
    request = parse_model(TilesetInput, ctx.job.input, where=f"job {ctx.job.id} input")

    async def on_progress(done: int, total: int) -> None:
        await ctx.report_progress(done, total, f"{done}/{total} images")

    tileset = await ctx.run_on_comfy(
        lambda client: generate_tileset(
            client,
            ctx.store,
            ctx.job.project_id,
            request.spec_id,
            job_id=ctx.job.id,
            regenerate_bands=request.regenerate_bands,
            progress=on_progress,
        )
    )
    return await asyncio.to_thread(store_tileset, ctx.store, ctx.job.project_id, request.spec_id, tileset)


# ---- anchor-frame animations: generate_frames -> frames_review -> (repair outliers) -> bg_remove -> frames_align


async def run_generate_frames(ctx: JobContext) -> dict[str, Any]:
    """Generate an animation's frames image-to-image from its anchor, guided by the pose clip."""
    request = parse_model(FramesInput, ctx.job.input, where=f"job {ctx.job.id} input")
    anchor_image = None
    if request.anchor_path:
        anchor_image = await asyncio.to_thread(
            read_reference_anchor, ctx.store, ctx.job.project_id, request.anchor_path
        )
    frames_plan = await asyncio.to_thread(
        plan_anchor_frames,
        ctx.store,
        ctx.job.project_id,
        request.spec_id,
        anchor_image=anchor_image,
        anchor_variant_id=request.anchor_variant_id,
        only_frames=request.only_frames,
        seed_offset=request.seed_offset,
    )
    await ctx.save_plan(frames_plan.plan.model_dump(mode="json"))
    count = len(frames_plan.generated)

    async def on_frame(done: int, total: int) -> None:
        await ctx.report_progress(done, total, f"{done}/{total} frames")

    output = await ctx.run_on_comfy(
        lambda client: generate_anchor_frames(
            client,
            ctx.store,
            frames_plan,
            job_id=ctx.job.id,
            on_frame_done=on_frame,
            replace_version=request.replace_version_id,
        )
    )
    return {**output, "generatedFrames": count}


async def run_frames_review(ctx: JobContext) -> dict[str, Any]:
    """Score every frame against the anchor; repair only the outliers, else cut out and align."""
    request = parse_model(FramesReviewInput, ctx.job.input, where=f"job {ctx.job.id} input")
    return await asyncio.to_thread(frames_review_round, ctx.store, ctx.job, request)


async def run_frames_align(ctx: JobContext) -> dict[str, Any]:
    """One pivot for every frame, the atlas (one animation per direction), then the exports."""
    request = parse_model(FramesReviewInput, ctx.job.input, where=f"job {ctx.job.id} input")
    return await asyncio.to_thread(align_and_pack, ctx.store, ctx.job, request)


HANDLERS: Mapping[str, Handler] = MappingProxyType(
    {
        "generate": run_generate,
        "bg_remove": run_bg_remove,
        "pixelate": run_pixelate,
        "atlas_pack": run_atlas_pack,
        "export": run_export,
        "autopilot": run_autopilot,
        "autopilot_review": run_autopilot_review,
        "tileset": run_tileset,
        "generate_frames": run_generate_frames,
        "frames_review": run_frames_review,
        "frames_align": run_frames_align,
    }
)


def get_handler(job_type: str) -> Handler:
    """The handler of ``job_type``; InvalidInput lists the known types."""
    if job_type not in HANDLERS:
        raise InvalidInput(f"no handler for job type {job_type!r}; known: {sorted(HANDLERS)}")
    return HANDLERS[job_type]
