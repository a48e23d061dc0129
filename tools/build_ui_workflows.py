"""Regenerate workflows/ui/*.json from workflows/api/*.json with ComfyUI's own editor (Chromium).

    .venv/bin/python tools/build_ui_workflows.py

Starts the managed ComfyUI on a scratch data root (or uses COMFYUI_URL), loads each API template
into the editor with ``app.loadApiJson`` and saves ``app.graph.serialize()``: the UI files are what
the graph editor itself writes. The browser test checks both files still describe the same graph.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from comfy_browser import api_to_ui_workflow, comfy_page

from assetgen.generation.workflows import WORKFLOWS_DIR, list_templates, load_template
from assetgen.settings import Settings
from orchestrator import comfy_process


def drop_nulls(value):
    """Playwright turns the editor's ``undefined`` into null, which the editor's own schema refuses on load;
    drop those keys (an output's ``links: null`` is valid and kept)."""
    if isinstance(value, dict):
        return {k: drop_nulls(v) for k, v in value.items() if v is not None or k == "links"}
    if isinstance(value, list):
        return [drop_nulls(v) for v in value]
    return value


def fix_seed_controls(ui: dict) -> None:
    """A fixed-seed template must not re-roll its seed after each queue ("randomize" -> "fixed")."""
    for node in ui["nodes"]:
        values = node.get("widgets_values") or []
        node["widgets_values"] = ["fixed" if value == "randomize" else value for value in values]


def main() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        settings = Settings.from_env(data_dir=Path(scratch))
        state = comfy_process.start(settings)
        try:
            with comfy_page(state.url) as page:
                for template_id in list_templates():
                    ui = drop_nulls(api_to_ui_workflow(page, load_template(template_id), template_id))
                    if "fixed_seed" in template_id:
                        fix_seed_controls(ui)
                    target = WORKFLOWS_DIR / "ui" / f"{template_id}.json"
                    target.write_text(json.dumps(ui, indent=2) + "\n")
                    print(f"wrote {target} ({len(ui['nodes'])} nodes, {len(ui['links'])} links)")
        finally:
            comfy_process.stop(settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
