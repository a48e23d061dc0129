"""Assets and review: the asset list, one asset, pages of its variants, review decisions and review jobs.

Each handler parses (path ids, query, a pydantic body), calls one ``assetgen`` function and answers
with a model's JSON. Review POSTs answer ``ReviewResult`` (the updated variant, the asset's counts and
primary, the change id to undo).
"""

from __future__ import annotations

import asyncio
import secrets
from typing import TypeVar

from aiohttp import web
from pydantic import BaseModel

from assetgen.errors import InvalidInput
from assetgen.ids import new_ulid, validate_id
from assetgen.models import Asset
from assetgen.models.base import parse_model
from assetgen.models.gallery import (
    AssetList,
    BgRemoveBody,
    DecisionBody,
    JobsStarted,
    NoteBody,
    PackBody,
    RatingBody,
    RegenerateBody,
    ReviewConfig,
    ReviewerBody,
    ReviewResult,
    TagsBody,
    UndoBody,
    VariantPage,
)
from assetgen.review import decisions, gallery, reviewer_jobs
from assetgen.store import ProjectStore
from orchestrator.api.bodies import read_json_object
from orchestrator.api.keys import STORE
from orchestrator.api.openapi import api

M = TypeVar("M", bound=BaseModel)
ASSET = "/api/projects/{project_id}/assets/{asset_id}"
VARIANT = ASSET + "/variants/{variant_id}"


def register(app: web.Application) -> None:
    app.router.add_get("/api/projects/{project_id}/review-config", get_review_config)
    app.router.add_get("/api/projects/{project_id}/assets", list_assets)
    app.router.add_get(ASSET, get_asset)
    app.router.add_get(ASSET + "/variants", list_variants)
    app.router.add_post(VARIANT + "/decision", post_decision)
    app.router.add_post(VARIANT + "/primary", post_primary)
    app.router.add_post(VARIANT + "/note", post_note)
    app.router.add_post(VARIANT + "/tags", post_tags)
    app.router.add_post(VARIANT + "/rating", post_rating)
    app.router.add_post(VARIANT + "/undo", post_undo)
    app.router.add_post(VARIANT + "/bg-remove", post_variant_bg_remove)
    app.router.add_post(ASSET + "/bg-remove", post_asset_bg_remove)
    app.router.add_post(ASSET + "/regenerate", post_regenerate)
    app.router.add_post(ASSET + "/pack", post_pack)


def ids(request: web.Request, *names: str) -> list[str]:
    """Path ids, validated before anything touches the store."""
    return [validate_id(request.match_info[name], what=name.replace("_", " ")) for name in names]


async def body(request: web.Request, model: type[M]) -> M:
    """The JSON body as ``model`` (400 naming the field otherwise); an empty body means all defaults."""
    data = await read_json_object(request, optional=True)
    return parse_model(model, data, where="request body")


def query_int(request: web.Request, name: str, default: int) -> int:
    raw = request.query.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise InvalidInput(f"query parameter {name} must be an integer, got {raw!r}") from exc


def reply(model: BaseModel, status: int = 200) -> web.Response:
    return web.json_response(model.model_dump(mode="json"), status=status)


def store_of(request: web.Request) -> ProjectStore:
    return request.app[STORE]


@api(response=ReviewConfig)
async def get_review_config(request: web.Request) -> web.Response:
    (project_id,) = ids(request, "project_id")
    return reply(await asyncio.to_thread(gallery.review_config, store_of(request), project_id))


@api(response=AssetList)
async def list_assets(request: web.Request) -> web.Response:
    (project_id,) = ids(request, "project_id")
    return reply(await asyncio.to_thread(gallery.list_asset_summaries, store_of(request), project_id))


@api(response=Asset)
async def get_asset(request: web.Request) -> web.Response:
    project_id, asset_id = ids(request, "project_id", "asset_id")
    return reply(await asyncio.to_thread(store_of(request).read, project_id, "assets", asset_id))


@api(response=VariantPage)
async def list_variants(request: web.Request) -> web.Response:
    project_id, asset_id = ids(request, "project_id", "asset_id")
    offset = query_int(request, "offset", 0)
    limit = query_int(request, "limit", gallery.DEFAULT_PAGE_LIMIT)
    status = request.query.get("status", "all")
    page = await asyncio.to_thread(
        gallery.read_variant_page,
        store_of(request),
        project_id,
        asset_id,
        offset=offset,
        limit=limit,
        status=status,
    )
    return reply(page)


