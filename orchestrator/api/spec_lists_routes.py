"""Spec lists (wishlists): intake as JSON or multipart with reference files, list, read, refine."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import BodyPartReader, web
from aiohttp.http_exceptions import HttpProcessingError

from assetgen.errors import InvalidInput
from assetgen.models import SpecList
from assetgen.models.api import RefinementOutcomeBody, RefineRequest, SpecListList
from assetgen.models.spec_list import IntakeRequest
from assetgen.specs.intake import (
    MAX_REFERENCE_BYTES,
    MAX_REFERENCES,
    MAX_WISHLIST_BYTES,
    ReferenceFile,
    decode_wishlist,
    intake_request,
)
from assetgen.specs.refine import refine_spec_list
from orchestrator.api.bodies import json_body, parse_body, read_json
from orchestrator.api.keys import STORE
from orchestrator.api.openapi import api

BASE = "/api/projects/{project_id}/spec-lists"
FORM_FIELDS = ("text", "title", "author", "id", "links", "files")
MAX_FIELD_BYTES = 4096
CHUNK_BYTES = 64 * 1024
INTAKE_FORM = {
    "type": "object",
    "required": ["text"],
    "properties": {
        "text": {"type": "string", "description": "The wishlist (a field or a UTF-8 file, at most 1 MiB)."},
        "title": {"type": "string"},
        "author": {"type": "string"},
        "id": {"type": "string"},
        "links": {"type": "array", "items": {"type": "string"}},
        "files": {
            "type": "array",
            "items": {"type": "string", "contentMediaType": "application/octet-stream"},
            "description": f"Reference files (plain names, at most {MAX_REFERENCES}, 10 MiB each).",
        },
    },
}


def register(app: web.Application) -> None:
    app.router.add_get(BASE, list_spec_lists)
    app.router.add_post(BASE, create_spec_list)
    app.router.add_get(f"{BASE}/{{spec_list_id}}", get_spec_list)
    app.router.add_post(f"{BASE}/{{spec_list_id}}/refine", refine)


@api(response=SpecListList)
async def list_spec_lists(request: web.Request) -> web.Response:
    """List the project's spec lists (wishlists)."""
    store = request.app[STORE]
    records = await asyncio.to_thread(
        lambda: list(store.iter_records(request.match_info["project_id"], "spec-lists"))
    )
    return json_body({"specLists": [r.model_dump(mode="json") for r in records]})


@api(response=SpecList)
async def get_spec_list(request: web.Request) -> web.Response:
    """Read one spec list with its refinement report."""
    store = request.app[STORE]
    return json_body(
        store.read(request.match_info["project_id"], "spec-lists", request.match_info["spec_list_id"])
    )


@api(request=IntakeRequest, response=SpecList, status=201, form=INTAKE_FORM)
async def create_spec_list(request: web.Request) -> web.Response:
    """Store a wishlist verbatim (JSON, or multipart with reference files) as a draft spec list."""
    if request.content_type == "multipart/form-data":
        body, files = await read_intake_form(request)
    else:
        body, files = await read_json(request), []
    spec_list = await asyncio.to_thread(
        intake_request, request.app[STORE], request.match_info["project_id"], body, files=files
    )
    return json_body(spec_list, status=201)


@api(request=RefineRequest, response=RefinementOutcomeBody)
async def refine(request: web.Request) -> web.Response:
    """Refine a spec list into AssetSpecs (``force`` overwrites specs edited by hand)."""
    body = await parse_body(request, RefineRequest, optional=True)
    outcome = await asyncio.to_thread(
        refine_spec_list,
        request.app[STORE],
        request.match_info["project_id"],
        request.match_info["spec_list_id"],
        force=body.force,
        apply_context=body.apply_context,
    )
    return json_body(outcome.as_dict())


async def read_intake_form(request: web.Request) -> tuple[dict[str, Any], list[ReferenceFile]]:
    """An intake body and its reference files from a multipart form; sizes are checked while reading."""
    try:
        return await _read_intake_form(request)
    except (ValueError, HttpProcessingError) as exc:  # no boundary, broken part headers ...
        raise InvalidInput(f"malformed multipart form: {' '.join(str(exc).split())}") from exc


async def _read_intake_form(request: web.Request) -> tuple[dict[str, Any], list[ReferenceFile]]:
    body: dict[str, Any] = {"links": []}
    files: list[ReferenceFile] = []
    reader = await request.multipart()
    count = 0
    while (part := await reader.next()) is not None:
        count += 1
        if count > MAX_REFERENCES * 2 + 5:
            raise InvalidInput("too many form fields; attach at most 20 references")
        if not isinstance(part, BodyPartReader) or part.name not in FORM_FIELDS:
            name = getattr(part, "name", None)
            raise InvalidInput(f"unknown form field {name!r}; use one of {list(FORM_FIELDS)}")
        if part.name == "files":
            data = await _read_part(part, MAX_REFERENCE_BYTES, what=f"reference file {part.filename!r}")
            files.append(ReferenceFile(name=part.filename or "", data=data))
        elif part.name == "text":
            body["text"] = decode_wishlist(await _read_part(part, MAX_WISHLIST_BYTES, what="wishlist"))
        else:
            value = _decode_field(await _read_part(part, MAX_FIELD_BYTES, what=part.name), part.name)
            if part.name == "links":
                body["links"].append(value)
            elif part.name in body:
                raise InvalidInput(f"form field {part.name!r} is given more than once")
            else:
                body[part.name] = value
    return body, files


async def _read_part(part: BodyPartReader, limit: int, *, what: str) -> bytes:
    chunks, size = [], 0
    while chunk := await part.read_chunk(CHUNK_BYTES):
        size += len(chunk)
        if size > limit:
            raise InvalidInput(f"{what} is larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _decode_field(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"form field {name!r} is not UTF-8 text") from exc
