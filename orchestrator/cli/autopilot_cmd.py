"""``assetgen autopilot``: the happy loop for autopilot-ready specs, as ordinary chained jobs."""

from __future__ import annotations

import argparse
import asyncio

from assetgen.review.autopilot import start_autopilot
from orchestrator.cli import CliContext
from orchestrator.job_chains import run_chains


def register(sub: argparse._SubParsersAction) -> None:
    auto = sub.add_parser("autopilot", help="generate, score, approve, cut out, pack and export ready specs")
    auto.add_argument("project_id")
    auto.add_argument("spec_ids", nargs="*", help="specs to run (default: every autopilot-ready spec)")
    auto.add_argument("--variants", type=int, help="variants per round (default: the spec's)")
    auto.add_argument("--wait", action="store_true", help="run a worker here until every chain has ended")
    auto.set_defaults(handler=cmd_autopilot)


def cmd_autopilot(args: argparse.Namespace, ctx: CliContext) -> int:
    jobs, skipped = start_autopilot(ctx.store, args.project_id, args.spec_ids or None, variants=args.variants)
    if not args.wait:
        ctx.emit(
            {"jobIds": [j.id for j in jobs], "skipped": skipped},
            f"queued {len(jobs)} autopilot job(s); skipped (not ready): {', '.join(skipped) or 'none'}",
        )
        return 0
    final = asyncio.run(
        run_chains(
            ctx.settings,
            args.project_id,
            [j.id for j in jobs],
            label="autopilot",
            show_progress=not ctx.as_json,
        )
    )
    reviews = [j for j in final if j.type == "autopilot_review" and j.status == "succeeded"]
    decisions = {j.input["specId"]: j.output.get("decision") for j in reviews}
    ctx.emit(
        {"jobs": [j.model_dump(mode="json") for j in final], "decisions": decisions},
        lambda: "\n".join(f"{spec}: {decision}" for spec, decision in sorted(decisions.items())),
    )
    return 0 if all(j.status == "succeeded" for j in final) else 1
