"""AssetSpecs: list with readiness, read, replace, validate, and the generation plan of one spec."""

from __future__ import annotations

import asyncio

from aiohttp import web

from assetgen.generation.plan import plan_generation
from assetgen.models import AssetSpec
from assetgen.models.api import PlanQuery, SpecOverviewList, SpecValidationBody, ValidateSpecsRequest
from assetgen.models.generation import GenerationPlan
from assetgen.specs.editing import list_spec_entries, save_spec
from assetgen.specs.validation import validate_project_specs
from orchestrator.api.bodies import json_body, parse_body, parse_query, read_json
from orchestrator.api.keys import STORE
from orchestrator.api.openapi import api

BASE = "/api/projects/{project_id}/specs"


def register(app: web.Application) -> None:
    app.router.add_get(BASE, list_specs)
    app.router.add_post(f"{BASE}/validate", validate_specs)
    app.router.add_get(f"{BASE}/{{spec_id}}", get_spec)
    app.router.add_put(f"{BASE}/{{spec_id}}", put_spec)
    app.router.add_get(f"{BASE}/{{spec_id}}/plan", get_plan)


@api(response=SpecOverviewList)
async def list_specs(request: web.Request) -> web.Response:
    """List the project's specs, each with validity and autopilot readiness."""
    project_id = request.match_info["project_id"]
    entries = await asyncio.to_thread(list_spec_entries, request.app[STORE], project_id)
    return json_body({"projectId": project_id, "specs": [e.as_dict() for e in entries]})


@api(response=AssetSpec)
async def get_spec(request: web.Request) -> web.Response:
    """Read one spec."""
    spec = await asyncio.to_thread(
        request.app[STORE].read, request.match_info["project_id"], "specs", request.match_info["spec_id"]
    )
    return json_body(spec)


@api(request=AssetSpec, response=AssetSpec)
async def put_spec(request: web.Request) -> web.Response:
    """Create or replace a spec (id and projectId must match the path; unknown fields are kept)."""
    data = await read_json(request)
    spec = await asyncio.to_thread(
        save_spec, request.app[STORE], request.match_info["project_id"], request.match_info["spec_id"], data
    )
    return json_body(spec)


@api(query=PlanQuery, response=GenerationPlan)
async def get_plan(request: web.Request) -> web.Response:
    """Explain a generate run of this spec: checkpoint, LoRA decisions, compiled prompts with trace, seeds."""
    query = parse_query(request, PlanQuery)
    plan = await asyncio.to_thread(
        plan_generation,
        request.app[STORE],
        request.match_info["project_id"],
        request.match_info["spec_id"],
        checkpoint_id=query.checkpoint_id,
        variants=query.variants,
        overrides={"seed": query.seed} if query.seed is not None else {},
        template_id=query.template_id,
    )
    return json_body(plan)


@api(request=ValidateSpecsRequest, response=SpecValidationBody)
async def validate_specs(request: web.Request) -> web.Response:
    """Validate the project's specs (or ``specIds``): schema, catalog references, readiness."""
    body = await parse_body(request, ValidateSpecsRequest, optional=True)
    report = await asyncio.to_thread(
        validate_project_specs, request.app[STORE], request.match_info["project_id"], body.spec_ids or None
    )
    return json_body(report.as_dict())
