"""The error middleware's JSON body and bearer-token auth on every route."""

from __future__ import annotations

import pytest

from orchestrator.api import create_app
from tests.orchestrator.api.conftest import JSON_TYPE, error_of, settings_for

TOKEN = "s3cret-token"
PROBES = [
    ("GET", "/api/projects"),
    ("GET", "/api/projects/demo/specs"),
    ("GET", "/api/projects/demo/jobs"),
    ("POST", "/api/projects/demo/jobs"),
    ("GET", "/api/projects/demo/jobs/events"),
    ("GET", "/api/openapi.json"),
    ("GET", "/api/no/such/route"),
]


@pytest.fixture
async def locked(aiohttp_client, demo_store):
    return await aiohttp_client(create_app(settings_for(demo_store), token=TOKEN))


@pytest.mark.parametrize(("method", "path"), PROBES)
@pytest.mark.parametrize("header", [None, "Bearer wrong", "Bearer ", f"Basic {TOKEN}", TOKEN + "x"])
async def test_without_the_right_token_is_401(locked, method, path, header) -> None:
    headers = {"Authorization": header} if header is not None else {}
    await error_of(await locked.request(method, path, headers=headers), 401)


async def test_the_right_token_passes(locked) -> None:
    response = await locked.get("/api/projects", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status == 200 and (await response.json())["projects"] == ["demo"]
    response = await locked.get(f"/api/projects/demo/jobs?token={TOKEN}")  # EventSource cannot set headers
    assert response.status == 200


async def test_unknown_route_and_method_are_json(client) -> None:
    await error_of(await client.get("/api/nothing"), 404)
    await error_of(await client.delete("/api/projects/demo/specs/potion_icon"), 405)


async def test_body_too_large_is_413_json(client) -> None:
    big = b"x" * (33 * 2**20)
    await error_of(await client.post("/api/projects/demo/jobs", data=big, headers=JSON_TYPE), 413)
