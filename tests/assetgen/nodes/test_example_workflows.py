"""The node pack's ComfyUI templates (example_workflows/): current, documented, readable.

They are generated from workflows/ui by tools/build_example_workflows.py; after a change there, rerun it.
"""

from __future__ import annotations

import json
from itertools import combinations

import pytest

from assetgen.settings import REPO_DIR
from tools.build_example_workflows import (
    INPUT_HINTS,
    OUT_DIR,
    TITLE_HEIGHT_PX,
    UI_DIR,
    build_all,
    build_example,
)

TEMPLATES = sorted(p.stem for p in UI_DIR.glob("*.json"))


def test_every_ui_template_ships_in_the_pack_exactly_as_generated() -> None:
    wanted = build_all()
    assert (
        sorted(p.name for p in OUT_DIR.glob("*.json")) == sorted(wanted) == [f"{t}.json" for t in TEMPLATES]
    )
    for name, data in wanted.items():
        assert (OUT_DIR / name).read_bytes() == data, f"{name} is stale: run tools/build_example_workflows.py"
    assert OUT_DIR == REPO_DIR / "custom_nodes" / "assetgen" / "example_workflows"


def load(name: str) -> tuple[dict, dict]:
    ui = json.loads((UI_DIR / f"{name}.json").read_text())
    example = json.loads((OUT_DIR / f"{name}.json").read_text())
    return ui, example


def box(node: dict) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) with the title bar that litegraph draws above ``pos``."""
    (x, y), (w, h) = node["pos"], node["size"]
    return x, y - TITLE_HEIGHT_PX, x + w, y + h


@pytest.mark.parametrize("name", TEMPLATES)
def test_the_graph_is_the_ui_templates_own(name: str) -> None:
    ui, example = load(name)
    graph_nodes = [n for n in example["nodes"] if n["type"] != "Note"]
    strip = lambda n: {k: v for k, v in n.items() if k != "pos"}  # noqa: E731
    assert [strip(n) for n in graph_nodes] == [strip(n) for n in ui["nodes"]]
    assert example["links"] == ui["links"]


@pytest.mark.parametrize("name", TEMPLATES)
def test_a_note_says_what_it_does_and_which_inputs_to_set(name: str) -> None:
    ui, example = load(name)
    (note,) = [n for n in example["nodes"] if n["type"] == "Note"]
    text = note["widgets_values"][0]
    assert text.startswith(f"assetgen template: {name}\n\n") and len(text.splitlines()[2]) > 20
    hinted = [node for node in ui["nodes"] if node["type"] in INPUT_HINTS]
    assert ("Set:" in text) == bool(hinted)
    for node in hinted:
        assert f"- {node.get('title') or node['type']}: {INPUT_HINTS[node['type']]}" in text
    assert example["last_node_id"] == note["id"] == max(n["id"] for n in example["nodes"])


@pytest.mark.parametrize("name", TEMPLATES)
def test_no_node_overlaps_another_and_wires_run_left_to_right(name: str) -> None:
    _, example = load(name)
    nodes = {n["id"]: n for n in example["nodes"]}
    for a, b in combinations(nodes.values(), 2):
        (al, at, ar, ab), (bl, bt, br, bb) = box(a), box(b)
        assert ar <= bl or br <= al or ab <= bt or bb <= at, f"{a['title']!r} overlaps {b['title']!r}"
    for _link, origin, _slot, target, _target_slot, _type in example["links"]:
        assert box(nodes[origin])[2] < box(nodes[target])[0], (nodes[origin]["title"], nodes[target]["title"])


def test_a_template_without_a_description_is_refused_with_what_to_do() -> None:
    ui = json.loads((UI_DIR / "txt2img.json").read_text())
    with pytest.raises(ValueError, match="needs a description for its Note: add one to DESCRIPTIONS"):
        build_example("new_template", ui)
    ui["extra"]["assetgen"] = {"description": "Makes a new kind of asset."}
    assert "Makes a new kind of asset." in build_example("new_template", ui).decode()


def test_groups_keep_their_nodes_inside() -> None:
    ui = json.loads((UI_DIR / "txt2img.json").read_text())
    ui["groups"] = [{"title": "prompts", "bounding": [990, 90, 420, 600], "color": "#3f789e"}]
    example = json.loads(build_example("txt2img", ui))
    (group,) = example["groups"]
    gx, gy, gw, gh = group["bounding"]
    inside = [n for n in example["nodes"] if n["title"] in ("Positive", "Negative")]
    assert len(inside) == 2
    for node in inside:
        left, top, right, bottom = box(node)
        assert gx <= left and right <= gx + gw and gy <= top and bottom <= gy + gh
