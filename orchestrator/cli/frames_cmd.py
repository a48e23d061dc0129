"""``assetgen frames <project> <spec>``: an animation's frames from its anchor, as chained jobs
(generate_frames -> frames_review -> bg_remove -> frames_align -> exports)."""

from __future__ import annotations

import argparse
import asyncio

from assetgen.jobs import create_job
from orchestrator.cli import CliContext
from orchestrator.job_chains import run_chains


def register(sub: argparse._SubParsersAction) -> None:
    frames = sub.add_parser(
        "frames",
        help="generate an animation's frames image-to-image from its anchor, guided by poses",
        description="The anchor is the asset's approved primary variant, --anchor-variant, or --anchor-path "
        "(an image stored in the project). See docs/pipeline/animation.md.",
    )
    frames.add_argument("project_id")
    frames.add_argument("spec_id")
    anchor = frames.add_mutually_exclusive_group()
    anchor.add_argument("--anchor-variant", help="variant id of the anchor (default: the approved primary)")
    anchor.add_argument("--anchor-path", help="stored path of a reference image in the project")
    frames.add_argument(
        "--export", action="append", help="export profile (repeatable; default: the project's)"
    )
    frames.add_argument("--wait", action="store_true", help="run a worker here until the chain has ended")
    frames.set_defaults(handler=cmd_frames)


def cmd_frames(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.store.read(args.project_id, "specs", args.spec_id)
    review = {"specId": args.spec_id, "versionId": "$output.assetVersionId"}
    if args.export:
        review["exportProfiles"] = args.export
    data = {
        "specId": args.spec_id,
        "anchorVariantId": args.anchor_variant,
        "anchorPath": args.anchor_path,
        "nextJobs": [{"type": "frames_review", "input": review}],
    }
    job = create_job(
        ctx.store, args.project_id, "generate_frames", {k: v for k, v in data.items() if v is not None}
    )
    if not args.wait:
        ctx.emit({"jobId": job.id}, f"queued generate_frames job {job.id}")
        return 0
    final = asyncio.run(
        run_chains(ctx.settings, args.project_id, [job.id], label="frames", show_progress=not ctx.as_json)
    )
    align = next((j for j in final if j.type == "frames_align" and j.status == "succeeded"), None)
    ctx.emit(
        {"jobs": [j.model_dump(mode="json") for j in final], "framesAlign": align.output if align else None},
        lambda: "\n".join(
            f"{j.type} {j.id}: {j.status}" + (f" ({j.error})" if j.error else "") for j in final
        ),
    )
    return 0 if all(j.status == "succeeded" for j in final) else 1
