"""Generate the node pack's ComfyUI templates, custom_nodes/assetgen/example_workflows/*.json, from workflows/ui.

    .venv/bin/python tools/build_example_workflows.py [--check]

ComfyUI lists a node pack's ``example_workflows/*.json`` in its Templates dialog (and serves them under
``/api/workflow_templates/<pack>/``). Each template here is its workflows/ui twin with two changes for the
artist who opens it there: a Note node saying what it does and which inputs to set, and a layout in which
no node overlaps another and every wire runs left to right (columns by longest path from the sources).
The graph itself (nodes, links, widget values) is unchanged. ``--check`` exits 1 when a file is stale;
a test does the same, so rerun this after changing workflows/ui.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
UI_DIR = REPO / "workflows" / "ui"
OUT_DIR = REPO / "custom_nodes" / "assetgen" / "example_workflows"

# Litegraph draws a node's title bar above ``pos``; slots and widgets set the least height it keeps.
TITLE_HEIGHT_PX = 30
SLOT_HEIGHT_PX = 20
WIDGET_HEIGHT_PX = 24
GAP_X_PX = 90
GAP_Y_PX = 50
ORIGIN = (60.0, 80.0)
NOTE_SIZE = (420.0, 300.0)
NOTE_COLOR, NOTE_BGCOLOR = "#432", "#653"

# What one template does, by file stem. A template may also say it itself in extra.assetgen.description.
DESCRIPTIONS = {
    "txt2img": (
        "Generates variants of one AssetSpec. Prompts, size, steps, cfg, sampler, seed and checkpoint come "
        "from the spec; the project's LoRA policy is applied; Save Variants writes PNGs with their metadata."
    ),
    "txt2img_fixed_seed": (
        "Like txt2img, with a fixed seed (1234): the same picture on every run, for checks and recreation."
    ),
    "txt2img_tileable": (
        "Like txt2img, for tiles and textures: Make Tileable pads the model's and the decoder's convolutions "
        "circularly, so the image wraps around without a seam (check it with `assetgen tile check`)."
    ),
    "dispatch_probe": (
        "A graph that costs almost nothing (Load AssetSpec -> EmptyImage -> Save Variants, no model): what "
        "tools/bench_dispatch.py submits to measure how many jobs per second one worker process can push."
    ),
    "anchor_img2img": (
        "One animation frame image-to-image from the anchor: the init image is the approved anchor blended "
        "with the frame's pose mannequin (`assetgen poses`), sampled with the anchor's seed and the spec's "
        "anchorDenoise (about 0.5), so the character stays the same while the pose changes."
    ),
    "anchor_img2img_controlnet": (
        "Like anchor_img2img, with the frame's OpenPose skeleton through an OpenPose ControlNet "
        "(ControlNetLoader + ControlNetApplyAdvanced) for checkpoints whose record names one."
    ),
}

# Which inputs a person sets, by node type (titles of the nodes are those of the template).
INPUT_HINTS = {
    "AssetGenLoadSpec": "project_id and spec_id: a spec in data/projects/<project>/specs/; variant_index, "
    "seed_offset: which variant and seed; checkpoint: (from spec) or a file",
    "CheckpointLoaderSimple": "ckpt_name: the checkpoint file (the demo model, or yours in models/checkpoints)",
    "AssetGenApplyLoraStack": "strength_scale scales the policy's LoRAs; extra_lora adds one by hand",
    "AssetGenSaveVariants": "nothing: files go to output/assetgen/<project>/<asset>/ (job_id is for the "
    "orchestrator)",
    "AssetGenRemoveBackground": "method, threshold, feather_px, erode_px: how the background is cut out",
    "AssetGenPackSpritesheet": "padding_px, max_size_px, trim, fps, loop: the sheet and its animation",
    "PrimitiveInt": "value: the seed (the only input that changes per variant, so ComfyUI reuses the rest)",
    "LoadImage": "image: the init image (anchor blended with the pose mannequin) or the pose skeleton",
    "ControlNetLoader": "control_net_name: the OpenPose ControlNet for your checkpoint",
    "VAELoader": "vae_name: the VAE that encodes the init image and decodes the frame",
    "AssetGenMakeTileable": "axes: both, x or y (the directions the tile must wrap in)",
}


def note_text(name: str, ui: dict[str, Any]) -> str:
    """The Note's text: what the template does, then the inputs to set, node by node (by title)."""
    own = ((ui.get("extra") or {}).get("assetgen") or {}).get("description")
    description = own or DESCRIPTIONS.get(name)
    if not description:
        raise ValueError(
            f"workflows/ui/{name}.json needs a description for its Note: add one to DESCRIPTIONS in "
            "tools/build_example_workflows.py, or as extra.assetgen.description in the workflow"
        )
    lines = [f"assetgen template: {name}", "", description, ""]
    hints = [
        f"- {node.get('title') or node['type']}: {INPUT_HINTS[node['type']]}"
        for node in sorted(ui["nodes"], key=lambda n: n["id"])
        if node["type"] in INPUT_HINTS
    ]
    if hints:
        lines += ["Set:", *hints, ""]
    lines.append("Queue it with Run. The orchestrator fills the same inputs by node title (workflows/api).")
    return "\n".join(lines)


