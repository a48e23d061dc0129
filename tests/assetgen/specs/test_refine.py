"""Refinement: a table of wishlist lines and the specs each must become, plus the store-level rules."""

from __future__ import annotations

import json
from typing import Any

import pytest

from assetgen.errors import InvalidInput, NotFound
from assetgen.ids import ID_PATTERN
from assetgen.models import AssetSpec, SpecList
from assetgen.settings import REPO_DIR
from assetgen.specs.project_context import ProjectContext, load_project_context
from assetgen.specs.readiness import assess_readiness
from assetgen.specs.refine import (
    MAX_SPECS_PER_WISH,
    derive_spec_id,
    plan_refinement,
    refine_spec_list,
    spec_content_hash,
)
from assetgen.specs.validation import check_spec
from assetgen.store import ProjectStore

NOW = "2026-01-01T00:00:00Z"


@pytest.fixture(scope="module")
def context() -> ProjectContext:
    return load_project_context(ProjectStore(REPO_DIR / "data"), "demo")


def plan_line(context: ProjectContext, line: str, **list_fields: Any) -> tuple[list[dict], Any]:
    spec_list = SpecList(id="wl", project_id="demo", title="t", text=line, **list_fields)
    plan = plan_refinement(spec_list, context, now=NOW)
    assert len(plan.items) == 1, plan.items
    return [spec.model_dump(mode="json") for _, spec in plan.specs], plan.items[0]


def get(data: Any, path: str) -> Any:
    for key in path.split("."):
        data = data[int(key)] if isinstance(data, list) else data[key]
    return data


