"""What each job type does: one async handler per type, keyed by name (the worker looks them up here).

A handler gets a ``JobContext`` and returns the job's output (a JSON object). It raises assetgen
errors for bad input (not retried) and BackendUnavailable when ComfyUI cannot be reached (retried,
on another backend of the pool first).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from pydantic import Field

from assetgen.errors import InvalidInput
from assetgen.export.build import build_export, write_export
from assetgen.generation.model_files import hash_cache_file, model_roots, require_plan_checkpoint_matches
from assetgen.generation.plan import plan_generation
from assetgen.jobs import ensure_child_job
from assetgen.models import GenerateInput, Job
from assetgen.models.atlas import PackSettings
from assetgen.models.base import Contract, parse_model
from assetgen.models.generation import GenerationPlan
from assetgen.post.atlas_build import FrameSource, build_atlas
from assetgen.post.bg_remove import handle_bg_remove_job
from assetgen.review.autopilot import decide, is_multi_frame, review_version
from assetgen.settings import Settings
from assetgen.store import ProjectStore
from orchestrator.comfy_pool import Requirements
from orchestrator.generation_runner import generate_variants

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


async def run_generate(ctx: JobContext) -> dict[str, Any]:
    """Generate variants of a spec; the plan is frozen into the job before the first prompt is sent,
    so a retry or a takeover uses the same seeds, LoRAs and prompts and overwrites the same files."""
    request = parse_model(GenerateInput, ctx.job.input, where=f"job {ctx.job.id} input")
    frozen = ctx.job.plan
    if frozen:
        plan = GenerationPlan.model_validate(frozen)
    else:
        plan = await asyncio.to_thread(
            plan_generation,
            ctx.store,
            ctx.job.project_id,
            request.spec_id,
            checkpoint_id=request.checkpoint_name,
            variants=request.variants,
            overrides=request.overrides,
            seed_offset=request.seed_offset,
            template_id=request.template_id,
        )
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

    return await ctx.run_on_comfy(
        lambda client: generate_variants(
            client, ctx.store, plan, job_id=ctx.job.id, progress=on_progress, on_batch_done=on_batch
        ),
        needs=Requirements.of_plan(plan),
    )


async def run_bg_remove(ctx: JobContext) -> dict[str, Any]:
    """Background removal on the variants the input names (or the approved ones)."""
    return await asyncio.to_thread(handle_bg_remove_job, ctx.store, ctx.job, settings=ctx.settings)


class AtlasPackInput(Contract):
    """Input of an ``atlas_pack`` job: frames in order, by (assetId, variantId) or by stored path."""

    atlas_id: str
    frames: list[dict[str, Any]] = Field(
        default_factory=list, description="[{assetId, variantId, name?, pivot?}]"
    )
    frame_paths: list[Any] = Field(default_factory=list, description="The origin's [{key, path} | path].")
    fps: float | None = None
    loop: bool | None = None


def _frame_from_path(entry: Any, project_id: str) -> FrameSource:
    path = entry.get("path") if isinstance(entry, dict) else entry
    parts = str(path).split("/")
    # projects/<p>/files/images/<assetId>/<alpha|original>/<variantId>.png
    if len(parts) != 7 or parts[:2] != ["projects", project_id] or parts[2:4] != ["files", "images"]:
        raise InvalidInput(
            f"frame path {path!r} is not projects/{project_id}/files/images/<asset>/<kind>/<variant>.png"
        )
    name = entry.get("key") if isinstance(entry, dict) else None
    return FrameSource(asset_id=parts[4], variant_id=parts[6].rsplit(".", 1)[0], name=name)


async def run_atlas_pack(ctx: JobContext) -> dict[str, Any]:
    """Pack the frames into atlas ``atlasId`` and record fps/loop in the specs' output."""
    request = parse_model(AtlasPackInput, ctx.job.input, where=f"job {ctx.job.id} input")
    settings = parse_model(
        PackSettings,
        {
            k: v
            for k, v in ctx.job.input.items()
            if k in ("padding", "maxSize", "powerOfTwo", "trim", "extrude", "allowRotation")
        },
        where=f"job {ctx.job.id} pack settings",
    )
    sources = [
        FrameSource(asset_id=f["assetId"], variant_id=f["variantId"], name=f.get("name"))
        for f in request.frames
    ] + [_frame_from_path(p, ctx.job.project_id) for p in request.frame_paths]
    built = await asyncio.to_thread(
        build_atlas,
        ctx.store,
        ctx.job.project_id,
        request.atlas_id,
        sources,
        settings=settings,
        fps=request.fps,
        loop=request.loop,
        job_id=ctx.job.id,
    )
    for spec in built.specs:
        ctx.store.write(ctx.job.project_id, "specs", spec)
    atlas = built.atlas
    return {
        "atlasId": atlas.id,
        "atlasImagePath": atlas.image_path,
        "atlasDataPath": atlas.data_path,
        "frames": len(atlas.frames),
        "animations": [a.name for a in atlas.animations],
    }


class ExportInput(Contract):
    """Input of an ``export`` job: what to export and with which profile."""

    profile_id: str
    asset_ids: list[str] = Field(default_factory=list)
    atlas_ids: list[str] = Field(default_factory=list)
    export_id: str | None = None


