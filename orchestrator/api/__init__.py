"""The aiohttp application: REST API, review gallery and (optionally) the job worker.

``create_app(settings)`` is the composition root: it builds the store, registers every route module
listed in ``ROUTE_MODULES`` (each has ``register(app: web.Application) -> None``), installs the error,
site (Host/Origin, see ``assetgen.origins``) and auth middlewares and, when ``run_worker`` is set,
runs the job worker as a cleanup context.
Nothing lives at module level: state is in ``app[...]`` under typed ``AppKey``s.
"""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import AsyncIterator

from aiohttp import web

from assetgen.origins import SitePolicy
from assetgen.settings import Settings
from assetgen.store import ProjectStore
from orchestrator.api.keys import SETTINGS, SHUTDOWN, SITE_POLICY, STORE, TOKEN
from orchestrator.api.middleware import add_cors_headers, auth_middleware, error_middleware, site_middleware

# Route modules, each with register(app). A new area of the API is a module plus a line here.
ROUTE_MODULES = (
    "orchestrator.api.projects_routes",
    "orchestrator.api.spec_lists_routes",
    "orchestrator.api.specs_routes",
    "orchestrator.api.checkpoints_routes",
    "orchestrator.api.jobs_routes",
    "orchestrator.api.autopilot_routes",
    "orchestrator.api.exceptions_routes",
    "orchestrator.api.assets_routes",
    "orchestrator.api.pixelate_routes",
    "orchestrator.api.files_routes",
    "orchestrator.api.gallery_routes",
    "orchestrator.api.openapi_routes",
)
MAX_BODY_BYTES = 32 * 2**20


def create_app(
    settings: Settings,
    *,
    token: str | None = None,
    run_worker: bool = False,
    site_policy: SitePolicy | None = None,
) -> web.Application:
    """Build the application for ``settings``; ``token`` (when set) is required as ``Authorization: Bearer``.

    ``site_policy`` adds Host names and origins to the built-in ones (the bound address, localhost and
    the server's own origin); every other Host is refused with 421 and every other Origin with 403.
    """
    app = web.Application(
        middlewares=[error_middleware, site_middleware, auth_middleware], client_max_size=MAX_BODY_BYTES
    )
    app[SETTINGS] = settings
    app[STORE] = ProjectStore(settings.data_dir)
    app[TOKEN] = token
    app[SITE_POLICY] = site_policy or SitePolicy()
    app.on_response_prepare.append(add_cors_headers)
    app[SHUTDOWN] = asyncio.Event()
    app.on_shutdown.append(_signal_shutdown)
    for name in ROUTE_MODULES:
        importlib.import_module(name).register(app)
    if run_worker:
        app.cleanup_ctx.append(_worker_context)
    return app


async def _signal_shutdown(app: web.Application) -> None:
    app[SHUTDOWN].set()


async def _worker_context(app: web.Application) -> AsyncIterator[None]:
    from orchestrator.worker import Worker

    stop = asyncio.Event()
    worker = Worker(app[SETTINGS])
    task = asyncio.create_task(worker.run(stop))
    yield
    stop.set()
    await task
