"""ComfyUI's own editor in Debian's Chromium: the UI templates load, equal their API twins, and run; the
node pack's templates appear in the Templates dialog."""

from __future__ import annotations

import json
import time
import urllib.request
from itertools import combinations
from pathlib import Path

import pytest

from assetgen.generation.workflows import WORKFLOWS_DIR, list_templates, load_template
from tools.comfy_browser import comfy_page, ui_to_api_prompt

pytestmark = [pytest.mark.comfy, pytest.mark.browser]


def strip(prompt: dict) -> dict:
    """Node id -> (class, title, inputs): what both formats must agree on."""
    return {
        nid: (n["class_type"], (n.get("_meta") or {}).get("title"), n["inputs"]) for nid, n in prompt.items()
    }


def test_ui_and_api_templates_describe_the_same_graph(comfy_env) -> None:
    _, state = comfy_env
    with comfy_page(state.url) as page:
        for template_id in list_templates():
            ui = json.loads((WORKFLOWS_DIR / "ui" / f"{template_id}.json").read_text())
            assert strip(ui_to_api_prompt(page, ui)) == strip(load_template(template_id)), template_id


def test_a_template_loads_and_queues_in_the_editor(comfy_env, artifacts_dir: Path) -> None:
    _, state = comfy_env
    ui = json.loads((WORKFLOWS_DIR / "ui" / "txt2img.json").read_text())
    with comfy_page(state.url) as page:
        page.evaluate("async (wf) => { await window.app.loadGraphData(wf); }", ui)
        titles = page.evaluate("() => window.app.graph._nodes.map(n => n.title)")
        assert {"AssetGen Spec", "LoRA Policy", "Save Variants"} <= set(titles)
        page.wait_for_timeout(300)
        assert "Invalid workflow" not in page.content(), "the editor refused the template file"
        page.screenshot(path=str(artifacts_dir / "txt2img-in-editor.png"))
        result = page.evaluate(
            "async () => await window.app.api.queuePrompt(0, await window.app.graphToPrompt())"
        )
        assert result.get("prompt_id") and not result.get("node_errors"), result
        prompt_id = result["prompt_id"]
        deadline = time.monotonic() + 120
        entry = None
        while time.monotonic() < deadline and entry is None:
            with urllib.request.urlopen(f"{state.url}/history/{prompt_id}") as response:
                entry = json.load(response).get(prompt_id)
            time.sleep(0.5)
        assert entry is not None and entry["status"]["status_str"] == "success", entry
        saved = entry["outputs"]["9"]
        assert saved["images"] and saved["assetgen"][0]["specId"] == "potion_icon"
        page.wait_for_timeout(500)
        page.screenshot(path=str(artifacts_dir / "txt2img-after-run.png"))


GEOMETRY = """() => {
  const g = window.app.graph;
  const nodes = g._nodes.map(n => ({ id: n.id, type: n.type, title: n.title, box: Array.from(n.getBounding()),
                                     text: n.type === 'Note' ? n.widgets[0].value : null }));
  const raw = g.links instanceof Map ? [...g.links.values()] : Object.values(g.links);
  return { nodes, links: raw.filter(Boolean).map(l => [l.origin_id, l.target_id]) };
}"""


def test_the_templates_dialog_lists_the_pack_and_loads_one(comfy_env, artifacts_dir: Path) -> None:
    """ComfyUI's Templates dialog shows example_workflows/; the loaded one has its Note and a clean layout."""
    _, state = comfy_env
    with urllib.request.urlopen(f"{state.url}/api/workflow_templates") as response:
        listed = json.load(response)
    assert sorted(listed["assetgen"]) == sorted(list_templates())
    with comfy_page(state.url) as page:
        page.evaluate(
            "async () => await window.app.extensionManager.command.execute('Comfy.BrowseTemplates')"
        )
        dialog = page.get_by_role("dialog")
        dialog.get_by_text("assetgen", exact=True).click()
        page.screenshot(path=str(artifacts_dir / "templates-dialog.png"))
        dialog.get_by_text("txt2img", exact=True).first.click()
        page.wait_for_function("() => window.app.graph._nodes.some((n) => n.type === 'Note')", timeout=30_000)
        geometry = page.evaluate(GEOMETRY)
        page.evaluate("() => window.app.canvas.ds.scale = 0.45")
        page.evaluate("() => window.app.canvas.setDirty(true, true)")
        page.screenshot(path=str(artifacts_dir / "template-loaded.png"))
    titles = {n["title"] for n in geometry["nodes"]}
    assert {"AssetGen Spec", "LoRA Policy", "Positive", "Save Variants", "About this template"} <= titles
    (note,) = [n for n in geometry["nodes"] if n["type"] == "Note"]
    assert note["text"].startswith("assetgen template: txt2img\n") and "spec_id" in note["text"]
    # the editor's own boxes (title bar included): none overlaps another, every wire runs left to right
    boxes = {n["id"]: n["box"] for n in geometry["nodes"]}
    for a, b in combinations(geometry["nodes"], 2):
        (ax, ay, aw, ah), (bx, by, bw, bh) = a["box"], b["box"]
        assert ax + aw <= bx or bx + bw <= ax or ay + ah <= by or by + bh <= ay, (a["title"], b["title"])
    assert geometry["links"]
    for origin, target in geometry["links"]:
        assert boxes[origin][0] + boxes[origin][2] < boxes[target][0], (origin, target)
