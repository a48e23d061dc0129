"""POST /api/projects/{p}/autopilot queues one autopilot job per ready spec."""

from __future__ import annotations

import pytest

from assetgen.jobs import list_jobs
from assetgen.settings import Settings
from assetgen.store import ProjectStore
from orchestrator.api import create_app


@pytest.fixture
async def client(aiohttp_client, demo_store: ProjectStore):
    return await aiohttp_client(create_app(Settings.from_env(data_dir=demo_store.root)))


async def test_autopilot_queues_ready_specs(client, demo_store: ProjectStore) -> None:
    response = await client.post("/api/projects/demo/autopilot", json={"variants": 2})
    assert response.status == 201
    data = await response.json()
    assert sorted(j["input"]["specId"] for j in data["jobs"]) == ["hero_knight_walk", "potion_icon"]
    assert all(j["type"] == "autopilot" and j["input"]["variants"] == 2 for j in data["jobs"])
    assert len(list_jobs(demo_store, "demo")) == 2


async def test_a_named_spec_that_is_not_ready_is_a_400(client, demo_store: ProjectStore) -> None:
    spec = demo_store.read("demo", "specs", "potion_icon")
    spec.quality_contract = None
    demo_store.write("demo", "specs", spec)
    response = await client.post("/api/projects/demo/autopilot", json={"specIds": ["potion_icon"]})
    assert response.status == 400 and "not autopilot-ready" in (await response.json())["error"]["message"]
    response = await client.post("/api/projects/demo/autopilot", json={"specIds": ["../x"]})
    assert response.status == 400
    assert list_jobs(demo_store, "demo") == []
