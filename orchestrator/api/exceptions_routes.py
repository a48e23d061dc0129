"""The exception inbox: failed jobs escalated by the retry policy (``escalatedAt`` set), per project."""

from __future__ import annotations

import asyncio

from aiohttp import web

from assetgen.jobs import list_exceptions
from assetgen.models.api import ExceptionList
from orchestrator.api.bodies import json_body
from orchestrator.api.keys import STORE
from orchestrator.api.openapi import api


def register(app: web.Application) -> None:
    app.router.add_get("/api/projects/{project_id}/exceptions", list_project_exceptions)


@api(response=ExceptionList)
async def list_project_exceptions(request: web.Request) -> web.Response:
    """List the project's escalated failed jobs (the exception inbox), newest first."""
    jobs = await asyncio.to_thread(list_exceptions, request.app[STORE], request.match_info["project_id"])
    return json_body({"count": len(jobs), "jobs": [job.model_dump(mode="json") for job in jobs]})
