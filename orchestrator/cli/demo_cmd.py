"""``assetgen demo``: run the whole loop on the demo project (what ``make demo`` calls)."""

from __future__ import annotations

import argparse
import asyncio

from orchestrator.cli import CliContext
from orchestrator.demo import describe, run_demo


def register(sub: argparse._SubParsersAction) -> None:
    demo = sub.add_parser("demo", help="run the whole loop on the demo project (recreated each run)")
    demo.add_argument("--variants", type=int, default=2, help="variants per spec (default 2)")
    demo.set_defaults(handler=cmd_demo)


def cmd_demo(args: argparse.Namespace, ctx: CliContext) -> int:
    summary = asyncio.run(
        run_demo(ctx.settings, variants=args.variants, say=lambda line: print(line, flush=True))
    )
    ctx.emit(summary.as_dict(), lambda: describe(summary))
    return 0