# Each row: a wishlist line and what its specs must show. Keys are dotted paths into the (first)
# spec's JSON; special keys: specs (how many), positive~ / negative~ (substrings of the prompts),
# warning~ / assumption~ (substrings of the report item), tags+ (tags that must be present),
# ids (the spec ids).
CASES: list[tuple[str, dict[str, Any]]] = [
    # --- asset types by name and synonym ------------------------------------------------------
    ("hero knight character, side view, 8-frame walk cycle at 12 fps, 128x128 per frame",
     {"specs": 1, "assetType": "character", "output.kind": "animation", "output.animation.frameCount": 8,
      "output.animation.fps": 12, "output.animation.name": "walk", "output.sizes.0.w": 128,
      "tags": ["assetType:character", "view:side", "entity:hero_knight"], "title": "Hero knight, walk cycle",
      "status": "ready", "ids": ["wl-l1"]}),
    ("a UI icon of a shield", {"assetType": "ui_icon", "positive~": "shield"}),
    ("inventory icon for a key", {"assetType": "ui_icon", "positive~": "key"}),
    ("tileset tile of lava", {"assetType": "tile", "positive~": "lava"}),
    ("explosion frames", {"assetType": "vfx_frame", "output.kind": "animation",
                          "output.animation.frameCount": 8, "assumption~": "8 frames (none given)"}),
    ("goblin npc", {"assetType": "character", "output.kind": "single_image", "tags+": ["entity:goblin_npc"]}),
    ("wooden crate", {"assetType": "prop", "output.background": "transparent_required"}),
    ("grass floor tile", {"assetType": "tile", "output.background": "any",
                          "qualityContract.backgroundPolicy": "any", "positive~": "seamless"}),
    ("start button", {"assetType": "ui_button", "output.kind": "ui_states",
                      "output.uiStates.states": ["default", "hover", "pressed", "disabled"],
                      "styleConsistency.mode": "lock_to_anchor_set", "qualityContract.alignmentTolerancePx": 1}),
    ("type: prop, glowing orb", {"assetType": "prop", "positive~": "glowing orb"}),
    ("explosion icon", {"assetType": "ui_icon", "assumption~": "head noun"}),
    ("sword icon", {"assetType": "ui_icon", "positive~": "sword icon"}),
    # --- counts --------------------------------------------------------------------------------
    ("12 potion icons, 64x64, top-down",
     {"specs": 12, "assetType": "ui_icon", "title": "Potion icon 1 of 12", "tags+": ["entity:potion_icon_1"],
      "source.index": 1, "output.sizes.0.w": 64, "generationParams.width": 128, "tags+ ": ["view:top_down"]}),
    ("six potion icons", {"specs": 6}),
    ("a dozen coins icons", {"specs": 12}),
    ("4 grass tiles", {"specs": 1, "generationParams.variants": 4, "assumption~": "one spec with 4 variants"}),
    ("treasure chest x3", {"specs": 3, "assetType": "prop"}),
    ("potion icons", {"specs": 1, "warning~": "plural but no number"}),
    ("several goblin enemies", {"specs": 1, "warning~": "vague quantity"}),
    ("0 icons", {"specs": 1, "warning~": "makes no asset"}),
    ("500 coin icons", {"specs": MAX_SPECS_PER_WISH, "warning~": "capped"}),
    # --- sizes ---------------------------------------------------------------------------------
    ("coin icon, 32 px", {"output.sizes": [{"w": 32, "h": 32, "label": "ui_icon"}], "generationParams.width": 128}),
    ("banner prop 256x64", {"output.sizes.0.w": 256, "output.sizes.0.h": 64,
                            "generationParams.width": 256, "generationParams.height": 64}),
    ("big boss monster, 1000x1000", {"generationParams.width": 1000, "generationParams.height": 1000}),
    ("castle prop, 3000x3000", {"generationParams.width": 2048, "output.sizes.0.w": 3000}),
    ("gem icon, 32x32 and 64x64", {"output.sizes.1.w": 64, "generationParams.width": 128}),
    ("gem icon, 0x64", {"warning~": "outside 1-4096"}),
    ("gem icon, 64x", {"warning~": "unrecognised number"}),
    # --- camera angles ---------------------------------------------------------------------------
    ("stone wall tile, isometric", {"tags+": ["view:isometric"], "positive~": "isometric view"}),
    ("barrel prop, 3/4 view", {"tags+": ["view:three_quarter"], "positive~": "three-quarter view"}),
    ("archer character, front view", {"tags+": ["view:front"], "qualityContract.perspectiveMode": "allow_minor"}),
    ("tree prop, bird's eye", {"tags+": ["view:top_down"]}),
    ("hero character, isometric, side view", {"tags+": ["view:isometric"], "warning~": "conflicting camera"}),
    # --- silhouette, palette, colours ------------------------------------------------------------
    ("ogre enemy, bold readable silhouette", {"positive~": "bold readable silhouette"}),
    ("key icon, warm palette", {"paletteIds": ["warm"], "positive~": "warm color palette"}),
    ("key icon, palette: cool", {"paletteIds": ["cool"]}),
    ("key icon, neon palette", {"paletteIds": ["forest"], "warning~": "unknown palette"}),
    ("key icon, colors #FF0000 and #00ff0080", {"colors": ["#ff0000", "#00ff0080"], "paletteIds": [],
                                               "positive~": "#ff0000"}),
    ("key icon, #12345", {"warning~": "not #RRGGBB"}),
    ("key icon", {"paletteIds": ["forest"], "assumption~": "palette forest (project default)"}),
    # --- background ------------------------------------------------------------------------------
    ("leaf icon, transparent background", {"output.background": "transparent_required",
                                           "qualityContract.backgroundPolicy": "transparent_only"}),
    ("leaf icon on a white background", {"qualityContract.backgroundPolicy": "white_only",
                                         "positive~": "white background", "warning~": "requires alpha"}),
    ("sand tile, no background", {"output.background": "transparent_required"}),
    ("leaf icon, transparent background, white background", {"warning~": "conflicting backgrounds"}),
    ("cliff tile, seamless", {"positive~": "seamless", "negative~": "visible seams"}),
    # --- animation ---------------------------------------------------------------------------------
    ("green magic spark vfx, 6 frames at 15 fps", {"output.animation.frameCount": 6, "output.animation.fps": 15,
                                                   "qualityContract.alignmentTolerancePx": 4}),
    ("slime enemy, idle animation", {"output.animation.name": "idle", "output.animation.frameCount": 8,
                                     "assumption~": "12 fps (none given)"}),
    ("wizard character, running cycle, 6 frames, one-shot", {"output.animation.name": "run",
                                                           "output.animation.loop": False}),
    ("smoke puff, frames: 10, fps: 24", {"output.animation.frameCount": 10, "output.animation.fps": 24}),
    ("fire effect, 2000 frames", {"output.animation.frameCount": 8, "warning~": "outside 1-1024"}),
    ("chest prop, 4-frame open animation", {"output.kind": "animation", "warning~": "single-frame"}),
    ("knight character, 8-frame walk cycle",
     {"seedPolicy.mode": "derived", "qualityContract.alignmentTolerancePx": 2}),
    # --- UI states ---------------------------------------------------------------------------------
    ("play button with hover, pressed and disabled states",
     {"output.uiStates.states": ["default", "hover", "pressed", "disabled"],
      "qualityContract.requiredStates": ["default", "hover", "pressed", "disabled"]}),
    ("menu button, states: normal/hover/selected", {"output.uiStates.states": ["default", "hover", "selected"]}),
    # --- style and scenario --------------------------------------------------------------------------
    ("pixel art sword icon", {"style": "pixel_art", "styleConsistency.mode": "lock_to_spec_style",
                              "positive~": "sword"}),
    ("knight character in 16-bit style", {"style": "pixel_art"}),
    ("knight character, style: painterly", {"style": "painterly"}),
    ("knight character in watercolor style", {"style": "painterly", "warning~": "unknown style"}),
    ("mossy forest floor tile", {"scenario": "fantasy_forest", "positive~": "mossy forest floor"}),
    ("pixel art knight character, hand painted", {"style": "pixel_art", "warning~": "conflicting styles"}),
    # --- generation numbers, negatives, entity, models -------------------------------------------------
    ("shield icon, seed 1234", {"seedPolicy.mode": "fixed", "seedPolicy.baseSeed": 1234,
                                "generationParams.seed": 1234}),
    ("shield icon, 8 variants", {"generationParams.variants": 8}),
    ("shield icon, no text, without border", {"negative~": "text, letters", "negative~ ": "border"}),
    ("flaming sword icon, entity: flame_sword", {"entityLink.entityId": "flame_sword",
                                                 "tags+": ["entity:flame_sword"]}),
    ("coin icon, lora: lora_demo_icons", {"loraPolicy.include": ["lora_demo_icons"], "loraIds": []}),
    ("coin icon, lora: nope", {"warning~": "LoRA 'nope'"}),
    ("coin icon, checkpoint: missing_ckpt", {"checkpointId": "ckpt_sd15_demo", "warning~": "missing_ckpt"}),
    # --- references --------------------------------------------------------------------------------
    ("ring icon, see https://example.com/ring.png", {"references": [{"kind": "url",
                                                                     "url": "https://example.com/ring.png"}]}),
    ("ring icon, ref 1", {"references": [], "warning~": "reference #1 does not exist"}),
    ("ring icon, like ring.png", {"warning~": "not attached"}),
    # --- malformed and unknown ---------------------------------------------------------------------
    ("a blue dragon", {"specs": 0, "warning~": "no asset type recognised"}),
    ("12x", {"specs": 0}),
    ("!!!", {"specs": 0, "warning~": "no asset type"}),
    ("type: spaceship", {"specs": 0, "warning~": "unknown asset type 'spaceship'"}),
    ("icon", {"specs": 1, "positive~": "icon"}),
    ("level 2 boss monster", {"specs": 1, "warning~": "unrecognised number '2'"}),
    ("x" * 1200, {"specs": 0, "warning~": "split it into shorter wishes"}),
    ("Forest level:", {"specs": 0, "assumption~": "heading"}),
]  # fmt: skip