def least_size(node: dict[str, Any]) -> tuple[float, float]:
    """The size the editor keeps at least: the saved one, or what its slots and widgets need."""
    saved_w, saved_h = node.get("size") or (200, 60)
    inputs = node.get("inputs") or []
    slots = max(len([i for i in inputs if "widget" not in i]), len(node.get("outputs") or []))
    widgets = len(node.get("widgets_values") or []) if isinstance(node.get("widgets_values"), list) else 0
    return float(saved_w), float(max(saved_h, slots * SLOT_HEIGHT_PX + widgets * WIDGET_HEIGHT_PX + 10))


def ranks(ui: dict[str, Any]) -> dict[int, int]:
    """Longest-path depth of each node from the graph's sources: every link goes to a higher rank."""
    sources: dict[int, set[int]] = {node["id"]: set() for node in ui["nodes"]}
    for _link_id, origin, _slot, target, _target_slot, _type in ui["links"]:
        sources[target].add(origin)
    rank: dict[int, int] = {}

    def depth(node_id: int, seen: frozenset[int]) -> int:
        if node_id in seen:
            raise ValueError(f"the workflow has a cycle through node {node_id}")
        if node_id not in rank:
            rank[node_id] = max((depth(s, seen | {node_id}) + 1 for s in sources[node_id]), default=0)
        return rank[node_id]

    for node_id in sources:
        depth(node_id, frozenset())
    return rank


