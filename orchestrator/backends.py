"""Which ComfyUI to talk to: ``COMFYUI_URL`` (first of the pool) or the managed local one."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp

from assetgen.settings import Settings
from orchestrator import comfy_process
from orchestrator.comfy_client import ComfyClient


@asynccontextmanager
async def comfy_for_cli(settings: Settings, *, keep_running: bool = False) -> AsyncIterator[ComfyClient]:
    """A client for one command: COMFYUI_URL's first server, else the managed ComfyUI (started if needed
    and, unless ``keep_running``, stopped again when this command started it)."""
    started_here = False
    if settings.comfyui_urls:
        url = settings.comfyui_urls[0]
    else:
        running = comfy_process.status(settings)
        if not running["running"]:
            state = await _start(settings)
            started_here = True
            url = state.url
        else:
            url = running["url"]
    try:
        async with aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=None, sock_connect=10)
        ) as session:
            yield ComfyClient(url, session)
    finally:
        if started_here and not keep_running:
            comfy_process.stop(settings)


async def _start(settings: Settings) -> comfy_process.ComfyState:
    import asyncio

    return await asyncio.to_thread(comfy_process.start, settings)
