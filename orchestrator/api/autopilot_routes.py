"""Autopilot: start the happy loop for a project's ready specs (the gallery's Autopilot button)."""

from __future__ import annotations

import asyncio

from aiohttp import web
from pydantic import Field

from assetgen.models.base import Contract
from assetgen.review.autopilot import start_autopilot
from orchestrator.api.bodies import parse_body
from orchestrator.api.keys import STORE
from orchestrator.api.openapi import api


class AutopilotRequest(Contract):
    """Which specs (default: every autopilot-ready one) and how many variants per round."""

    spec_ids: list[str] | None = None
    variants: int | None = Field(default=None, ge=1, le=64)


def register(app: web.Application) -> None:
    app.router.add_post("/api/projects/{project_id}/autopilot", start)


@api(request=AutopilotRequest, status=201)
async def start(request: web.Request) -> web.Response:
    """Queue one autopilot job per ready spec; answers the jobs and the specs skipped as not ready."""
    body = await parse_body(request, AutopilotRequest, optional=True)
    jobs, skipped = await asyncio.to_thread(
        start_autopilot,
        request.app[STORE],
        request.match_info["project_id"],
        body.spec_ids,
        variants=body.variants,
    )
    return web.json_response(
        {"jobs": [j.model_dump(mode="json") for j in jobs], "skipped": skipped}, status=201
    )