async def run_export(ctx: JobContext) -> dict[str, Any]:
    """Build and store one bundle per target (atlas or asset) for the profile."""
    request = parse_model(ExportInput, ctx.job.input, where=f"job {ctx.job.id} input")
    targets = [*request.atlas_ids, *request.asset_ids]
    if not targets:
        raise InvalidInput("an export job needs atlasIds or assetIds")
    exports = []
    for target in targets:
        export_id = request.export_id if len(targets) == 1 else None
        bundle = await asyncio.to_thread(
            build_export,
            ctx.store,
            ctx.job.project_id,
            target,
            profile=request.profile_id,
            export_id=export_id,
        )
        record = await asyncio.to_thread(
            write_export, ctx.store, ctx.job.project_id, bundle, target_id=target, job_id=ctx.job.id
        )
        exports.append({"exportId": record.id, **record.output})
    return {
        "exports": exports,
        "exportPath": exports[0].get("exportPath"),
        "manifestPath": exports[0].get("manifestPath"),
    }


class AutopilotInput(Contract):
    """Input of ``autopilot`` and ``autopilot_review`` jobs."""

    spec_id: str
    variants: int | None = Field(default=None, ge=1, le=64)
    attempt: int = Field(default=1, ge=1, le=10)
    version_id: str | None = None
    export_profiles: list[str] | None = None
    method: str = "colorkey"


def _export_profiles(ctx: JobContext, requested: list[str] | None) -> list[str]:
    """The profiles to export with: the request's, else the project's export-profile records."""
    if requested:
        return requested
    return ctx.store.list_ids(ctx.job.project_id, "export-profiles") or ["unity", "godot", "unreal", "custom"]


def _spawn(ctx: JobContext, index: int, job_type: str, data: dict[str, Any]) -> str:
    """Create a follow-up job of this one (idempotent: the id derives from this job's)."""
    return ensure_child_job(ctx.store, ctx.job, f"{ctx.job.id[:110]}-a{index}", job_type, data)


def _generate_round(ctx: JobContext, request: AutopilotInput, attempt: int) -> str:
    review = {
        "specId": request.spec_id,
        "versionId": "$output.assetVersionId",
        "attempt": attempt,
        "variants": request.variants,
        "exportProfiles": request.export_profiles,
        "method": request.method,
    }
    data = {
        "specId": request.spec_id,
        "seedOffset": (attempt - 1) * 1000,
        "nextJobs": [
            {"type": "autopilot_review", "input": {k: v for k, v in review.items() if v is not None}}
        ],
    }
    if request.variants:
        data["variants"] = request.variants
    return _spawn(ctx, attempt, "generate", data)


async def run_autopilot(ctx: JobContext) -> dict[str, Any]:
    """Start the happy loop for one spec: a generate round whose review decides what follows."""
    request = parse_model(AutopilotInput, ctx.job.input, where=f"job {ctx.job.id} input")
    ctx.store.read(ctx.job.project_id, "specs", request.spec_id)
    return {"specId": request.spec_id, "spawnedJobIds": [_generate_round(ctx, request, request.attempt)]}


async def run_autopilot_review(ctx: JobContext) -> dict[str, Any]:
    """Score the round, then: approved -> bg_remove -> (atlas_pack) -> exports; failed -> another round or
    needs review."""
    request = parse_model(AutopilotInput, ctx.job.input, where=f"job {ctx.job.id} input")
    if not request.version_id:
        raise InvalidInput("an autopilot_review job needs versionId (the generate job's assetVersionId)")
    spec = ctx.store.read(ctx.job.project_id, "specs", request.spec_id)
    qualities = await asyncio.to_thread(
        review_version, ctx.store, ctx.job.project_id, spec, request.version_id, method=request.method
    )
    decision = await asyncio.to_thread(
        decide, ctx.store, ctx.job.project_id, spec, request.version_id, qualities, attempt=request.attempt
    )
    output = decision.as_output()
    if decision.outcome == "regenerate":
        retry = request.model_copy(update={"attempt": request.attempt + 1, "version_id": None})
        output["spawnedJobIds"] = [_generate_round(ctx, retry, request.attempt + 1)]
    elif decision.outcome == "approved":
        profiles = _export_profiles(ctx, request.export_profiles)
        if is_multi_frame(spec):
            atlas_id = f"{spec.id[:100]}-atlas"
            exports = [
                {"type": "export", "input": {"profileId": p, "atlasIds": [atlas_id]}} for p in profiles
            ]
            follow = [
                {
                    "type": "atlas_pack",
                    "input": {
                        "atlasId": atlas_id,
                        "frames": [{"assetId": spec.id, "variantId": v} for v in decision.frame_variant_ids],
                        "nextJobs": exports,
                    },
                }
            ]
        else:
            follow = [{"type": "export", "input": {"profileId": p, "assetIds": [spec.id]}} for p in profiles]
        bg = {
            "assetId": spec.id,
            "variantIds": list(decision.frame_variant_ids),
            "method": request.method,
            "nextJobs": follow,
        }
        output["spawnedJobIds"] = [_spawn(ctx, 1, "bg_remove", bg)]
    return output


HANDLERS: Mapping[str, Handler] = MappingProxyType(
    {
        "generate": run_generate,
        "bg_remove": run_bg_remove,
        "atlas_pack": run_atlas_pack,
        "export": run_export,
        "autopilot": run_autopilot,
        "autopilot_review": run_autopilot_review,
    }
)


def get_handler(job_type: str) -> Handler:
    """The handler of ``job_type``; InvalidInput lists the known types."""
    if job_type not in HANDLERS:
        raise InvalidInput(f"no handler for job type {job_type!r}; known: {sorted(HANDLERS)}")
    return HANDLERS[job_type]
