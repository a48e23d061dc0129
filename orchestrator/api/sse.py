"""Server-Sent Events: write batches of events to a ``text/event-stream`` response until the end.

Format: ``retry: 3000`` once, then per event ``id: <n>``, ``event: <name>``, ``data: <one-line JSON>``
and a blank line; a ``: keep-alive`` comment after ``KEEPALIVE_S`` without output. The stream ends
when the events end (the app shuts down) or the client goes away.
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
from collections.abc import AsyncGenerator

from aiohttp import web

from orchestrator.job_events import JobEvent

log = logging.getLogger(__name__)

KEEPALIVE_S = 15.0
RETRY_MS = 3000


def format_event(event: JobEvent, event_id: int) -> bytes:
    """One event in the SSE wire format."""
    data = json.dumps(event.data, ensure_ascii=False, separators=(",", ":"))
    return f"id: {event_id}\nevent: {event.name}\ndata: {data}\n\n".encode()


def is_disconnected(request: web.Request) -> bool:
    transport = request.transport
    return transport is None or transport.is_closing()


async def stream_events(
    request: web.Request, batches: AsyncGenerator[list[JobEvent], None]
) -> web.StreamResponse:
    """Send ``batches`` as Server-Sent Events; returns when they end or the client disconnects."""
    response = web.StreamResponse(
        headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    )
    await response.prepare(request)
    await response.write(f"retry: {RETRY_MS}\n\n".encode())
    event_id, last_write = 0, time.monotonic()
    try:
        async with contextlib.aclosing(batches):
            async for batch in batches:
                if is_disconnected(request):
                    break
                for event in batch:
                    event_id += 1
                    await response.write(format_event(event, event_id))
                    last_write = time.monotonic()
                if time.monotonic() - last_write >= KEEPALIVE_S:
                    await response.write(b": keep-alive\n\n")
                    last_write = time.monotonic()
    except ConnectionResetError:
        pass
    finally:
        log.debug("event stream closed path=%s events=%d", request.path, event_id)
    return response
