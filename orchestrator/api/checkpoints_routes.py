"""Checkpoints: list what a project names (onboarded, found, verified) and onboard a model file."""

from __future__ import annotations

import asyncio

from aiohttp import web

from assetgen.generation.model_files import hash_cache_file, model_roots
from assetgen.generation.onboarding import list_checkpoints, onboard_checkpoint
from assetgen.models import Checkpoint
from assetgen.models.api import CheckpointStatusList, OnboardCheckpointRequest
from orchestrator.api.bodies import parse_body
from orchestrator.api.keys import SETTINGS, STORE
from orchestrator.api.openapi import api


def register(app: web.Application) -> None:
    app.router.add_get("/api/projects/{project_id}/checkpoints", get_checkpoints)
    app.router.add_post("/api/projects/{project_id}/checkpoints", post_checkpoint)


@api(response=CheckpointStatusList)
async def get_checkpoints(request: web.Request) -> web.Response:
    """Every checkpoint id the project names or holds: onboarded, found in the models folders, hash-verified."""
    settings = request.app[SETTINGS]
    statuses = await asyncio.to_thread(
        list_checkpoints,
        request.app[STORE],
        request.match_info["project_id"],
        roots=model_roots(settings),
        hash_cache=hash_cache_file(settings),
    )
    return web.json_response({"checkpoints": [s.as_dict() for s in statuses]})


@api(request=OnboardCheckpointRequest, response=Checkpoint, status=201)
async def post_checkpoint(request: web.Request) -> web.Response:
    """Onboard a model file (a name in the models folders) as checkpoints/<id>.json."""
    body = await parse_body(request, OnboardCheckpointRequest)
    settings = request.app[SETTINGS]
    checkpoint = await asyncio.to_thread(
        onboard_checkpoint,
        request.app[STORE],
        request.match_info["project_id"],
        body.file,
        checkpoint_id=body.id,
        roots=model_roots(settings),
        asset_types=body.types,
        profile_id=body.profile,
        name=body.name,
        hash_cache=hash_cache_file(settings),
        replace=body.replace,
        allow_paths=False,
    )
    return web.json_response(checkpoint.model_dump(mode="json"), status=201)
