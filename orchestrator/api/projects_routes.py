"""Projects: list, read, create from the demo template."""

from __future__ import annotations

import asyncio

from aiohttp import web

from assetgen.models import Project
from assetgen.models.api import CreateProjectRequest, ProjectList
from assetgen.projects import init_project, most_recent_project
from orchestrator.api.bodies import parse_body
from orchestrator.api.keys import STORE
from orchestrator.api.openapi import api


def register(app: web.Application) -> None:
    app.router.add_get("/api/projects", list_projects)
    app.router.add_post("/api/projects", create_project)
    app.router.add_get("/api/projects/{project_id}", get_project)


@api(response=ProjectList)
async def list_projects(request: web.Request) -> web.Response:
    """List the project ids in the data root and the most recently active one."""
    store = request.app[STORE]
    projects, recent = await asyncio.gather(
        asyncio.to_thread(store.list_projects), asyncio.to_thread(most_recent_project, store)
    )
    return web.json_response(ProjectList(projects=projects, most_recent=recent).model_dump(mode="json"))


@api(response=Project)
async def get_project(request: web.Request) -> web.Response:
    """Read a project's project.json."""
    project = await asyncio.to_thread(request.app[STORE].read_project, request.match_info["project_id"])
    return web.json_response(project.model_dump(mode="json"))


@api(request=CreateProjectRequest, response=Project, status=201)
async def create_project(request: web.Request) -> web.Response:
    """Create a project from the demo template."""
    body = await parse_body(request, CreateProjectRequest)
    project = await asyncio.to_thread(init_project, request.app[STORE], body.id, name=body.name)
    return web.json_response(project.model_dump(mode="json"), status=201)
