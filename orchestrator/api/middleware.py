"""The one error middleware (assetgen errors -> status + JSON body) and bearer-token auth."""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from assetgen.errors import (
    AssetgenError,
    BackendUnavailable,
    ComfyExecutionError,
    Conflict,
    ExportFailed,
    InvalidInput,
    NotFound,
    StorageError,
)
from orchestrator.api.keys import TOKEN

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

STATUS_BY_ERROR: tuple[tuple[type[AssetgenError], int], ...] = (
    (NotFound, 404),
    (InvalidInput, 400),
    (Conflict, 409),
    (BackendUnavailable, 503),
    (ComfyExecutionError, 502),
    (ExportFailed, 500),
    (StorageError, 507),
)


def error_body(status: int, message: str, **extra: object) -> web.Response:
    return web.json_response({"error": {"status": status, "message": message, **extra}}, status=status)


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every error is a JSON body with a status: assetgen errors by class, HTTP errors as they are."""
    try:
        return await handler(request)
    except AssetgenError as exc:
        status = next((code for cls, code in STATUS_BY_ERROR if isinstance(exc, cls)), 500)
        extra = {"nodeErrors": exc.node_errors} if isinstance(exc, ComfyExecutionError) else {}
        return error_body(status, " ".join(str(exc).split()), type=type(exc).__name__, **extra)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return error_body(exc.status, exc.reason or "error")
    except json.JSONDecodeError as exc:
        return error_body(400, f"request body is not valid JSON: {exc.msg} at line {exc.lineno}")
    except Exception:
        log.exception("unhandled error in %s %s", request.method, request.path)
        return error_body(500, "internal error; see the server log")


PUBLIC_PATHS = frozenset({"/", "/gallery", "/gallery/"})
PUBLIC_PREFIX = "/gallery/"


def is_public_path(path: str) -> bool:
    """The gallery page and its scripts/styles: served without a token (every API call needs one)."""
    return path in PUBLIC_PATHS or (path.startswith(PUBLIC_PREFIX) and "/" not in path[len(PUBLIC_PREFIX) :])


@web.middleware
async def auth_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """With a configured token, every request needs ``Authorization: Bearer <token>`` (or ``?token=``).

    Exempt: the gallery's static shell (``/``, ``/gallery/...``), which holds no data."""
    token = request.app[TOKEN]
    if token and not is_public_path(request.path):
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip() or request.query.get(
            "token", ""
        )
        if not hmac.compare_digest(given.encode(), token.encode()):
            return error_body(401, "missing or wrong bearer token")
    return await handler(request)
