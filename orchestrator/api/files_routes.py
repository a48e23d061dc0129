"""GET /files/<stored path>: originals, previews, alpha images and atlases from the data root.

Only paths under ``projects/<projectId>/files/`` are served (records have their own routes); the
store's ``resolve`` refuses anything that leaves the data root. Responses carry an ETag and
Last-Modified (conditional requests answer 304) and a short private cache lifetime, because
re-running a job rewrites a file under the same name.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from aiohttp import web

from assetgen.errors import InvalidInput, NotFound
from assetgen.ids import validate_id
from orchestrator.api.keys import STORE

CACHE_CONTROL = "private, max-age=60, must-revalidate"
CONTENT_TYPES = {
    ".png": "image/png",
    ".webp": "image/webp",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".json": "application/json",
    ".tres": "text/plain; charset=utf-8",
    ".meta": "text/plain; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}


def register(app: web.Application) -> None:
    app.router.add_get("/files/{path:.+}", get_file)


async def get_file(request: web.Request) -> web.StreamResponse:
    stored = request.match_info["path"]
    parts = PurePosixPath(stored).parts
    if len(parts) < 4 or parts[0] != "projects" or parts[2] != "files":
        raise InvalidInput(f"{stored!r} is not a project file; use projects/<projectId>/files/...")
    validate_id(parts[1], what="project id")
    path = request.app[STORE].resolve(stored)
    if not path.is_file():
        raise NotFound(f"no file {stored!r} in the data root")
    response = web.FileResponse(path, headers={"Cache-Control": CACHE_CONTROL})
    kind = CONTENT_TYPES.get(path.suffix.lower())
    if kind:
        response.content_type = kind.split(";")[0]
    return response
