"""``assetgen generate``: generate variants of a spec through ComfyUI and ingest them into the project."""

from __future__ import annotations

import argparse
import asyncio

from assetgen.generation import plan_generation
from assetgen.model_files import hash_cache_file, model_roots, require_plan_checkpoint_matches
from orchestrator.backends import comfy_for_cli
from orchestrator.cli import CliContext
from orchestrator.generation_runner import generate_variants
from orchestrator.progress_bar import ProgressBar


def register(sub: argparse._SubParsersAction) -> None:
    gen = sub.add_parser("generate", help="generate variants of a spec through ComfyUI")
    gen.add_argument("project_id")
    gen.add_argument("spec_id")
    gen.add_argument("--variants", type=int, help="number of variants (default: the spec's)")
    gen.add_argument("--seed", type=int, help="fixed base seed (variant i gets seed+i)")
    gen.add_argument("--checkpoint", help="checkpoint record id (default: the spec's / the policy's)")
    gen.add_argument("--template", default="txt2img", help="workflow template id (workflows/api/<id>.json)")
    gen.add_argument("--keep-comfy", action="store_true", help="leave a managed ComfyUI running afterwards")
    gen.set_defaults(handler=cmd_generate)


def cmd_generate(args: argparse.Namespace, ctx: CliContext) -> int:
    overrides = {"seed": args.seed} if args.seed is not None else {}
    plan = plan_generation(
        ctx.store,
        args.project_id,
        args.spec_id,
        checkpoint_id=args.checkpoint,
        variants=args.variants,
        overrides=overrides,
        template_id=args.template,
    )
    require_plan_checkpoint_matches(plan, model_roots(ctx.settings), cache_file=hash_cache_file(ctx.settings))
    bar = ProgressBar(f"generate {args.spec_id}", enabled=not ctx.as_json)
    total = len(plan.seeds) * plan.steps
    state = {"done": 0}

    def on_progress(event: dict) -> None:
        if event.get("type") == "progress":
            bar.update(
                state["done"] * plan.steps + event.get("value", 0),
                total,
                f"variant {state['done'] + 1}/{len(plan.seeds)}",
            )

    async def on_batch_done(done: int, count: int) -> None:
        state["done"] = done
        bar.update(done * plan.steps, total, f"{done}/{count} variants")

    async def run() -> dict:
        async with comfy_for_cli(ctx.settings, keep_running=args.keep_comfy) as client:
            return await generate_variants(
                client, ctx.store, plan, progress=on_progress, on_batch_done=on_batch_done
            )

    output = asyncio.run(run())
    bar.close(f"{len(output['variantIds'])} variants")
    lines = [
        f"{vid}  seed {seed}  {path}"
        for vid, seed, path in zip(
            output["variantIds"], output["seeds"], output["originalPaths"], strict=True
        )
    ]
    ctx.emit(
        output, lambda: "\n".join([f"asset {output['assetId']} version {output['assetVersionId']}:", *lines])
    )
    return 0
