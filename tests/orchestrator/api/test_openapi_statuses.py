"""Every route answers a success status its OpenAPI operation documents (a 201 documented as 200 fails).

One successful request per registered route, in an order that makes each one succeed (approve before
packing, queue a job before reading it); a route added without an entry here fails the coverage check.
"""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from assetgen.settings import Settings
from assetgen.store import ProjectStore
from orchestrator.api import create_app
from tests.review_factory import PROJECT_ID, build_review_project

P = f"/api/projects/{PROJECT_ID}"
ASSET = f"{P}/assets/potion_icon"
VARIANT = f"{ASSET}/variants/v00006"


def documented_statuses(document: dict[str, Any], path: str, method: str) -> set[int]:
    return {int(code) for code in document["paths"][path][method]["responses"] if code != "default"}


async def answer(client: TestClient, method: str, url: str, body: Any = None) -> tuple[int, Any]:
    """(status, JSON body or None) of one request; streams (SSE) are closed once their headers arrive."""
    response = await client.request(method, url, json=body, allow_redirects=False)
    data = None
    if response.content_type == "application/json":
        data = await response.json()
    response.close()
    return response.status, data


async def test_every_route_answers_a_documented_success_status(aiohttp_client, store: ProjectStore) -> None:
    build_review_project(store, variants=12, versions=2)
    client = await aiohttp_client(create_app(Settings.from_env({}, data_dir=store.root)))
    document = await (await client.get("/api/openapi.json")).json()
    seen: set[tuple[str, str]] = set()

    async def check(method: str, route: str, url: str | None = None, body: Any = None) -> Any:
        status, data = await answer(client, method.upper(), url or route, body)
        assert 200 <= status < 400, (method, route, status, data)
        assert status in documented_statuses(document, route, method), (method, route, status)
        seen.add((route, method))
        return data

    await check("get", "/")
    await check("get", "/gallery")
    await check("get", "/gallery/")
    await check("get", "/gallery/{name}", "/gallery/app.js")
    await check("get", "/api/openapi.json")
    await check("get", "/api/projects")
    await check("post", "/api/projects", body={"id": "fresh"})
    await check("get", "/api/projects/{project_id}", P)
    await check("get", "/api/projects/{project_id}/review-config", f"{P}/review-config")
    await check("get", "/api/projects/{project_id}/assets", f"{P}/assets")
    await check("get", "/api/projects/{project_id}/assets/{asset_id}", ASSET)
    await check("get", "/api/projects/{project_id}/assets/{asset_id}/variants", f"{ASSET}/variants")
    variant = "/api/projects/{project_id}/assets/{asset_id}/variants/{variant_id}"
    await check("post", variant + "/decision", f"{VARIANT}/decision", {"decision": "approve"})
    await check("post", variant + "/note", f"{VARIANT}/note", {"note": "good cork"})
    await check("post", variant + "/tags", f"{VARIANT}/tags", {"add": ["glossy"]})
    rated = await check("post", variant + "/rating", f"{VARIANT}/rating", {"rating": 4})
    await check("post", variant + "/undo", f"{VARIANT}/undo", {"changeId": rated["changeId"]})
    await check("post", variant + "/primary", f"{VARIANT}/primary", {})
    await check("post", variant + "/bg-remove", f"{VARIANT}/bg-remove", {})
    asset = "/api/projects/{project_id}/assets/{asset_id}"
    await check("post", asset + "/bg-remove", f"{ASSET}/bg-remove", {})
    await check("post", asset + "/regenerate", f"{ASSET}/regenerate", {"variants": 2, "seed": 7})
    await check("post", asset + "/pack", f"{ASSET}/pack", {})
    await check("post", asset + "/pixelate", f"{ASSET}/pixelate", {})
    await check("post", "/api/projects/{project_id}/autopilot", f"{P}/autopilot", {})
    await check("get", "/api/projects/{project_id}/exceptions", f"{P}/exceptions")
    checkpoints = "/api/projects/{project_id}/checkpoints"
    await check("get", checkpoints, f"{P}/checkpoints")
    onboard = {"id": "ckpt_extra", "file": "ckpt_sd15_demo.safetensors", "types": ["ui_icon"]}
    await check("post", checkpoints, f"{P}/checkpoints", onboard)
    jobs = "/api/projects/{project_id}/jobs"
    job = await check("post", jobs, f"{P}/jobs", {"type": "generate", "input": {"specId": "potion_icon"}})
    await check("get", jobs, f"{P}/jobs")
    await check("get", jobs + "/{job_id}", f"{P}/jobs/{job['id']}")
    await check("post", jobs + "/{job_id}/cancel", f"{P}/jobs/{job['id']}/cancel")
    await check("post", jobs + "/{job_id}/retry", f"{P}/jobs/{job['id']}/retry")
    await check("get", jobs + "/events", f"{P}/jobs/events")
    await check("get", "/api/events")
    lists = "/api/projects/{project_id}/spec-lists"
    made = await check("post", lists, f"{P}/spec-lists", {"text": "3 potion icons, 64x64"})
    await check("get", lists, f"{P}/spec-lists")
    await check("get", lists + "/{spec_list_id}", f"{P}/spec-lists/{made['id']}")
    await check("post", lists + "/{spec_list_id}/refine", f"{P}/spec-lists/{made['id']}/refine", {})
    specs = "/api/projects/{project_id}/specs"
    await check("get", specs, f"{P}/specs")
    await check("post", specs + "/validate", f"{P}/specs/validate", {})
    spec = await check("get", specs + "/{spec_id}", f"{P}/specs/potion_icon")
    await check("put", specs + "/{spec_id}", f"{P}/specs/potion_icon", spec)
    await check("get", specs + "/{spec_id}/plan", f"{P}/specs/potion_icon/plan")
    await check(
        "get", "/files/{path}", f"/files/projects/{PROJECT_ID}/files/images/potion_icon/original/v00001.png"
    )

    documented = {(path, method) for path, ops in document["paths"].items() for method in ops}
    assert seen == documented, sorted(documented - seen)
