"""Real atlas consumers in Debian's headless Chromium: PixiJS v8 and Phaser from tools/js/node_modules.

Everything is served from a local ``http.server`` on 127.0.0.1; every other request is aborted.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import ClassVar

import pytest

from assetgen.settings import REPO_DIR

CHROMIUM = Path("/usr/lib/chromium/chromium")
JS_MODULES = REPO_DIR / "tools" / "js" / "node_modules"
PIXI_ESM = JS_MODULES / "pixi.js" / "dist" / "pixi.min.mjs"
PHASER_JS = JS_MODULES / "phaser" / "dist" / "phaser.min.js"


def require_clients() -> None:
    """Fail (never skip) with the install command when a client is missing."""
    if not CHROMIUM.exists():
        pytest.fail("Debian's Chromium is missing: run `make system-deps` (apt-get install chromium)")
    if not PIXI_ESM.exists() or not PHASER_JS.exists():
        pytest.fail("PixiJS/Phaser are missing: run `make setup` (tools/setup_js.sh: npm ci in tools/js)")
    try:
        import playwright  # noqa: F401
    except ImportError:
        pytest.fail("playwright is missing: run `make venv` (pip install -e '.[dev]')")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map: ClassVar[dict[str, str]] = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".mjs": "text/javascript",
    }

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve ``folder`` on 127.0.0.1 (a free port); yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def copy_clients(folder: Path) -> None:
    """Put the PixiJS ESM build and Phaser beside the test pages."""
    shutil.copy(PIXI_ESM, folder / "pixi.min.mjs")
    shutil.copy(PHASER_JS, folder / "phaser.min.js")


@contextmanager
def browser_page(base_url: str) -> Iterator[object]:
    """A Chromium page whose non-loopback requests are aborted; console errors are collected on ``page.errors``."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--use-gl=swiftshader"])
        try:
            context = browser.new_context(viewport={"width": 320, "height": 240})

            def guard(route) -> None:
                url = route.request.url
                if url.startswith(("http://127.0.0.1", "http://localhost", "data:", "blob:")):
                    route.continue_()
                else:
                    route.abort()

            context.route("**/*", guard)
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
            page.errors = errors  # type: ignore[attr-defined]
            yield page
        finally:
            browser.close()
