"""``assetgen demo``: run the whole loop on the demo project (what ``make demo`` calls)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from assetgen.errors import InvalidInput
from orchestrator.cli import CliContext
from orchestrator.demo import describe, run_demo


def register(sub: argparse._SubParsersAction) -> None:
    demo = sub.add_parser("demo", help="run the whole loop on the demo project (recreated each run)")
    demo.add_argument("--variants", type=int, default=2, help="variants per spec (default 2)")
    demo.add_argument(
        "--wishlist",
        type=Path,
        help="a wishlist file to use instead of the sample (e.g. one line for a quick run)",
    )
    demo.set_defaults(handler=cmd_demo)


def cmd_demo(args: argparse.Namespace, ctx: CliContext) -> int:
    wishlist = None
    if args.wishlist is not None:
        if not args.wishlist.is_file():
            raise InvalidInput(f"{args.wishlist}: no such wishlist file")
        wishlist = args.wishlist.read_text(encoding="utf-8-sig")
    summary = asyncio.run(
        run_demo(
            ctx.settings,
            variants=args.variants,
            wishlist_text=wishlist,
            say=lambda line: print(line, file=sys.stderr if ctx.as_json else sys.stdout, flush=True),
        )
    )
    ctx.emit(summary.as_dict(), lambda: describe(summary))
    return 0
