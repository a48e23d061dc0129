"""Checkpoints over REST: list what an origin-seeded project names, onboard one, refuse bad requests."""

from __future__ import annotations

from typing import Any

import pytest

from assetgen.models import Checkpoint
from assetgen.models.api import CheckpointStatusList
from assetgen.store import ProjectStore
from orchestrator.api import create_app
from tests.assetgenerator_fixture import SD15_ID, SEEDED_PROJECT_ID, copy_seeded_fixture
from tests.orchestrator.api.conftest import body_of, error_of, settings_for, tree_state

P = SEEDED_PROJECT_ID
URL = f"/api/projects/{P}/checkpoints"


@pytest.fixture
async def seeded(aiohttp_client: Any, tmp_path) -> tuple[Any, ProjectStore]:
    store = ProjectStore(copy_seeded_fixture(tmp_path / "data"))
    return await aiohttp_client(create_app(settings_for(store))), store


async def test_list_then_onboard(seeded) -> None:
    client, _ = seeded
    listed = (await body_of(await client.get(URL), CheckpointStatusList))["checkpoints"]
    assert [c["checkpointId"] for c in listed] == [SD15_ID, "ckpt_sdxl_base", "ckpt_sdxl_ui"]
    assert not any(c["onboarded"] for c in listed)
    body = {"id": SD15_ID, "file": "ckpt_sd15_demo.safetensors", "types": ["sprite"]}
    record = await body_of(await client.post(URL, json=body), Checkpoint, 201)
    assert record["weights"]["path"] == "ckpt_sd15_demo.safetensors" and record["weights"]["sha256"]
    listed = (await body_of(await client.get(URL), CheckpointStatusList))["checkpoints"]
    sd15 = next(c for c in listed if c["checkpointId"] == SD15_ID)
    assert sd15["onboarded"] and sd15["found"] and sd15["hash"] == "verified"
    await error_of(await client.post(URL, json=body), 409)


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"id": "../x", "file": "ckpt_sd15_demo.safetensors"},
        {"id": "ckpt_x", "file": "/etc/passwd"},
        {"id": "ckpt_x", "file": "../../etc/passwd"},
        {"id": "ckpt_x", "file": "ckpt_sd15_demo.safetensors", "types": ["dragon"]},
        {"id": "ckpt_x", "file": "a\u0000b.safetensors"},
        {"id": "ckpt_x", "file": "x" * 300},
        {"id": "ckpt_x", "file": "  "},
    ],
)
async def test_bad_requests_write_nothing(seeded, payload) -> None:
    client, store = seeded
    before = tree_state(store.root)
    await error_of(await client.post(URL, json=payload), 400)
    assert tree_state(store.root) == before
