"""Talking to one ComfyUI over HTTP + WebSocket, the same way for a local and a remote server.

Submission carries a ``client_id``; progress comes over one ``/ws?clientId=`` socket per client, opened
before the first prompt is submitted and kept for every later one (a socket opened per prompt misses
the events of a prompt that finishes before it connects: on a GPU that is most of them, and each miss
cost a poll interval). A prompt whose whole run the socket saw (``execution_start`` to
``execution_success`` on one connection, with an ``executed`` message per output node in between) is
answered from those messages, without asking ``/history``. Because that socket is known to stall,
completion is also checked by polling ``/history/<prompt_id>``, which stays the answer for failed prompts
and for runs the socket saw only in part; ``/queue`` tells a queued prompt from an unknown one;
``node_errors`` are surfaced verbatim; outputs are fetched with ``/view``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp

from assetgen.errors import BackendUnavailable, ComfyExecutionError, NotFound

log = logging.getLogger(__name__)

ProgressCallback = Callable[[dict[str, Any]], Awaitable[None] | None]


@dataclass(frozen=True)
class OutputFile:
    """A file a node wrote, as ComfyUI lists it in the history."""

    filename: str
    subfolder: str
    type: str = "output"


def describe_node_errors(node_errors: dict[str, Any], prompt: dict[str, Any] | None = None) -> str:
    """ComfyUI's node_errors as readable text: node id, class, title, then each error."""
    parts = []
    for node_id, entry in sorted(node_errors.items()):
        title = ((prompt or {}).get(node_id, {}).get("_meta") or {}).get("title")
        label = f"node {node_id} ({entry.get('class_type', '?')}{f' {title!r}' if title else ''})"
        for error in entry.get("errors", []):
            detail = error.get("details") or ""
            parts.append(f"{label}: {error.get('message', 'error')}{f': {detail}' if detail else ''}")
    return "; ".join(parts)


_SKIPPED = '{"type": "progress_state"'