def test_the_table_is_large_enough() -> None:
    assert len(CASES) >= 40


@pytest.mark.parametrize(("line", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_wishlist_line_becomes_expected_specs(context: ProjectContext, line: str, expected: dict) -> None:
    specs, item = plan_line(context, line)
    report = f"assumptions={item.assumptions} warnings={item.warnings}"
    for key, value in expected.items():
        key = key.strip()
        if key == "specs":
            assert len(specs) == value, report
        elif key == "ids":
            assert [s["id"] for s in specs] == value
        elif key == "warning~":
            assert any(value in w for w in item.warnings), report
        elif key == "assumption~":
            assert any(value in a for a in item.assumptions), report
        elif key == "positive~":
            assert value in specs[0]["prompt"]["positive"], specs[0]["prompt"]
        elif key == "negative~":
            assert value in specs[0]["prompt"]["negative"], specs[0]["prompt"]
        elif key == "tags+":
            assert set(value) <= set(specs[0]["tags"]), specs[0]["tags"]
        else:
            assert get(specs[0], key) == value, f"{key}: {json.dumps(specs[0], indent=1)[:3000]}\n{report}"
    for spec in specs:
        assert ID_PATTERN.fullmatch(spec["id"])
        assert spec["specListId"] == "wl" and spec["source"]["line"] == 1


def test_every_spec_of_the_table_is_valid_and_ready(context: ProjectContext) -> None:
    text = "\n".join(line for line, _ in CASES)
    spec_list = SpecList(id="table", project_id="demo", title="t", text=text)
    plan = plan_refinement(spec_list, context, now=NOW)
    assert len(plan.specs) > 100
    ids = [spec.id for _, spec in plan.specs]
    assert len(ids) == len(set(ids)), "no duplicate ids"
    for _, spec in plan.specs:
        check = check_spec(spec, context)
        assert check.is_valid, check.as_dict()
        assert check.is_ready, check.as_dict()
        assert spec.status == "ready"
        assert spec.source is not None and spec.source.content_hash == spec_content_hash(spec)


def test_semicolons_split_a_line_into_parts(context: ProjectContext) -> None:
    spec_list = SpecList(
        id="wl",
        project_id="demo",
        title="t",
        text="12 potion icons, 64x64, top-down; an 8-frame walk cycle for the hero",
    )
    plan = plan_refinement(spec_list, context, now=NOW)
    assert [(i.line, i.part) for i in plan.items] == [(1, 1), (1, 2)]
    ids = [spec.id for _, spec in plan.specs]
    assert ids[0] == "wl-l1p1-1" and ids[-1] == "wl-l1p2" and len(ids) == 13
    hero = plan.specs[-1][1]
    assert hero.asset_type == "character" and hero.output and hero.output.animation
    assert hero.output.animation.name == "walk" and hero.entity_link and hero.entity_link.entity_id == "hero"


def test_comments_blank_lines_and_bullets(context: ProjectContext) -> None:
    text = "# comment\n\n// other\n  * 2 key icons\n1) coin icon\n"
    plan = plan_refinement(SpecList(id="wl", project_id="demo", title="t", text=text), context, now=NOW)
    assert [i.line for i in plan.items] == [4, 5]
    assert [s.id for _, s in plan.specs] == ["wl-l4-1", "wl-l4-2", "wl-l5"]


def test_list_references_resolve_by_number_and_name(context: ProjectContext) -> None:
    refs = [
        {"kind": "url", "url": "https://example.com/a.png"},
        {"kind": "file", "path": "projects/demo/files/references/wl/sketch.png", "label": "sketch.png"},
    ]
    specs, item = plan_line(context, "ring icon, ref 1, see sketch.png", references=refs)
    assert [r.get("url") or r.get("path") for r in specs[0]["references"]] == [
        "https://example.com/a.png",
        "projects/demo/files/references/wl/sketch.png",
    ], item.warnings


def test_spec_prompt_does_not_repeat_style_or_scenario_tokens(context: ProjectContext) -> None:
    specs, _ = plan_line(context, "hero knight character, side view")
    positive = specs[0]["prompt"]["positive"]
    for token in ("hand-painted 2D game art", "enchanted forest", "best quality"):
        assert token not in positive
    assert specs[0]["style"] == "painterly" and specs[0]["scenario"] == "fantasy_forest"


def test_derived_ids_stay_valid_for_long_list_ids() -> None:
    long_id = "a" * 128
    spec_id = derive_spec_id(long_id, 12345, 2, 99)
    assert ID_PATTERN.fullmatch(spec_id) and len(spec_id) <= 128
    assert spec_id != derive_spec_id(long_id, 12345, 2, 98)
    assert derive_spec_id("wl", 3) == "wl-l3"


def test_plan_refuses_an_oversized_text(context: ProjectContext) -> None:
    big = SpecList(id="wl", project_id="demo", title="t", text="coin icon\n" * 150_000)
    with pytest.raises(InvalidInput, match="split it"):
        plan_refinement(big, context, now=NOW)


# -- the store-level rules ---------------------------------------------------------------------------
def test_demo_wishlist_refines_into_valid_ready_specs(demo_store: ProjectStore) -> None:
    outcome = refine_spec_list(demo_store, "demo", "forest_wishlist", now=NOW)
    stored = demo_store.read("demo", "spec-lists", "forest_wishlist")
    assert stored.status == "refined" and stored.derived_spec_ids == list(outcome.spec_list.derived_spec_ids)
    assert len(stored.derived_spec_ids) == 10  # 1 hero + 6 potions + tile + chest + spark
    assert stored.refinement and [i.line for i in stored.refinement.items] == [1, 2, 3, 4, 5]
    context = load_project_context(demo_store, "demo")
    for spec_id in stored.derived_spec_ids:
        spec = demo_store.read("demo", "specs", spec_id)
        assert assess_readiness(spec, context).is_ready, spec_id
        assert spec.checkpoint_id == "ckpt_sd15_demo" and spec.checkpoint_profile_id == "sd15_demo_v1"
        assert spec.baseline_profile_id == "baseline_demo" and spec.lora_ids == []
        assert spec.lora_policy and spec.lora_policy.mode == "baseline_then_project"
    assert set(outcome.ready) == set(stored.derived_spec_ids)


def test_refining_twice_changes_nothing(demo_store: ProjectStore) -> None:
    first = refine_spec_list(demo_store, "demo", "forest_wishlist", now=NOW)
    specs_dir = demo_store.project_dir("demo") / "specs"
    before = {p.name: p.read_bytes() for p in specs_dir.glob("*.json")}
    list_before = demo_store.record_path("demo", "spec-lists", "forest_wishlist").read_bytes()
    second = refine_spec_list(demo_store, "demo", "forest_wishlist", now="2026-02-02T00:00:00Z")
    assert second.written == () and set(second.unchanged) == set(first.written)
    assert {p.name: p.read_bytes() for p in specs_dir.glob("*.json")} == before
    assert demo_store.record_path("demo", "spec-lists", "forest_wishlist").read_bytes() == list_before


def test_hand_edits_survive_unless_forced(demo_store: ProjectStore) -> None:
    refine_spec_list(demo_store, "demo", "forest_wishlist", now=NOW)
    path = demo_store.record_path("demo", "specs", "forest_wishlist-l1")
    data = json.loads(path.read_text())
    data["prompt"]["positive"] = "my own words"
    path.write_text(json.dumps(data))
    again = refine_spec_list(demo_store, "demo", "forest_wishlist", now=NOW)
    assert again.kept == ("forest_wishlist-l1",)
    assert demo_store.read("demo", "specs", "forest_wishlist-l1").prompt.positive == "my own words"
    report = demo_store.read("demo", "spec-lists", "forest_wishlist").refinement
    assert any("edited by hand" in w for w in report.items[0].warnings)
    forced = refine_spec_list(demo_store, "demo", "forest_wishlist", force=True, now=NOW)
    assert "forest_wishlist-l1" in forced.written
    assert demo_store.read("demo", "specs", "forest_wishlist-l1").prompt.positive != "my own words"


def test_a_changed_list_rewrites_its_specs_and_deprecates_dropped_ones(demo_store: ProjectStore) -> None:
    refine_spec_list(demo_store, "demo", "forest_wishlist", now=NOW)
    spec_list = demo_store.read("demo", "spec-lists", "forest_wishlist")
    spec_list.text = "- 2 potion icons, 64x64\n- hero knight character, side view, pixel art\n"
    demo_store.write("demo", "spec-lists", spec_list)
    outcome = refine_spec_list(demo_store, "demo", "forest_wishlist", now=NOW)
    assert outcome.spec_list.derived_spec_ids == [
        "forest_wishlist-l1-1",
        "forest_wishlist-l1-2",
        "forest_wishlist-l2",
    ]
    assert demo_store.read("demo", "specs", "forest_wishlist-l2").style == "pixel_art"
    assert "forest_wishlist-l2-6" in outcome.deprecated
    assert demo_store.read("demo", "specs", "forest_wishlist-l2-6").status == "deprecated"
    assert any("deprecated" in w for w in outcome.spec_list.refinement.warnings)


def test_foreign_spec_with_the_same_id_is_not_overwritten(demo_store: ProjectStore) -> None:
    spec = AssetSpec(
        id="forest_wishlist-l3", project_id="demo", asset_type="tile", title="mine", style="painterly",
        scenario="fantasy_forest", prompt={"positive": "x"},
    )  # fmt: skip
    demo_store.write("demo", "specs", spec)
    outcome = refine_spec_list(demo_store, "demo", "forest_wishlist", now=NOW)
    assert "forest_wishlist-l3" in outcome.kept
    assert demo_store.read("demo", "specs", "forest_wishlist-l3").title == "mine"


def test_refine_errors_name_what_failed(demo_store: ProjectStore) -> None:
    with pytest.raises(NotFound, match="nope"):
        refine_spec_list(demo_store, "demo", "nope")
    with pytest.raises(InvalidInput, match="spec-list id"):
        refine_spec_list(demo_store, "demo", "../evil")
    spec_list = demo_store.read("demo", "spec-lists", "forest_wishlist")
    demo_store.write("demo", "spec-lists", spec_list.model_copy(update={"status": "archived"}))
    with pytest.raises(InvalidInput, match="archived"):
        refine_spec_list(demo_store, "demo", "forest_wishlist")


def test_wrong_types_in_a_spec_list_file_are_a_clear_error(demo_store: ProjectStore) -> None:
    path = demo_store.record_path("demo", "spec-lists", "forest_wishlist")
    data = json.loads(path.read_text())
    data["text"] = 42
    data["refinement"] = "oops"
    path.write_text(json.dumps(data))
    with pytest.raises(InvalidInput, match=r"forest_wishlist\.json.*text"):
        refine_spec_list(demo_store, "demo", "forest_wishlist")
