"""Fixtures for the REST API: an app over a copy of the demo project, and helpers to read its answers."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from pydantic import BaseModel

from assetgen.settings import Settings
from assetgen.store import ProjectStore
from orchestrator.api import create_app

# Ids that must never reach a path: traversal (plain and encoded), separators, NUL, overlong, odd starts.
HOSTILE_IDS = (
    "..",
    "%2e%2e",
    "%2E%2E%2F%2E%2E%2Fetc",
    "a%2Fb",
    "a%5Cb",
    "%00",
    "a%00b",
    "x" * 129,
    ".hidden",
    "-dash",
    "a%20b",
    "a.json",
    "%C3%A9t%C3%A9",
    "~root",
)


JSON_TYPE = {"Content-Type": "application/json"}


def own_origin(client: TestClient) -> dict[str, str]:
    """The Origin header a page served by the test server sends (multipart uploads need it)."""
    return {"Origin": str(client.make_url("/")).rstrip("/")}


def settings_for(store: ProjectStore) -> Settings:
    """Settings over ``store``'s data root that ignore the caller's environment."""
    return Settings.from_env({}, data_dir=store.root)


@pytest.fixture
async def client(aiohttp_client: Any, demo_store: ProjectStore) -> TestClient:
    """A test client of the app (no worker, no token) over a copy of the demo project."""
    return await aiohttp_client(create_app(settings_for(demo_store)))


def tree_state(root: Path) -> dict[str, tuple[int, int]]:
    """Every file and folder under ``root`` with its size and mtime: equal states mean nothing was written.

    ``runtime/`` (lock files, worker heartbeats) is not project data and is left out.
    """
    return {
        str(path.relative_to(root)): (path.stat().st_size if path.is_file() else -1, path.stat().st_mtime_ns)
        for path in sorted(root.rglob("*"))
        if path.relative_to(root).parts[0] != "runtime"
    }


async def error_of(response: Any, status: int | None = None) -> dict[str, Any]:
    """The ``error`` object of a JSON error response (asserting 4xx, or exactly ``status``)."""
    body = await response.json()
    assert "error" in body, body
    assert body["error"]["status"] == response.status
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    if status is None:
        assert 400 <= response.status < 500, body
    else:
        assert response.status == status, body
    return body["error"]


async def body_of(response: Any, model: type[BaseModel], status: int = 200) -> dict[str, Any]:
    """A successful JSON body, checked against the handler's response ``model``."""
    body = await response.json()
    assert response.status == status, body
    model.model_validate(body)
    return body


class SseReader:
    """Reads Server-Sent Events from a streaming response: (event name, JSON data) per call."""

    def __init__(self, response: Any) -> None:
        self.response = response
        self.comments: list[str] = []

    async def next(self, timeout_s: float = 5.0) -> tuple[str, Any]:
        return await asyncio.wait_for(self._next(), timeout_s)

    async def _next(self) -> tuple[str, Any]:
        name, data = "message", []
        while True:
            raw = await self.response.content.readline()
            if not raw:
                raise EOFError("event stream ended")
            line = raw.decode().rstrip("\n")
            if not line:
                if data:
                    return name, json.loads("\n".join(data))
                continue
            if line.startswith(":"):
                self.comments.append(line)
            elif line.startswith("event: "):
                name = line.removeprefix("event: ")
            elif line.startswith("data: "):
                data.append(line.removeprefix("data: "))

    async def next_of(self, name: str, timeout_s: float = 5.0) -> Any:
        """The data of the next event called ``name`` (others are skipped)."""
        while True:
            event, data = await self.next(timeout_s)
            if event == name:
                return data
