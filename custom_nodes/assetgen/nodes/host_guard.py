"""A Host check for the managed ComfyUI's server: DNS-rebinding pages get 421.

ComfyUI 0.3.75 refuses a cross-origin request on loopback by comparing Host and Origin, but a
rebinding page sends its own name in both (``evil.example:8188``), so it passes and could queue
prompts and read outputs. When ``orchestrator/comfy_process.py`` starts ComfyUI it sets
``ASSETGEN_COMFYUI_HOST_GUARD=1``; the node pack's entry point then puts this middleware in front of
ComfyUI's own, with the API's rule (``assetgen.origins``): Host must name the address the connection
arrived on or localhost. Installed before ComfyUI starts serving (its app is not frozen yet).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from assetgen.origins import COMFYUI_HOST_GUARD_ENV, SitePolicy, is_allowed_host

log = logging.getLogger(__name__)
NO_EXTRAS = SitePolicy()


def is_guard_wanted(env: Mapping[str, str]) -> bool:
    """True in the managed ComfyUI (the variable is set to 1 by our start command)."""
    return env.get(COMFYUI_HOST_GUARD_ENV) == "1"


def make_host_guard() -> Any:
    """The aiohttp middleware: 421 with a JSON error unless Host names our address or localhost."""
    from aiohttp import web

    @web.middleware
    async def assetgen_host_guard(request: web.Request, handler: Any) -> web.StreamResponse:
        sockname = request.transport.get_extra_info("sockname") if request.transport is not None else None
        local = sockname[0] if isinstance(sockname, tuple) and sockname else None
        host = request.headers.get("Host")
        if not is_allowed_host(NO_EXTRAS, host, local):
            log.warning("refused a request for Host %r (a DNS-rebinding page?): %s", host, request.path)
            message = f"the Host header {host!r} does not name this ComfyUI; use 127.0.0.1 or localhost"
            return web.json_response({"error": {"status": 421, "message": message}}, status=421)
        return await handler(request)

    return assetgen_host_guard


def install_host_guard(app: Any) -> bool:
    """Put the guard first in ``app``'s middlewares (once); False when it was already there."""
    if any(getattr(m, "__name__", "") == "assetgen_host_guard" for m in app.middlewares):
        return False
    app.middlewares.insert(0, make_host_guard())
    return True


def install_in_comfyui(env: Mapping[str, str]) -> bool:
    """In the managed ComfyUI, add the guard to the running PromptServer; True when it was added."""
    if not is_guard_wanted(env):
        return False
    from server import PromptServer  # ComfyUI's own module: only importable inside ComfyUI

    added = install_host_guard(PromptServer.instance.app)
    if added:
        log.info("assetgen: Host guard installed on the managed ComfyUI")
    return added
