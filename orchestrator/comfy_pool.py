"""A pool of ComfyUI backends: least-loaded dispatch, health checks, and failover to another server.

``COMFYUI_URL`` may list several servers (comma-separated). A call goes to the healthy backend with the
fewest prompts in flight from this process plus its reported queue; when a backend is unreachable the
call is retried on the next one and the failed backend rests for ``cooldown_s`` before it is tried again.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

import aiohttp

from assetgen.errors import BackendUnavailable
from orchestrator.comfy_client import ComfyClient

log = logging.getLogger(__name__)
T = TypeVar("T")


class ComfyPool:
    """Dispatches work to one of several ComfyUI servers."""

    def __init__(self, urls: list[str], session: aiohttp.ClientSession, *, cooldown_s: float = 15.0) -> None:
        if not urls:
            raise BackendUnavailable("no ComfyUI backend configured")
        self.clients = [ComfyClient(url, session) for url in urls]
        self.in_flight = {client.base_url: 0 for client in self.clients}
        self.down_until = {client.base_url: 0.0 for client in self.clients}
        self.cooldown_s = cooldown_s

    async def _queue_length(self, client: ComfyClient) -> int:
        try:
            return await client.queue_remaining()
        except BackendUnavailable:
            self.down_until[client.base_url] = time.monotonic() + self.cooldown_s
            return 1 << 30

    async def ordered(self) -> list[ComfyClient]:
        """Healthy backends, least loaded first (resting ones last, as a last resort)."""
        now = time.monotonic()
        healthy = [c for c in self.clients if self.down_until[c.base_url] <= now]
        lengths = await asyncio.gather(*(self._queue_length(c) for c in healthy))
        ranked = sorted(
            zip(healthy, lengths, strict=True),
            key=lambda p: (p[1] + self.in_flight[p[0].base_url], p[0].base_url),
        )
        resting = [c for c in self.clients if c not in healthy]
        return [c for c, length in ranked if length < 1 << 30] + resting

    async def run(self, work: Callable[[ComfyClient], Awaitable[T]]) -> T:
        """Run ``work`` on the least-loaded backend; on BackendUnavailable try the next one."""
        errors = []
        for client in await self.ordered():
            self.in_flight[client.base_url] += 1
            try:
                return await work(client)
            except BackendUnavailable as exc:
                errors.append(str(exc))
                self.down_until[client.base_url] = time.monotonic() + self.cooldown_s
                log.warning("backend=%s failed, trying another: %s", client.base_url, exc)
            finally:
                self.in_flight[client.base_url] -= 1
        raise BackendUnavailable("every ComfyUI backend failed: " + " | ".join(errors))

    async def close(self) -> None:
        """Close every backend's WebSocket (the HTTP session belongs to the caller)."""
        for client in self.clients:
            await client.close()