class ComfyClient:
    """One ComfyUI server at ``base_url``; owns no session (the caller passes one in)."""

    def __init__(
        self, base_url: str, session: aiohttp.ClientSession, *, client_id: str | None = None
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.session = session
        self.client_id = client_id or uuid.uuid4().hex
        # History poll interval while the WebSocket is up: the socket says when a prompt ends, so this is only
        # the safety net for a stalled socket (at 2 s, every prompt queued behind another was polled once).
        self.socket_poll_s = 5.0
        self._socket_task: asyncio.Task[None] | None = None
        self._socket_up = asyncio.Event()
        # prompt id -> set when ComfyUI says the prompt is done; kept until its waiter has seen it.
        self._finished: dict[str, asyncio.Event] = {}
        self._listeners: dict[str, ProgressCallback] = {}
        self._connection = 0  # counts the socket's connections: a run seen on one is seen whole
        # prompt id -> (connection, outputs, status messages) while the socket sees it run
        self._running: dict[str, tuple[int, dict[str, Any], list[list[Any]]]] = {}
        self._results: dict[str, dict[str, Any]] = {}  # prompt id -> history-shaped entry, from the socket

    async def open_socket(self, *, connect_timeout_s: float = 2.0) -> None:
        """Start the client's one WebSocket (once; it reconnects by itself) and wait briefly until it is up.

        Called before every submit, so the events of the prompt are never sent before we listen. A socket
        that cannot connect only costs progress events: completion is also polled."""
        if self._socket_task is None or self._socket_task.done():
            self._socket_up.clear()
            self._socket_task = asyncio.create_task(self._socket_loop())
        if not self._socket_up.is_set():
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._socket_up.wait(), connect_timeout_s)

    async def close(self) -> None:
        """Stop the WebSocket (the session belongs to the caller)."""
        if self._socket_task is not None:
            self._socket_task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._socket_task
        self._socket_task = None
        self._socket_up.clear()

    def _finished_event(self, prompt_id: str) -> asyncio.Event:
        event = self._finished.get(prompt_id)
        if event is None:
            if len(self._finished) > 4096:  # events of prompts nobody waits for (submitted, then abandoned)
                for stale in list(self._finished)[:1024]:
                    self._finished.pop(stale, None)
            event = self._finished[prompt_id] = asyncio.Event()
        return event

    async def _socket_loop(self) -> None:
        url = f"{self.base_url.replace('http', 'ws', 1)}/ws?clientId={self.client_id}"
        backoff = 0.2
        while not self.session.closed:
            try:
                async with self.session.ws_connect(url, heartbeat=20) as ws:
                    self._connection += 1
                    self._socket_up.set()
                    backoff = 0.2
                    async for message in ws:
                        # ComfyUI sends every node's state on each step ("progress_state", half of a
                        # prompt's messages); nothing here reads it, so it is not even parsed.
                        if message.type == aiohttp.WSMsgType.TEXT and not message.data.startswith(_SKIPPED):
                            await self._on_event(json.loads(message.data))
            except (TimeoutError, aiohttp.ClientError, OSError, ValueError, RuntimeError) as exc:
                log.debug("progress socket of %s closed: %s", self.base_url, exc)
            self._socket_up.clear()
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 5.0)

    async def _on_event(self, event: dict[str, Any]) -> None:
        data = event.get("data") or {}
        prompt_id = data.get("prompt_id")
        if not isinstance(prompt_id, str):
            return
        kind = event.get("type")
        self._collect_outputs(kind, prompt_id, data)
        # "executing" with no node is sent after the history entry is written; the others just before.
        if kind in ("execution_success", "execution_error", "execution_interrupted") or (
            kind == "executing" and data.get("node") is None
        ):
            self._finished_event(prompt_id).set()
        listener = self._listeners.get(prompt_id)
        if listener is not None and kind in ("progress", "executing", "execution_cached", "execution_start"):
            try:
                result = listener({"type": kind, **data})
                if asyncio.iscoroutine(result):
                    await result
            except Exception:  # a broken progress reporter must not stop the socket
                log.exception("progress callback for prompt=%s failed", prompt_id)

    def _collect_outputs(self, kind: Any, prompt_id: str, data: dict[str, Any]) -> None:
        """Keep the outputs of a run the socket sees whole; the entry is ready at its ``execution_success``."""
        if kind == "execution_start":
            if len(self._running) > 1024:  # runs that never ended on this socket
                self._running.clear()
            self._running[prompt_id] = (self._connection, {}, [[kind, data]])
            return
        run = self._running.get(prompt_id)
        if run is None:
            return
        if run[0] != self._connection:  # the socket reconnected mid-run: it may have missed outputs
            self._running.pop(prompt_id, None)
        elif kind == "executed" and data.get("output") is not None:
            run[1][str(data.get("node"))] = data["output"]
        elif kind == "execution_cached":
            run[2].append([kind, data])
        elif kind == "execution_success":
            self._running.pop(prompt_id, None)
            if len(self._results) > 1024:
                self._results.clear()
            self._results[prompt_id] = {
                "outputs": run[1],
                "status": {"status_str": "success", "completed": True, "messages": [*run[2], [kind, data]]},
            }
        elif kind in ("execution_error", "execution_interrupted"):
            self._running.pop(prompt_id, None)  # /history has the details

    async def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            async with self.session.request(method, f"{self.base_url}{path}", **kwargs) as response:
                if response.status >= 500:
                    raise BackendUnavailable(
                        f"ComfyUI at {self.base_url} answered {response.status} to {path}"
                    )
                return response.status, await response.json(content_type=None)
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            raise BackendUnavailable(
                f"ComfyUI at {self.base_url} cannot be reached ({exc.__class__.__name__}: {exc})"
            ) from exc

    async def queue_remaining(self) -> int:
        """How many prompts the server has queued or running (``GET /prompt``)."""
        _, data = await self._json("GET", "/prompt", timeout=aiohttp.ClientTimeout(total=3))
        return int(((data or {}).get("exec_info") or {}).get("queue_remaining", 0))

    async def models(self, folder: str) -> list[str]:
        """File names ComfyUI lists in a model folder (``GET /models/<folder>``: checkpoints, loras ...)."""
        status, data = await self._json("GET", f"/models/{folder}", timeout=aiohttp.ClientTimeout(total=10))
        if status != 200 or not isinstance(data, list):
            raise BackendUnavailable(f"ComfyUI at {self.base_url} answered {status} to /models/{folder}")
        return [str(name) for name in data]

    async def object_info(self) -> dict[str, Any]:
        return (await self._json("GET", "/object_info"))[1]

    async def submit(self, prompt: dict[str, Any]) -> str:
        """Queue ``prompt``; returns its prompt id. A refused prompt raises ComfyExecutionError with node_errors."""
        await self.open_socket()
        status, data = await self._json(
            "POST", "/prompt", json={"prompt": prompt, "client_id": self.client_id}
        )
        if status != 200 or "prompt_id" not in data:
            error = (data or {}).get("error") or {}
            node_errors = (data or {}).get("node_errors") or {}
            message = error.get("message", f"HTTP {status}") if isinstance(error, dict) else str(error)
            details = describe_node_errors(node_errors, prompt)
            raise ComfyExecutionError(
                f"ComfyUI refused the prompt: {message}{f' — {details}' if details else ''}",
                node_errors=node_errors,
            )
        return str(data["prompt_id"])

    async def history(self, prompt_id: str) -> dict[str, Any] | None:
        """The finished prompt's history entry, or None while it is not finished."""
        _, data = await self._json("GET", f"/history/{prompt_id}")
        return (data or {}).get(prompt_id)

    async def queue_position(self, prompt_id: str) -> str:
        """``running``, ``pending`` or ``unknown`` (neither queued nor running)."""
        _, data = await self._json("GET", "/queue")
        for state, key in (("running", "queue_running"), ("pending", "queue_pending")):
            if any(len(item) > 1 and item[1] == prompt_id for item in data.get(key, [])):
                return state
        return "unknown"

    async def interrupt(self) -> None:
        await self._json("POST", "/interrupt")

    async def delete_from_queue(self, prompt_id: str) -> None:
        """Remove a prompt that is still queued (a failed or canceled job's later batches)."""
        await self._json("POST", "/queue", json={"delete": [prompt_id]})

    async def upload_image(self, data: bytes, name: str, *, subfolder: str = "assetgen") -> str:
        """Put a PNG into ComfyUI's input folder (``POST /upload/image``, overwriting); returns the value
        a LoadImage node takes (``subfolder/name``)."""
        form = aiohttp.FormData()
        form.add_field("image", data, filename=name, content_type="image/png")
        form.add_field("subfolder", subfolder)
        form.add_field("overwrite", "true")
        form.add_field("type", "input")
        status, body = await self._json("POST", "/upload/image", data=form)
        if status != 200 or not isinstance(body, dict) or "name" not in body:
            raise BackendUnavailable(f"ComfyUI /upload/image answered {status} for {name}")
        return f"{body['subfolder']}/{body['name']}" if body.get("subfolder") else str(body["name"])

    async def view(self, item: OutputFile) -> bytes:
        """Download an output file through ``/view`` (works for a remote ComfyUI)."""
        params = {"filename": item.filename, "subfolder": item.subfolder, "type": item.type}
        try:
            async with self.session.get(f"{self.base_url}/view", params=params) as response:
                if response.status == 404:
                    raise NotFound(
                        f"ComfyUI at {self.base_url} has no output {item.subfolder}/{item.filename}"
                    )
                if response.status != 200:
                    raise BackendUnavailable(f"ComfyUI /view answered {response.status} for {item.filename}")
                return await response.read()
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            raise BackendUnavailable(f"ComfyUI at {self.base_url} cannot be reached ({exc})") from exc

    async def wait(
        self,
        prompt_id: str,
        *,
        progress: ProgressCallback | None = None,
        poll_interval_s: float = 0.5,
        timeout_s: float = 1800.0,
        unknown_grace_s: float = 10.0,
    ) -> dict[str, Any]:
        """Wait until ``prompt_id`` finishes; returns its history entry (or the same, built from the socket).

        Progress events from the client's WebSocket are passed to ``progress``, and its "finished" events
        make the history be read at once; completion is still decided by the history (also polled), so a
        stalled socket only costs progress updates and up to ``socket_poll_s`` (``poll_interval_s`` while
        the socket is down). A prompt that is neither
        queued, running nor in the history for ``unknown_grace_s`` is reported as lost.
        """
        finished = self._finished_event(prompt_id)
        if progress is not None:
            self._listeners[prompt_id] = progress
        await self.open_socket()
        try:
            deadline = time.monotonic() + timeout_s
            if self._socket_up.is_set():
                # The socket's "finished" event comes first in the common case: asking /history and all of
                # /queue before it (two requests per prompt, /queue with every queued graph) is wasted work.
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(finished.wait(), self.socket_poll_s)
            unknown_since: float | None = None
            queue_checked = time.monotonic()
            settle = 0
            while time.monotonic() < deadline:
                entry = self._results.pop(prompt_id, None) or await self.history(prompt_id)
                if entry is not None:
                    self._raise_for_status(prompt_id, entry)
                    return entry
                if finished.is_set() and settle < 50:
                    # Finished by the socket but not yet in the history (execution_success comes first).
                    settle += 1
                    await asyncio.sleep(0.01)
                    continue
                finished.clear()  # a finish the history never showed: fall back to polling
                # /queue lists every queued graph: with the socket up (a restart would drop it) it is
                # asked only often enough to notice a lost prompt within the grace time.
                if not self._socket_up.is_set() or time.monotonic() - queue_checked >= unknown_grace_s / 2:
                    queue_checked = time.monotonic()
                    if await self.queue_position(prompt_id) == "unknown":
                        unknown_since = unknown_since or time.monotonic()
                        if time.monotonic() - unknown_since > unknown_grace_s:
                            raise BackendUnavailable(
                                f"ComfyUI at {self.base_url} lost prompt {prompt_id} (restarted?)"
                            )
                    else:
                        unknown_since = None
                # With the socket up, its "finished" event ends the wait; the poll is only the safety net
                # for a stalled socket, so it runs less often.
                interval = (
                    max(poll_interval_s, self.socket_poll_s) if self._socket_up.is_set() else poll_interval_s
                )
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(finished.wait(), interval)
            raise BackendUnavailable(f"prompt {prompt_id} did not finish within {timeout_s:.0f} s")
        finally:
            self._listeners.pop(prompt_id, None)
            self._finished.pop(prompt_id, None)
            self._results.pop(prompt_id, None)

    def _raise_for_status(self, prompt_id: str, entry: dict[str, Any]) -> None:
        status = entry.get("status") or {}
        if status.get("status_str") == "error" or status.get("completed") is False:
            for kind, data in status.get("messages", []):
                if kind == "execution_error":
                    raise ComfyExecutionError(
                        f"ComfyUI failed prompt {prompt_id} in node {data.get('node_id')} "
                        f"({data.get('node_type')}): {data.get('exception_type', '')}: {data.get('exception_message', '').strip()}",
                        node_errors={str(data.get("node_id")): data},
                    )
                if kind == "execution_interrupted":
                    raise ComfyExecutionError(f"prompt {prompt_id} was interrupted")
            raise ComfyExecutionError(
                f"ComfyUI reports prompt {prompt_id} as failed: {json.dumps(status)[:500]}"
            )


def output_files(entry: dict[str, Any], node_id: str, key: str = "images") -> list[OutputFile]:
    """The files node ``node_id`` listed under ``key`` in a history entry."""
    items = ((entry.get("outputs") or {}).get(node_id) or {}).get(key) or []
    return [
        OutputFile(filename=i["filename"], subfolder=i.get("subfolder", ""), type=i.get("type", "output"))
        for i in items
    ]
