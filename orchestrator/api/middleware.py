"""The one error middleware (assetgen errors -> status + JSON body), the site guard and bearer-token auth.

Order in ``create_app``: errors (outermost), then the site guard (Host, Origin and simple-request
bodies, see ``assetgen.origins``), then the token. All three run on every route, so routes added
later are covered.
"""

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
from assetgen.origins import is_allowed_host, is_allowed_origin, is_extra_origin
from orchestrator.api.keys import SITE_POLICY, TOKEN

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


# Methods that may change state; everything else (GET, HEAD, OPTIONS) must not.
STATE_CHANGING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# The bodies a browser sends cross-site without a preflight. JSON routes never take the first two;
# multipart (uploads) needs proof that the page is ours: our Origin or the token.
SIMPLE_FORM_TYPES = frozenset({"text/plain", "application/x-www-form-urlencoded"})
MULTIPART = "multipart/form-data"
# Sec-Fetch-Site values of a request another site's page made. Browsers send no Origin on a GET that a
# page embeds (<img>, <script>) or sends in no-cors mode; this header still names its source, so such
# loads are refused (navigations, a person following a link, are not).
FOREIGN_FETCH_SITES = frozenset({"cross-site", "same-site"})
CORS_ALLOW_METHODS = "GET, HEAD, POST, PUT, PATCH, DELETE"
CORS_ALLOW_HEADERS = "Authorization, Content-Type"
CORS_MAX_AGE_S = 600


class RequestRefused(Exception):
    """A request refused before or while its body is read (403, 415, 421); mapped by the error middleware."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


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
    except RequestRefused as exc:
        return error_body(exc.status, exc.message)
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


def media_type(request: web.Request) -> str | None:
    """The Content-Type header's media type, lower case, or None when the request has none."""
    raw = request.headers.get("Content-Type")
    return raw.split(";", 1)[0].strip().lower() if raw is not None else None


def local_address(request: web.Request) -> str | None:
    """The address the connection arrived on (what a Host header may name besides localhost)."""
    sockname = request.transport.get_extra_info("sockname") if request.transport is not None else None
    return sockname[0] if isinstance(sockname, tuple) and sockname else None


def check_site(request: web.Request) -> None:
    """Refuse what a foreign web page could send: a foreign Host (421), a foreign Origin (403), an embedded
    load from another site (403), a simple text or form body on a state-changing method (415), a multipart
    upload without our Origin or a token (403)."""
    policy = request.app[SITE_POLICY]
    host = request.headers.get("Host")
    if not is_allowed_host(policy, host, local_address(request)):
        raise RequestRefused(
            421,
            f"the Host header {host!r} does not name this server; use its address or localhost, "
            "or start it with --allowed-host NAME",
        )
    origin = request.headers.get("Origin")
    if origin is not None and not is_allowed_origin(policy, origin, scheme=request.scheme, host=host):
        raise RequestRefused(
            403,
            f"cross-origin request from {origin!r} refused; start the server with --allow-origin to allow it",
        )
    fetch_site = request.headers.get("Sec-Fetch-Site", "").lower()
    if (
        origin is None
        and fetch_site in FOREIGN_FETCH_SITES
        and request.headers.get("Sec-Fetch-Mode", "").lower() != "navigate"
    ):
        raise RequestRefused(
            403,
            f"a {fetch_site} page may not embed or load from this server (an <img>, <script> or no-cors fetch)",
        )
    if request.method in STATE_CHANGING_METHODS:
        kind = media_type(request)
        if kind in SIMPLE_FORM_TYPES:
            raise RequestRefused(415, f"Content-Type {kind} is not accepted; send JSON as application/json")
        if kind == MULTIPART and origin is None and not request.app[TOKEN]:
            raise RequestRefused(
                403,
                "a multipart upload needs this server's Origin header (the gallery sends it) or the token",
            )


@web.middleware
async def site_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Host and Origin checks on every request (see ``check_site``); CORS preflights for allowed origins."""
    check_site(request)
    if request.method == "OPTIONS" and is_extra_origin(
        request.app[SITE_POLICY], request.headers.get("Origin")
    ):
        return web.Response(status=204)  # the CORS headers come from add_cors_headers
    return await handler(request)


async def add_cors_headers(request: web.Request, response: web.StreamResponse) -> None:
    """``on_response_prepare``: an origin allowed with --allow-origin may read answers and send JSON."""
    origin = request.headers.get("Origin")
    if not is_extra_origin(request.app[SITE_POLICY], origin):
        return
    response.headers["Access-Control-Allow-Origin"] = origin or ""
    response.headers["Vary"] = "Origin"
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = CORS_ALLOW_METHODS
        response.headers["Access-Control-Allow-Headers"] = CORS_ALLOW_HEADERS
        response.headers["Access-Control-Max-Age"] = str(CORS_MAX_AGE_S)


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
