"""Projects: list, read, create from the demo template."""

from __future__ import annotations

import pytest

from assetgen.models import Project
from assetgen.models.api import ProjectList
from tests.orchestrator.api.conftest import body_of, error_of, tree_state


async def test_list_get_create(client, demo_store) -> None:
    assert (await body_of(await client.get("/api/projects"), ProjectList))["projects"] == ["demo"]
    assert (await body_of(await client.get("/api/projects/demo"), Project))["id"] == "demo"
    body = await body_of(
        await client.post("/api/projects", json={"id": "second", "name": "Second"}), Project, 201
    )
    assert body["name"] == "Second" and demo_store.has_project("second")
    await error_of(await client.post("/api/projects", json={"id": "second"}), 409)
    await error_of(await client.get("/api/projects/nope"), 404)


@pytest.mark.parametrize("payload", [{}, {"id": 5}, {"id": "ok", "name": ["x"]}, [], "demo"])
async def test_create_refuses_bad_bodies(client, demo_store, payload) -> None:
    before = tree_state(demo_store.root)
    await error_of(await client.post("/api/projects", json=payload), 400)
    assert tree_state(demo_store.root) == before


async def test_the_list_names_the_most_recently_active_project(client, demo_store) -> None:
    from assetgen.jobs import create_job
    from assetgen.projects import init_project

    init_project(demo_store, "aaa_new")  # sorts first, but nothing happened in it yet
    listed = await body_of(await client.get("/api/projects"), ProjectList)
    assert listed["projects"] == ["aaa_new", "demo"] and listed["mostRecent"] == "demo"
    create_job(demo_store, "aaa_new", "export", {"profileId": "custom", "atlasIds": ["x"]})
    listed = await body_of(await client.get("/api/projects"), ProjectList)
    assert listed["mostRecent"] == "aaa_new"
