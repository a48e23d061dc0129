"""The OpenAPI document: valid 3.1, every registered route present, schemas from the models."""

from __future__ import annotations

from aiohttp import web
from openapi_spec_validator import validate

from orchestrator.api import create_app
from orchestrator.api.openapi import api, build_openapi
from tests.orchestrator.api.conftest import settings_for


def registered_routes(app: web.Application) -> set[tuple[str, str]]:
    return {
        (route.resource.canonical, route.method.lower())
        for route in app.router.routes()
        if route.method not in ("HEAD", "*") and route.resource is not None
    }


async def test_document_is_valid_and_lists_every_route(client) -> None:
    response = await client.get("/api/openapi.json")
    assert response.status == 200 and response.content_type == "application/json"
    document = await response.json()
    validate(document)
    assert document["openapi"].startswith("3.1")
    listed = {(path, method) for path, ops in document["paths"].items() for method in ops}
    assert registered_routes(client.server.app) == listed
    for path, ops in document["paths"].items():  # the site guard's answers (middleware.check_site)
        for method, operation in ops.items():
            codes = set(operation["responses"])
            assert {"403", "421"} <= codes, (path, method)
            assert ("415" in codes) == (method in ("post", "put", "patch", "delete")), (path, method)
            assert "401" not in codes  # no token configured
    for path, ops in document["paths"].items():
        for method, operation in ops.items():
            assert operation["summary"], (path, method)
            names = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert names == set(part[1:-1] for part in path.split("/") if part.startswith("{")), path


async def test_schemas_come_from_the_models(client) -> None:
    document = await (await client.get("/api/openapi.json")).json()
    schemas = document["components"]["schemas"]
    assert {"AssetSpec", "Job", "JobRequest", "GenerationPlan", "SpecList", "ErrorBody"} <= set(schemas)
    assert "projectId" in schemas["AssetSpec"]["properties"]  # by alias
    put = document["paths"]["/api/projects/{project_id}/specs/{spec_id}"]["put"]
    assert put["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/AssetSpec"
    }
    post = document["paths"]["/api/projects/{project_id}/jobs"]["post"]
    assert "201" in post["responses"]
    plan = document["paths"]["/api/projects/{project_id}/specs/{spec_id}/plan"]["get"]
    assert {"variants", "seed", "checkpointId", "templateId"} <= {p["name"] for p in plan["parameters"]}
    intake = document["paths"]["/api/projects/{project_id}/spec-lists"]["post"]["requestBody"]["content"]
    assert {"application/json", "multipart/form-data"} <= set(intake)
    events = document["paths"]["/api/projects/{project_id}/jobs/events"]["get"]["responses"]["200"]
    assert "text/event-stream" in events["content"]
    assert "security" not in document


def test_handlers_without_api_and_token_security(demo_store) -> None:
    app = create_app(settings_for(demo_store), token="t0ken")

    async def bare(request: web.Request) -> web.Response:
        return web.Response()

    @api()
    async def undocumented(request: web.Request) -> web.Response:  # no docstring either
        return web.Response()

    app.router.add_get("/api/bare/{thing_id}", bare)
    app.router.add_post("/api/undocumented", undocumented)
    app.router.add_static("/static", demo_store.root)
    document = build_openapi(app, has_token=True)
    validate(document)
    assert document["paths"]["/api/bare/{thing_id}"]["get"]["summary"] == "bare"
    assert document["paths"]["/api/undocumented"]["post"]["responses"]["200"] == {"description": "OK"}
    assert document["security"] == [{"bearerAuth": []}]
    assert "401" in document["paths"]["/api/undocumented"]["post"]["responses"]