def arrange(ui: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``ui`` laid out in columns by rank, each column ordered by where its inputs come from."""
    laid = copy.deepcopy(ui)
    by_id = {node["id"]: node for node in laid["nodes"]}
    rank = ranks(laid)
    origins: dict[int, list[int]] = {node_id: [] for node_id in by_id}
    for _link_id, origin, _slot, target, _target_slot, _type in laid["links"]:
        origins[target].append(origin)
    columns: dict[int, list[int]] = {}
    for node_id in sorted(by_id, key=lambda n: (by_id[n]["pos"][1], n)):
        columns.setdefault(rank[node_id], []).append(node_id)
    x = ORIGIN[0]
    centre_y: dict[int, float] = {}
    for column in sorted(columns):
        members = columns[column]
        if column > 0:  # barycentre of the inputs' heights: fewer crossing wires
            members.sort(key=lambda n: (sum(centre_y[o] for o in origins[n]) / len(origins[n]), n))
        y = ORIGIN[1] + (NOTE_SIZE[1] + TITLE_HEIGHT_PX + GAP_Y_PX if column == 0 else 0)
        width = 0.0
        for node_id in members:
            w, h = least_size(by_id[node_id])
            if origins[node_id]:  # level with its inputs where the column leaves room: short wires
                middle = sum(centre_y[o] for o in origins[node_id]) / len(origins[node_id])
                y = max(y, float(round(middle - h / 2 - TITLE_HEIGHT_PX)))
            by_id[node_id]["pos"] = [x, y + TITLE_HEIGHT_PX]
            centre_y[node_id] = y + TITLE_HEIGHT_PX + h / 2
            y += TITLE_HEIGHT_PX + h + GAP_Y_PX
            width = max(width, w)
        if column == 0:
            width = max(width, NOTE_SIZE[0])
        x += width + GAP_X_PX
    return laid


def refit_groups(original: dict[str, Any], laid: dict[str, Any]) -> None:
    """Each group's box around the nodes it held before the layout moved them (litegraph groups are boxes)."""
    moved = {node["id"]: node for node in laid["nodes"]}
    for old_group, group in zip(original.get("groups") or [], laid.get("groups") or [], strict=True):
        gx, gy, gw, gh = old_group["bounding"]
        members = [
            moved[node["id"]]
            for node in original["nodes"]
            if gx <= node["pos"][0] <= gx + gw and gy <= node["pos"][1] <= gy + gh
        ]
        if not members:
            continue
        left = min(n["pos"][0] for n in members) - 10
        top = min(n["pos"][1] for n in members) - TITLE_HEIGHT_PX - 40
        right = max(n["pos"][0] + least_size(n)[0] for n in members) + 10
        bottom = max(n["pos"][1] + least_size(n)[1] for n in members) + 10
        group["bounding"] = [left, top, right - left, bottom - top]


def with_note(ui: dict[str, Any], name: str) -> dict[str, Any]:
    """``ui`` plus a Note node (top left, above the first column)."""
    note_id = max(node["id"] for node in ui["nodes"]) + 1
    ui["nodes"].append(
        {
            "id": note_id,
            "type": "Note",
            "pos": [ORIGIN[0], ORIGIN[1] + TITLE_HEIGHT_PX],
            "size": list(NOTE_SIZE),
            "flags": {},
            "order": len(ui["nodes"]),
            "mode": 0,
            "inputs": [],
            "outputs": [],
            "title": "About this template",
            "properties": {},
            "widgets_values": [note_text(name, ui)],
            "color": NOTE_COLOR,
            "bgcolor": NOTE_BGCOLOR,
        }
    )
    ui["last_node_id"] = max(ui.get("last_node_id") or 0, note_id)
    return ui


def build_example(name: str, ui: dict[str, Any]) -> bytes:
    """The example_workflows/<name>.json bytes for the workflows/ui/<name>.json document ``ui``."""
    laid = arrange(ui)
    refit_groups(ui, laid)
    document = with_note(laid, name)
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def build_all() -> dict[str, bytes]:
    """File name -> bytes for every workflows/ui template."""
    return {
        path.name: build_example(path.stem, json.loads(path.read_text(encoding="utf-8")))
        for path in sorted(UI_DIR.glob("*.json"))
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when a file is stale, write nothing")
    args = parser.parse_args(argv)
    wanted = build_all()
    present = {p.name for p in OUT_DIR.glob("*.json")}
    stale = sorted(
        n for n, data in wanted.items() if not (OUT_DIR / n).is_file() or (OUT_DIR / n).read_bytes() != data
    )
    extra = sorted(present - set(wanted))
    if args.check:
        for name in stale + extra:
            print(
                f"stale: {OUT_DIR.relative_to(REPO) / name} (run tools/build_example_workflows.py)",
                file=sys.stderr,
            )
        return 1 if stale or extra else 0
    OUT_DIR.mkdir(exist_ok=True)
    for name in stale:
        (OUT_DIR / name).write_bytes(wanted[name])
    for name in extra:
        (OUT_DIR / name).unlink()
    print(
        f"{len(wanted)} templates in {OUT_DIR.relative_to(REPO)} ({len(stale)} written, {len(extra)} removed)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
