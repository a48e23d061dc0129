"""The composed app: every route refuses hostile ids (path, body, query) with a 4xx JSON body, writing nothing.

The route list is read from the router, so route modules added later are covered too.
"""

from __future__ import annotations

import asyncio
import json
import re

import pytest
from yarl import URL

from tests.orchestrator.api.conftest import HOSTILE_IDS, error_of, tree_state

VALID = {"project_id": "demo", "spec_id": "potion_icon", "spec_list_id": "forest_wishlist", "job_id": "job_a"}
BODIES = {
    "/api/projects/{project_id}/jobs": {"type": "generate", "input": {"specId": "potion_icon"}},
    "/api/projects/{project_id}/spec-lists": {"text": "- one coin icon"},
}
HOSTILE_VALUES = (
    "..",
    "../x",
    "a/b",
    "a\\b",
    "\x00",
    "a\x00b",
    "x" * 129,
    ".hidden",
    "-x",
    "a b",
    "é",
    "",
    7,
)
PARAM = re.compile(r"\{([^}:]+)(?::[^}]*)?\}")


@pytest.fixture
async def seeded(client, demo_store):
    """The client plus a queued job ``job_a`` and the state of the data tree before the test."""
    response = await client.post(
        "/api/projects/demo/jobs",
        json={"type": "generate", "input": {"specId": "potion_icon"}, "id": "job_a"},
    )
    assert response.status == 201
    return client, tree_state(demo_store.root)


def hostile_requests(app):
    for route in app.router.routes():
        if route.method in ("HEAD", "*") or route.resource is None:
            continue
        path = route.resource.canonical
        if not path.startswith(("/api/", "/files/")):
            continue  # the gallery's static files: an empty name is its index page (tested with the gallery)
        for name in PARAM.findall(path):
            for hostile in HOSTILE_IDS:
                url = PARAM.sub(
                    lambda m, n=name, h=hostile: h if m.group(1) == n else VALID.get(m.group(1), "x"), path
                )
                yield route.method, url, BODIES.get(path, {})


async def test_hostile_path_ids_on_every_route(seeded, demo_store) -> None:
    client, before = seeded
    requests = list(hostile_requests(client.server.app))
    assert len(requests) > 100
    for method, url, body in requests:
        data = json.dumps(body).encode() if method in ("POST", "PUT") else None
        if url.endswith("/specs/potion_icon") and method == "PUT":
            data = json.dumps(
                demo_store.read("demo", "specs", "potion_icon").model_dump(mode="json")
            ).encode()
        response = await asyncio.wait_for(
            client.request(method, URL(url, encoded=True), data=data, allow_redirects=False), 5
        )
        if response.status in (301, 302) and response.headers.get("Location", "").startswith("/gallery"):
            continue  # the client resolved ".." up to "/", which only redirects to the gallery page
        try:
            await error_of(response)
        except AssertionError as exc:
            raise AssertionError(f"{method} {url}: {exc}") from exc
    assert tree_state(demo_store.root) == before


@pytest.mark.parametrize("hostile", HOSTILE_VALUES)
async def test_hostile_ids_in_bodies_and_queries(seeded, demo_store, hostile) -> None:
    client, before = seeded
    probes = [
        ("POST", "/api/projects", {"id": hostile}),
        (
            "POST",
            "/api/projects/demo/jobs",
            {"type": "generate", "input": {"specId": "potion_icon"}, "id": hostile},
        ),
        ("POST", "/api/projects/demo/spec-lists", {"text": "- a coin", "id": hostile}),
        ("POST", "/api/projects/demo/specs/validate", {"specIds": [hostile]}),
    ]
    for method, path, body in probes:
        response = await client.request(method, path, json=body)
        if path.endswith("/validate") and response.status == 200:
            assert not (await response.json())["valid"]  # reported as an invalid spec, never read from a path
            continue
        await error_of(response)
    if isinstance(hostile, str):
        for key in ("checkpointId", "templateId"):
            response = await client.get("/api/projects/demo/specs/potion_icon/plan", params={key: hostile})
            await error_of(response)
    assert tree_state(demo_store.root) == before
