"""The OpenAPI 3.1 document, generated from the app's routes and the pydantic models they declare.

Convention for every handler: decorate it with ``@api(request=Model, response=Model)`` (both
optional) to name its JSON contracts; the summary is the first line of its docstring, path
parameters come from the route, query parameters from ``query=Model``. Handlers without ``@api``
are listed too, just without schemas.

    @api(request=JobRequest, response=Job, status=201)
    async def create_job(request: web.Request) -> web.Response:
        \"\"\"Queue a job.\"\"\"
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from aiohttp import web
from pydantic import BaseModel

from assetgen.ids import ID_PATTERN
from assetgen.models.api import ErrorBody

F = TypeVar("F", bound=Callable[..., Any])
OPENAPI_VERSION = "3.1.0"
JSON = "application/json"
HTTP_REASONS = {200: "OK", 201: "Created", 202: "Accepted", 204: "No Content", 302: "Found"}
# Answers of the site guard (middleware.check_site), on every operation or on those that change state.
REFUSALS = {
    "403": "Forbidden: an Origin header that is not this server's own origin or an --allow-origin one, "
    "or a multipart upload with neither this server's Origin nor the token",
    "421": "Misdirected Request: the Host header names neither this server's address, localhost, "
    "nor an --allowed-host name (a DNS-rebinding page)",
}
BODY_REFUSAL = {
    "415": "Unsupported Media Type: a body that is not sent as application/json (text/plain and "
    "URL-encoded forms are refused on every state-changing route)"
}
STATE_CHANGING = frozenset({"post", "put", "patch", "delete"})
_PATH_PARAM = re.compile(r"\{([^}:]+)(?::[^}]*)?\}")


def api(
    *,
    request: type[BaseModel] | None = None,
    response: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    status: int = 200,
    media_type: str = JSON,
    form: Mapping[str, Any] | None = None,
) -> Callable[[F], F]:
    """Mark a handler with its contracts: request/response bodies, query model, success status, media type.

    ``form`` is an extra ``multipart/form-data`` request schema (plain JSON Schema) for upload handlers.
    """

    def mark(handler: F) -> F:
        handler.__api__ = {  # type: ignore[attr-defined]
            "request": request,
            "response": response,
            "query": query,
            "status": status,
            "media_type": media_type,
            "form": dict(form) if form else None,
        }
        return handler

    return mark


def _summary(handler: Callable[..., Any]) -> str:
    doc = (handler.__doc__ or "").strip()
    return doc.splitlines()[0].strip() if doc else handler.__name__.replace("_", " ")


def _api_routes(app: web.Application) -> Iterable[tuple[str, str, Callable[..., Any]]]:
    """(path, method, handler) of every route, HEAD and wildcard methods left out."""
    for route in app.router.routes():
        if route.method in ("HEAD", "*") or route.resource is None:
            continue
        yield route.resource.canonical, route.method.lower(), route.handler


def _path_schema(name: str) -> dict[str, Any]:
    """Parameters named ``*_id`` carry the store's id rule; others are plain strings."""
    if name.endswith("_id"):
        return {"type": "string", "pattern": ID_PATTERN.pattern}
    return {"type": "string"}


def _query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    schema = model.model_json_schema(by_alias=True, ref_template="#/components/schemas/{model}")
    required = set(schema.get("required", []))
    return [
        {"name": name, "in": "query", "required": name in required, "schema": prop}
        for name, prop in schema.get("properties", {}).items()
    ]


def _collect_models(metas: Iterable[Mapping[str, Any]]) -> list[type[BaseModel]]:
    models: dict[str, type[BaseModel]] = {}
    for meta in metas:
        for key in ("request", "response"):
            model = meta.get(key)
            if model is not None:
                models[f"{model.__module__}.{model.__qualname__}"] = model
    models["ErrorBody"] = ErrorBody
    return [models[k] for k in sorted(models)]


def build_openapi(
    app: web.Application, *, title: str = "assetgen API", version: str = "0.1.0", has_token: bool = False
) -> dict[str, Any]:
    """The OpenAPI 3.1 document of ``app``'s routes (schemas in ``components.schemas``)."""
    from pydantic.json_schema import models_json_schema

    routes = list(_api_routes(app))
    metas = [getattr(handler, "__api__", {}) for _, _, handler in routes]
    models = _collect_models(metas)
    refs, defs = models_json_schema(
        [(m, "validation") for m in models], by_alias=True, ref_template="#/components/schemas/{model}"
    )
    error_ref = refs[(ErrorBody, "validation")]
    names = [handler.__name__ for _, _, handler in routes]
    paths: dict[str, dict[str, Any]] = {}
    used_ids: set[str] = set()
    for (path, method, handler), meta in zip(routes, metas, strict=True):
        operation_id = (
            handler.__name__
            if names.count(handler.__name__) == 1
            else f"{handler.__module__.rsplit('.', 1)[-1]}_{handler.__name__}"
        )
        if operation_id in used_ids:  # one handler on several paths (a redirect, say)
            operation_id += "_" + (re.sub(r"[^A-Za-z0-9]+", "_", path).strip("_") or "root")
        used_ids.add(operation_id)
        operation: dict[str, Any] = {
            "summary": _summary(handler),
            "operationId": operation_id,
            "tags": [handler.__module__.rsplit(".", 1)[-1].removesuffix("_routes")],
        }
        parameters = [
            {"name": name, "in": "path", "required": True, "schema": _path_schema(name)}
            for name in _PATH_PARAM.findall(path)
        ]
        if meta.get("query") is not None:
            parameters += _query_parameters(meta["query"])
        if parameters:
            operation["parameters"] = parameters
        content: dict[str, Any] = {}
        if meta.get("request") is not None:
            content[JSON] = {"schema": refs[(meta["request"], "validation")]}
        if meta.get("form"):
            content["multipart/form-data"] = {"schema": meta["form"]}
        if content:
            operation["requestBody"] = {"required": True, "content": content}
        success: dict[str, Any] = {"description": HTTP_REASONS.get(meta.get("status", 200), "success")}
        if meta.get("response") is not None:
            success["content"] = {
                meta.get("media_type", JSON): {"schema": refs[(meta["response"], "validation")]}
            }
        refusals = {**REFUSALS, **(BODY_REFUSAL if method in STATE_CHANGING else {})}
        if has_token:
            refusals["401"] = "Unauthorized: a missing or wrong bearer token"
        operation["responses"] = {
            str(meta.get("status", 200)): success,
            **{
                code: {"description": text, "content": {JSON: {"schema": error_ref}}}
                for code, text in sorted(refusals.items())
            },
            "default": {"description": "error", "content": {JSON: {"schema": error_ref}}},
        }
        paths.setdefault(path, {})[method] = operation
    document: dict[str, Any] = {
        "openapi": OPENAPI_VERSION,
        "info": {"title": title, "version": version},
        "paths": dict(sorted(paths.items())),
        "components": {"schemas": defs.get("$defs", {})},
    }
    if has_token:
        document["components"]["securitySchemes"] = {"bearerAuth": {"type": "http", "scheme": "bearer"}}
        document["security"] = [{"bearerAuth": []}]
    return document
