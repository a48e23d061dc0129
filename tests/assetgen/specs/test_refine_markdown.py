"""Refining the origin's markdown wishlist (the seeded fixture's spec list): every item's type, count,
frames and animations; skipped sections; project context; stable ids when lines are inserted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assetgen.generation.onboarding import onboard_checkpoint
from assetgen.models import AssetSpec
from assetgen.specs.defaults import DEFAULT_FRAME_COUNT
from assetgen.specs.project_context import load_project_context
from assetgen.specs.readiness import assess_readiness
from assetgen.specs.refine import derive_spec_id, refine_spec_list
from assetgen.store import ProjectStore
from tests.assetgenerator_fixture import (
    SD15_ID,
    SEEDED_PROJECT_ID,
    SEEDED_SPEC_LIST_ID,
    copy_seeded_fixture,
)

P, L = SEEDED_PROJECT_ID, SEEDED_SPEC_LIST_ID
D = DEFAULT_FRAME_COUNT
# item text prefix -> (asset type, output kind, per spec: {animation name: frames} / UI states / None, extra)
EXPECTED: dict[str, tuple[str, str, list]] = {
    "Player ship idle": ("sprite", "animation", [{"player_ship_idle": 6}]),
    "Player ship bank": ("sprite", "animation", [{"bank_left": 3, "bank_right": 3}]),
    "Player ship thruster flame": ("sprite", "animation", [{"player_ship_thruster_flame": 4}]),
    "Projectiles": ("sprite", "animation", [{f"projectiles_{n}": 4} for n in ("laser", "plasma", "spread")]),
    "Shield bubble": ("sprite", "animation", [{"idle": D, "hit_flash": D}]),
    "Explosion": ("sprite", "animation", [{f"explosion_{n}": 10} for n in ("small", "medium", "large")]),
    "Pickup orb": ("sprite", "animation", [{"pickup_orb": 6}]),
    "Engine trail sparks": ("sprite", "animation", [{"engine_trail_sparks": 5}]),
    "Scout drone": ("sprite", "animation", [{"idle": D, "attack": D}]),
    "Heavy gunship": ("sprite", "single_image", [None]),
    "Asteroid chunks": ("sprite", "single_image", [None, None, None]),
    "Mine layer turret": ("sprite", "single_image", [None]),
    "Boss core": ("sprite", "animation", [{"idle": 8}]),
    "Starfield": ("texture", "single_image", [None]),
    "Nebula backdrop": ("texture", "single_image", [None, None, None]),
    "Hull plating": ("texture", "single_image", [None]),
    "Hangar floor grating": ("texture", "single_image", [None]),
    "Planet horizon backdrop": ("texture", "single_image", [None]),
    "Play button": ("ui_icon", "ui_states", [["default", "hover", "pressed"]]),
    "Settings gear icon": ("ui_icon", "single_image", [None]),
    "Health bar frame": ("ui_icon", "single_image", [None]),
    "Ammo icons": ("ui_icon", "single_image", [None, None, None]),
    "Pause button": ("ui_icon", "ui_states", [["default", "hover", "pressed", "disabled"]]),
    "Score panel": ("ui_icon", "single_image", [None]),
    "Game logo": ("logo", "single_image", [None]),
    "Opening scene": ("texture", "single_image", [None]),
    "Briefing portrait": ("texture", "single_image", [None]),
    "Game over card": ("texture", "single_image", [None]),
    "Victory card": ("texture", "single_image", [None]),
}


@pytest.fixture
def store(tmp_path: Path) -> ProjectStore:
    store = ProjectStore(copy_seeded_fixture(tmp_path / "data"))
    roots = [tmp_path / "models"]
    (roots[0] / "checkpoints").mkdir(parents=True)
    (roots[0] / "checkpoints" / "demo.safetensors").write_bytes(b"stand-in")
    for ckpt, types in (
        (SD15_ID, "sprite,spritesheet,overlay,tile,texture"),
        ("ckpt_sdxl_ui", "ui_icon,logo"),
    ):
        onboard_checkpoint(
            store, P, "demo.safetensors", checkpoint_id=ckpt, roots=roots, asset_types=types.split(",")
        )
    return store


def specs_by_item(store: ProjectStore) -> dict[str, list[AssetSpec]]:
    report = store.read(P, "spec-lists", L).refinement
    return {
        item.text: [store.read(P, "specs", spec_id) for spec_id in item.spec_ids]
        for item in report.items
        if not item.skipped
    }


def test_every_item_has_its_type_count_frames_and_animations(store: ProjectStore) -> None:
    outcome = refine_spec_list(store, P, L, now="2026-02-11T00:00:00Z")
    by_item = specs_by_item(store)
    assert len(by_item) == len(EXPECTED)
    for text, specs in by_item.items():
        prefix = next(p for p in EXPECTED if text.startswith(p))
        asset_type, kind, per_spec = EXPECTED[prefix]
        assert len(specs) == len(per_spec), text
        for spec, expected in zip(specs, per_spec, strict=True):
            assert (spec.asset_type, spec.output.kind) == (asset_type, kind), text
            if kind == "animation":
                animations = spec.output.animations or [spec.output.animation]
                assert {a.name: a.frame_count for a in animations} == expected, text
                assert spec.output.animation == animations[0]
            elif kind == "ui_states":
                assert spec.output.ui_states.states == expected
            else:
                assert spec.output.animation is None, text
    assert len(outcome.spec_list.derived_spec_ids) == 39
    # and what the parentheses and sub-bullets said
    gunship = by_item["Heavy gunship (3 variants)"][0]
    assert gunship.generation_params.variants == 3
    sparks = by_item["Engine trail sparks (one-shot, 5 frames)"][0]
    assert sparks.output.animation.loop is False
    for text in (
        "Starfield (tileable)",
        "Hull plating (tileable, 512x512)",
        "Hangar floor grating (tileable)",
    ):
        assert "seamless tileable" in by_item[text][0].prompt.positive
    assert "seamless" not in by_item["Planet horizon backdrop"][0].prompt.positive
    assert [(s.w, s.h) for s in by_item["Hull plating (tileable, 512x512)"][0].output.sizes] == [(512, 512)]
    layers = by_item["Nebula backdrop (parallax layers)"]
    assert [s.title for s in layers] == [f"Nebula backdrop ({n} layer)" for n in ("far", "mid", "near")]
    rocks = by_item["Asteroid chunks"]
    assert [s.title for s in rocks] == ["Small rock", "Cracked rock", "Crystal rock"]
    explosion = next(
        i for i in store.read(P, "spec-lists", L).refinement.items if i.text.startswith("Explosion")
    )
    assert any("8–12 frames: 10 chosen" in a for a in explosion.assumptions)


def test_every_spec_is_ready_where_checkpoints_support_it_else_says_what_is_missing(
    store: ProjectStore,
) -> None:
    outcome = refine_spec_list(store, P, L, now="2026-02-11T00:00:00Z")
    assert set(outcome.ready) == set(outcome.spec_list.derived_spec_ids)  # every type has a checkpoint here
    store.delete(P, "checkpoints", "ckpt_sdxl_ui")  # now no checkpoint supports ui_icon or logo
    again = refine_spec_list(store, P, L, now="2026-02-11T00:00:01Z")
    context = load_project_context(store, P)
    for spec_id in again.spec_list.derived_spec_ids:
        spec = store.read(P, "specs", spec_id)
        readiness = assess_readiness(spec, context)
        if spec.asset_type in ("ui_icon", "logo"):
            assert not readiness.is_ready and spec.status == "draft"
            assert next(i.field for i in readiness.issues) == "checkpointId"
        else:
            assert readiness.is_ready and spec.status == "ready", (spec_id, readiness.as_dict())


def test_skipped_sections_and_the_project_context(store: ProjectStore) -> None:
    outcome = refine_spec_list(store, P, L, now="2026-02-11T00:00:00Z")
    report = outcome.spec_list.refinement
    skipped = {i.text: i.skipped for i in report.items if i.skipped}
    assert skipped["Laser SFX"] == "not an image section (audio)"
    assert skipped["Main theme (synthwave loop)"] == "not an image section (audio)"
    assert skipped["Don't: use drop shadows"] == "guidance, not assets"
    assert skipped["style: pixel art, crisp outlines, limited palette"].startswith("project context")
    assert not any(i.warnings for i in report.items if i.skipped)
    proposal = report.project_context
    assert (proposal.name, proposal.style, proposal.scenario, proposal.palette_ids) == (
        "Void Runner", "pixel_retro", "deep_space", ["neon_void"],
    )  # fmt: skip
    assert not proposal.applied and any("platform" in n for n in proposal.notes)
    project = store.read_project(P)
    project.defaults.style, project.defaults.palette_ids, project.name = "painterly", [], "Untitled"
    store.write_project(project)
    applied = refine_spec_list(store, P, L, apply_context=True, now="2026-02-11T00:00:01Z")
    assert applied.spec_list.refinement.project_context.applied
    project = store.read_project(P)
    assert (project.name, project.defaults.style, project.defaults.palette_ids) == (
        "Void Runner", "pixel_retro", ["neon_void"],
    )  # fmt: skip


def test_a_line_inserted_at_the_top_changes_no_spec_id(store: ProjectStore) -> None:
    first = refine_spec_list(store, P, L, now="2026-02-11T00:00:00Z")
    spec_list = store.read(P, "spec-lists", L)
    inserted = "Draft 2 — reviewed by the art lead\n\n" + spec_list.text.replace(
        "### Enemy sprites\n", "### Enemy sprites\n0. Space whale (idle loop, 6 frames)\n"
    )
    store.write(P, "spec-lists", spec_list.model_copy(update={"text": inserted}))
    second = refine_spec_list(store, P, L, now="2026-02-11T00:00:01Z")
    old, new = first.spec_list.derived_spec_ids, second.spec_list.derived_spec_ids
    assert set(old) < set(new) and len(new) == len(old) + 1
    assert not second.written[1:] and second.deprecated == ()  # only the new item's spec is written
    assert set(second.unchanged) == set(old)


def test_hand_edited_specs_with_line_numbered_ids_are_matched_and_kept(store: ProjectStore) -> None:
    """A list refined before ids came from the text (``<list>-l<line>``): its specs keep their ids."""
    refine_spec_list(store, P, L, now="2026-02-11T00:00:00Z")
    spec_list = store.read(P, "spec-lists", L)
    item = next(i for i in spec_list.refinement.items if i.text == "Mine layer turret")
    keyed = store.read(P, "specs", item.spec_ids[0])
    legacy_id = derive_spec_id(L, item.line)
    legacy = keyed.model_copy(
        update={"id": legacy_id, "title": "Mine layer turret (edited by hand)"}, deep=True
    )
    legacy.source.key = None
    store.write(P, "specs", legacy)
    store.delete(P, "specs", keyed.id)
    derived = [legacy_id if s == keyed.id else s for s in spec_list.derived_spec_ids]
    store.write(P, "spec-lists", spec_list.model_copy(update={"derived_spec_ids": derived}))
    outcome = refine_spec_list(store, P, L, now="2026-02-11T00:00:01Z")
    assert (
        legacy_id in outcome.spec_list.derived_spec_ids and keyed.id not in outcome.spec_list.derived_spec_ids
    )
    assert legacy_id in outcome.kept and not store.exists(P, "specs", keyed.id)
    assert store.read(P, "specs", legacy_id).title == "Mine layer turret (edited by hand)"
    report_item = next(i for i in outcome.spec_list.refinement.items if i.text == "Mine layer turret")
    assert any(f"kept the id {legacy_id}" in a for a in report_item.assumptions)


def test_the_fixture_wishlist_is_in_the_origin_shape() -> None:
    text = json.loads(
        (
            Path(__file__).parents[2]
            / "fixtures/assetgenerator/projects/voidrunner/spec-lists/specList_voidrunner.json"
        ).read_text()
    )["text"]
    lines = text.splitlines()
    assert len(lines) >= 60 and lines[0].startswith("# ")
    assert {"## Project context", "## Assets needed", "### Audio (future pipeline)"} <= set(lines)
    numbers = [int(line.split(".")[0]) for line in lines if line[:1].isdigit()]
    assert numbers[:8] == [1, 2, 3, 4, 5, 5, 7, 8]  # numbering repeats and skips, as the origin's does
    assert len(numbers) >= 30 and any("   - " in line for line in lines)  # indented sub-bullets


def test_names_of_a_type_counted_as_variants_make_one_spec(store: ProjectStore) -> None:
    catalog = store.read_catalog(P, "asset-types")
    next(t for t in catalog.asset_types if t.id == "ui_icon").count_means = "variants"
    store.write_catalog(P, "asset-types", catalog)
    refine_spec_list(store, P, L, now="2026-02-11T00:00:00Z")
    (ammo,) = specs_by_item(store)["Ammo icons: laser / plasma / spread"]
    assert ammo.generation_params.variants == 3 and ammo.id.endswith(
        "-ui_menu-ammo_icons_laser_plasma_spread"
    )
    report = store.read(P, "spec-lists", L).refinement
    item = next(i for i in report.items if i.text.startswith("Ammo icons"))
    assert any("one spec with 3 variants (ui_icon countMeans)" in a for a in item.assumptions)
    (projectile, *_) = specs_by_item(store)["Projectiles: laser / plasma / spread (4 frames each)"]
    assert projectile.asset_type == "sprite"  # sprites still count as specs


def test_a_renamed_section_keeps_the_ids_of_its_items_and_members(store: ProjectStore) -> None:
    first = refine_spec_list(store, P, L, now="2026-02-11T00:00:00Z")
    spec_list = store.read(P, "spec-lists", L)
    renamed = spec_list.text.replace("### UI / menu", "### Menus and HUD")
    store.write(P, "spec-lists", spec_list.model_copy(update={"text": renamed}))
    second = refine_spec_list(store, P, L, now="2026-02-11T00:00:01Z")
    assert second.spec_list.derived_spec_ids == first.spec_list.derived_spec_ids
    ammo = next(i for i in second.spec_list.refinement.items if i.text.startswith("Ammo icons"))
    assert [store.read(P, "specs", s).title for s in ammo.spec_ids] == [
        "Ammo icons laser",
        "Ammo icons plasma",
        "Ammo icons spread",
    ]
    assert second.deprecated == ()
