"""Drive ComfyUI's own graph editor in Debian's Chromium (Playwright): load UI workflows, convert, queue.

Used by the UI-template tool and the browser tests. Nothing leaves the machine: every request that
is not to 127.0.0.1/localhost is aborted (the frontend calls an external releases API at load).
"""

from __future__ import annotations

import json
import os
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from assetgen.errors import BackendUnavailable

CHROMIUM = Path(os.environ.get("ASSETGEN_CHROMIUM", "/usr/lib/chromium/chromium"))
INSTALL_HINT = (
    "install Debian's Chromium and Playwright with `make setup` (apt package chromium; pip playwright)"
)


def mark_tutorial_completed(base_url: str) -> None:
    """A fresh ComfyUI user gets a full-screen templates dialog; this setting skips it."""
    request = urllib.request.Request(
        f"{base_url}/settings",
        data=json.dumps({"Comfy.TutorialCompleted": True}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    urllib.request.urlopen(request, timeout=10).read()


def _is_local(url: str) -> bool:
    host = url.split("://", 1)[-1].split("/", 1)[0].rsplit(":", 1)[0].strip("[]")
    return url.startswith(("data:", "blob:", "about:")) or host in ("127.0.0.1", "localhost", "::1")


@contextmanager
def comfy_page(base_url: str, *, viewport: tuple[int, int] = (1280, 800)) -> Iterator[Any]:
    """A Playwright page on ComfyUI's editor, ready (``window.app.graph`` and canvas exist)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        raise BackendUnavailable(f"Playwright is not installed: {INSTALL_HINT}") from exc
    if not CHROMIUM.is_file():
        raise BackendUnavailable(f"no Chromium at {CHROMIUM}: {INSTALL_HINT}")
    mark_tutorial_completed(base_url)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
            context.route(
                "**/*", lambda route: route.continue_() if _is_local(route.request.url) else route.abort()
            )
            context.add_init_script("localStorage.setItem('vueNodesBannerDismissed', 'true')")
            page = context.new_page()
            page.goto(base_url)
            page.wait_for_function(
                "() => window.app && window.app.graph && window.app.canvas", timeout=60_000
            )
            yield page
        finally:
            browser.close()


def api_to_ui_workflow(page: Any, api_prompt: dict[str, Any], name: str) -> dict[str, Any]:
    """Let the editor itself turn an API-format prompt into a UI-format workflow."""
    return page.evaluate(
        """async ([api, name]) => {
            await window.app.loadApiJson(api, name);
            window.app.graph.arrange?.();
            return window.app.graph.serialize();
        }""",
        [api_prompt, name],
    )


def ui_to_api_prompt(page: Any, ui_workflow: dict[str, Any]) -> dict[str, Any]:
    """Load a UI-format workflow in the editor and return what it would queue (API format)."""
    return page.evaluate(
        """async (wf) => {
            await window.app.loadGraphData(wf);
            const result = await window.app.graphToPrompt();
            return result.output;
        }""",
        ui_workflow,
    )
