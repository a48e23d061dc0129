"""Reading request bodies and queries into models, and writing models as JSON responses.

Every failure is an ``InvalidInput`` (400 through the error middleware) that says what was wrong, except
a body that is not declared as JSON: 415, so that no body a browser can send cross-site without asking
(text/plain, a form) is ever read as JSON.
"""

from __future__ import annotations

import json
from typing import Any, TypeVar

from aiohttp import web
from pydantic import BaseModel

from assetgen.errors import InvalidInput
from assetgen.models.base import parse_model
from orchestrator.api.middleware import RequestRefused, media_type

M = TypeVar("M", bound=BaseModel)


def is_json_media_type(kind: str) -> bool:
    """True for ``application/json`` and structured ``+json`` types (``application/merge-patch+json``)."""
    return kind == "application/json" or (kind.startswith("application/") and kind.endswith("+json"))


def require_json_content_type(request: web.Request) -> None:
    """415 when the request has a body that is not declared as JSON (no body: nothing to refuse)."""
    kind = media_type(request)
    if request.body_exists and (kind is None or not is_json_media_type(kind)):
        raise RequestRefused(
            415, f"this route takes a JSON body sent as application/json, not {kind or 'an undeclared type'}"
        )


async def read_json(request: web.Request, *, optional: bool = False) -> Any:
    """The body as JSON; an empty body is ``{}`` when ``optional``. Bad UTF-8 or JSON is InvalidInput.

    A body not sent as ``application/json`` (or ``+json``) is refused with 415 before it is read."""
    require_json_content_type(request)
    raw = await request.read()
    if optional and not raw.strip():
        return {}
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"request body is not UTF-8 (bad byte at offset {exc.start})") from exc
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            f"request body is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from exc


async def read_json_object(request: web.Request, *, optional: bool = False) -> dict[str, Any]:
    """The body as a JSON object (400 otherwise)."""
    data = await read_json(request, optional=optional)
    if not isinstance(data, dict):
        raise InvalidInput(f"request body must be a JSON object, got {type(data).__name__}")
    return data


async def parse_body(request: web.Request, model: type[M], *, optional: bool = False) -> M:
    """The body validated as ``model`` (an empty body counts as ``{}`` when ``optional``)."""
    return parse_model(model, await read_json_object(request, optional=optional), where="request body")


def parse_query(request: web.Request, model: type[M]) -> M:
    """The query string validated as ``model``; a repeated or unknown parameter is refused."""
    query = request.query
    known = {field.alias or name for name, field in model.model_fields.items()}
    for key in query:
        if key not in known and key != "token":
            raise InvalidInput(f"unknown query parameter {key!r}; use one of {sorted(known)}")
        if len(query.getall(key)) > 1:
            raise InvalidInput(f"query parameter {key!r} is given more than once")
    return parse_model(model, {k: v for k, v in query.items() if k != "token"}, where="query")


def json_body(data: BaseModel | dict[str, Any] | list[Any], *, status: int = 200) -> web.Response:
    """A JSON response from a model (by alias, unset optionals left out) or plain JSON data."""
    if isinstance(data, BaseModel):
        data = data.model_dump(mode="json")
    return web.json_response(data, status=status)
