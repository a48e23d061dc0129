"""``assetgen generate``: queue a generate job for a spec (and with --wait, run it here with a progress bar)."""

from __future__ import annotations

import argparse

from assetgen.generation.plan import plan_generation
from assetgen.jobs import create_job, generate_job_input
from assetgen.models import Job
from orchestrator.cli import CliContext
from orchestrator.job_chains import run_job_here


def register(sub: argparse._SubParsersAction) -> None:
    gen = sub.add_parser("generate", help="generate variants of a spec through ComfyUI (a generate job)")
    gen.add_argument("project_id")
    gen.add_argument("spec_id")
    gen.add_argument("--variants", type=int, help="number of variants (default: the spec's)")
    gen.add_argument("--seed", type=int, help="fixed base seed (variant i gets seed+i)")
    gen.add_argument("--checkpoint", help="checkpoint record id (default: the spec's / the policy's)")
    gen.add_argument("--template", default="txt2img", help="workflow template id (workflows/api/<id>.json)")
    gen.add_argument("--wait", action="store_true", help="run the job here (a worker) and show its progress")
    gen.add_argument("--keep-comfy", action="store_true", help="with --wait: leave a managed ComfyUI running")
    gen.set_defaults(handler=cmd_generate)


def cmd_generate(args: argparse.Namespace, ctx: CliContext) -> int:
    data = generate_job_input(
        args.spec_id,
        variants=args.variants,
        seed=args.seed,
        checkpoint_id=args.checkpoint or None,
        template_id=args.template,
    )
    # A clear one-line refusal before a job exists: unknown spec, a checkpoint not onboarded yet ...
    plan_generation(ctx.store, args.project_id, args.spec_id, checkpoint_id=args.checkpoint, random_seed=0)
    job = create_job(ctx.store, args.project_id, "generate", data)
    if not args.wait:
        ctx.emit(job.model_dump(mode="json"), f"queued generate job {job.id}; `assetgen worker` runs it")
        return 0
    final = run_job_here(
        ctx.settings,
        args.project_id,
        job.id,
        label=f"generate {args.spec_id}",
        show_progress=not ctx.as_json,
        keep_comfy=args.keep_comfy,
    )
    ctx.emit(final.model_dump(mode="json"), lambda: describe(final))
    return 0 if final.status == "succeeded" else 1


def describe(job: Job) -> str:
    if job.status != "succeeded":
        return f"generate job {job.id} {job.status}: {job.error}"
    out = job.output
    lines = [
        f"{vid}  seed {seed}  {path}"
        for vid, seed, path in zip(out["variantIds"], out["seeds"], out["originalPaths"], strict=True)
    ]
    return "\n".join([f"asset {out['assetId']} version {out['assetVersionId']} (job {job.id}):", *lines])