async def _review(request: web.Request, call, **kwargs) -> web.Response:
    """Run one review function with a fresh change id and answer the ``ReviewResult``."""
    project_id, asset_id, variant_id = ids(request, "project_id", "asset_id", "variant_id")
    change_id = new_ulid()
    asset = await asyncio.to_thread(
        call, store_of(request), project_id, asset_id, variant_id, change_id=change_id, **kwargs
    )
    return reply(gallery.review_result(asset, variant_id, change_id=change_id))


@api(request=DecisionBody, response=ReviewResult)
async def post_decision(request: web.Request) -> web.Response:
    data = await body(request, DecisionBody)
    return await _review(request, decisions.decide, decision=data.decision, note=data.note, by=data.by)


@api(request=ReviewerBody, response=ReviewResult)
async def post_primary(request: web.Request) -> web.Response:
    data = await body(request, ReviewerBody)
    return await _review(request, decisions.set_primary, by=data.by)


@api(request=NoteBody, response=ReviewResult)
async def post_note(request: web.Request) -> web.Response:
    data = await body(request, NoteBody)
    return await _review(request, decisions.set_note, note=data.note, by=data.by)


@api(request=TagsBody, response=ReviewResult)
async def post_tags(request: web.Request) -> web.Response:
    data = await body(request, TagsBody)
    return await _review(
        request, decisions.set_tags, add=data.add, remove=data.remove, toggle=data.toggle, by=data.by
    )


@api(request=RatingBody, response=ReviewResult)
async def post_rating(request: web.Request) -> web.Response:
    data = await body(request, RatingBody)
    return await _review(request, decisions.set_rating, rating=data.rating, by=data.by)


@api(request=UndoBody, response=ReviewResult)
async def post_undo(request: web.Request) -> web.Response:
    data = await body(request, UndoBody)
    project_id, asset_id, variant_id = ids(request, "project_id", "asset_id", "variant_id")
    asset = await asyncio.to_thread(
        decisions.undo,
        store_of(request),
        project_id,
        asset_id,
        variant_id,
        change_id=data.change_id,
        by=data.by,
    )
    return reply(gallery.review_result(asset, variant_id))


@api(request=ReviewerBody, response=JobsStarted, status=201)
async def post_variant_bg_remove(request: web.Request) -> web.Response:
    await body(request, ReviewerBody)
    project_id, asset_id, variant_id = ids(request, "project_id", "asset_id", "variant_id")
    started = await asyncio.to_thread(
        reviewer_jobs.queue_bg_removal, store_of(request), project_id, asset_id, variant_ids=[variant_id]
    )
    return reply(started, status=201)


@api(request=BgRemoveBody, response=JobsStarted, status=201)
async def post_asset_bg_remove(request: web.Request) -> web.Response:
    data = await body(request, BgRemoveBody)
    project_id, asset_id = ids(request, "project_id", "asset_id")
    started = await asyncio.to_thread(
        reviewer_jobs.queue_bg_removal, store_of(request), project_id, asset_id, variant_ids=data.variant_ids
    )
    return reply(started, status=201)


@api(request=RegenerateBody, response=JobsStarted, status=201)
async def post_regenerate(request: web.Request) -> web.Response:
    data = await body(request, RegenerateBody)
    project_id, asset_id = ids(request, "project_id", "asset_id")
    seed = data.seed if data.seed is not None else secrets.randbelow(2**32)  # new seeds: chosen at the edge
    started = await asyncio.to_thread(
        reviewer_jobs.queue_regeneration,
        store_of(request),
        project_id,
        asset_id,
        seed=seed,
        variants=data.variants,
    )
    return reply(started, status=201)


@api(request=PackBody, response=JobsStarted, status=201)
async def post_pack(request: web.Request) -> web.Response:
    data = await body(request, PackBody)
    project_id, asset_id = ids(request, "project_id", "asset_id")
    started = await asyncio.to_thread(
        reviewer_jobs.queue_packing, store_of(request), project_id, asset_id, atlas_id=data.atlas_id
    )
    return reply(started, status=201)
