"""Pixel-art mode over HTTP: queue a ``pixelate`` job for an asset's variants (one palette for all)."""

from __future__ import annotations

import asyncio

from aiohttp import web

from assetgen.models.gallery import JobsStarted
from assetgen.models.pixel_art import PixelateBody
from assetgen.post.pixelate import queue_pixelate
from orchestrator.api.assets_routes import ASSET, body, ids, reply, store_of
from orchestrator.api.openapi import api


def register(app: web.Application) -> None:
    app.router.add_post(ASSET + "/pixelate", post_pixelate)


@api(request=PixelateBody, response=JobsStarted, status=201)
async def post_pixelate(request: web.Request) -> web.Response:
    """Queue one pixelate job (201): the asset's approved variants, or ``variantIds``, made exact pixel art."""
    data = await body(request, PixelateBody)
    project_id, asset_id = ids(request, "project_id", "asset_id")
    job = await asyncio.to_thread(queue_pixelate, store_of(request), project_id, asset_id, data)
    return reply(JobsStarted(jobs=[job]), status=201)
