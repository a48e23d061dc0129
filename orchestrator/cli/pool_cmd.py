"""``assetgen pool status``: the ComfyUI backends the worker dispatches to, their health, queue and models."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

import aiohttp

from assetgen.errors import BackendUnavailable
from orchestrator import comfy_process
from orchestrator.cli import CliContext
from orchestrator.comfy_pool import ComfyPool


def register(sub: argparse._SubParsersAction) -> None:
    pool = sub.add_parser("pool", help="the ComfyUI backends (COMFYUI_URL / COMFYUI_POOL_FILE / managed)")
    verbs = pool.add_subparsers(dest="verb", metavar="VERB", required=True)
    verbs.add_parser(
        "status", help="list backends: health, draining, weight, queue, checkpoint and LoRA files"
    ).set_defaults(handler=cmd_status)


async def pool_status(ctx: CliContext) -> dict[str, Any]:
    """The pool's status as the worker would build it (the managed ComfyUI when nothing else is set)."""
    urls = list(ctx.settings.comfyui_urls)
    if not urls and ctx.settings.comfyui_pool_file is None:
        state = comfy_process.status(ctx.settings)
        if not state["running"]:
            raise BackendUnavailable(
                "no backend: COMFYUI_URL and COMFYUI_POOL_FILE are unset and the managed ComfyUI is not running"
            )
        urls = [state["url"]]
    async with aiohttp.ClientSession() as session:
        pool = ComfyPool(urls, session, pool_file=ctx.settings.comfyui_pool_file, cooldown_s=0)
        try:
            return await pool.status()
        finally:
            await pool.close()


def _text(data: dict[str, Any]) -> str:
    lines = []
    if data["poolFile"]:
        lines.append(
            f"pool file {data['poolFile']}"
            + (f" (error: {data['poolFileError']})" if data["poolFileError"] else "")
        )
    for b in data["backends"]:
        state = "draining" if b["draining"] else ("healthy" if b["healthy"] else f"DOWN ({b['error']})")
        models = b["models"]
        lines.append(
            f"{b['url']}  {state}  weight {b['weight']:g}  maxQueue {b['maxQueue'] or '-'}  queue {b['queue']}"
            f"  in flight {b['inFlight']}\n"
            f"    checkpoints: {', '.join(models.get('checkpoints', [])) or '-'}\n"
            f"    loras: {', '.join(models.get('loras', [])) or '-'}"
        )
    return "\n".join(lines)


def cmd_status(args: argparse.Namespace, ctx: CliContext) -> int:
    data = asyncio.run(pool_status(ctx))
    ctx.emit(data, lambda: _text(data))
    return 0
