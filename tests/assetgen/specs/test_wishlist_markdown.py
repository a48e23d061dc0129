"""The markdown wishlist reader: sections and their hints, items and sub-bullets, and item expansion."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assetgen.ids import ID_PATTERN
from assetgen.models import SpecList
from assetgen.specs.project_context import load_project_context
from assetgen.specs.refine import plan_refinement
from assetgen.specs.wishlist_markdown import (
    MarkdownItem,
    NamedAnimation,
    Section,
    classify_section,
    expand_item,
    is_markdown_wishlist,
    read_markdown_wishlist,
    resolve_type_hint,
)
from assetgen.store import ProjectStore
from tests.assetgenerator_fixture import SEEDED_PROJECT, SEEDED_PROJECT_ID

SPRITES = Section("Gameplay sprites (multi-frame)", "assets", type_hint="sprite", kind_hint="animation")


def item(text: str, *members: str, section: Section = SPRITES) -> MarkdownItem:
    return MarkdownItem(1, text, section, members)


def test_markdown_is_told_apart_from_plain_wishlists() -> None:
    assert is_markdown_wishlist("# Title\n## Assets\n1. coin icon")
    assert not is_markdown_wishlist("# a comment\ncoin icon 64x64\n#not a heading")


@pytest.mark.parametrize(
    ("title", "role", "type_hint", "kind_hint"),
    [
        ("Gameplay sprites (multi-frame)", "assets", "sprite", "animation"),
        ("Enemy sprites", "assets", "sprite", None),
        ("Backgrounds & textures", "assets", "texture", None),
        ("UI / menu", "assets", "ui", None),
        ("Narrative images (single images)", "assets", "illustration", "single_image"),
        ("Project context", "context", None, None),
        ("Audio (future pipeline)", "skipped", None, None),
        ("Music & SFX", "skipped", None, None),
        ("Global do / don't", "guidance", None, None),
        ("Assets needed", "assets", None, None),
    ],
)
def test_section_headings(title, role, type_hint, kind_hint) -> None:
    section = classify_section(title, level=3)
    assert (section.role, section.type_hint, section.kind_hint) == (role, type_hint, kind_hint)


def test_hints_resolve_against_the_catalog() -> None:
    origin_types = {"ui_icon", "logo", "sprite", "spritesheet", "texture", "tile", "overlay"}
    assert resolve_type_hint("ui", origin_types) == "ui_icon"
    assert resolve_type_hint("illustration", origin_types) == "texture"
    assert resolve_type_hint("illustration", origin_types | {"illustration"}) == "illustration"
    assert resolve_type_hint("vfx", origin_types) == "overlay"
    assert resolve_type_hint("sprite", {"ui_icon"}) is None and resolve_type_hint(None, origin_types) is None


def test_items_sub_bullets_context_and_skipped_lines() -> None:
    doc = read_markdown_wishlist(
        "# Game\n\n## Project context\n- Name: Game\n- Style: pixel art\n\n## Assets needed\n"
        "### Enemy sprites\n1. Rocks\n   - small rock\n   - big rock\n1. Drone\n\n### Audio\n1. Theme\n"
    )
    assert doc.title == "Game"
    assert [(e.key, e.value) for e in doc.context] == [("name", "Game"), ("style", "pixel art")]
    assert [(i.line, i.text, i.members) for i in doc.items] == [
        (9, "Rocks", ("small rock", "big rock")),
        (12, "Drone", ()),
    ]
    assert [(i.text, why) for i, why in doc.skipped] == [("Theme", "not an image section (audio)")]


def test_slash_lists_make_one_wish_per_name_with_stable_keys() -> None:
    wishes = expand_item(item("Projectiles: laser / plasma / spread (4 frames each)"))
    assert [w.text for w in wishes] == [
        f"Projectiles: {n} (4 frames each)" for n in ("laser", "plasma", "spread")
    ]
    assert [w.key for w in wishes] == [
        f"gameplay_sprites-projectiles_laser_plasma_spread-{n}" for n in ("laser", "plasma", "spread")
    ]
    assert [w.member for w in expand_item(item("Explosion small/medium/large"))] == [
        "small",
        "medium",
        "large",
    ]


def test_directions_and_named_groups_make_animations() -> None:
    (bank,) = expand_item(item("Player ship bank left/right (3 frames each)"))
    assert bank.animations == (NamedAnimation("bank_left", 3), NamedAnimation("bank_right", 3))
    (drone,) = expand_item(item("Scout drone (idle + attack frames)"))
    assert [a.name for a in drone.animations] == ["idle", "attack"]
    (shield,) = expand_item(item("Shield bubble (idle loop, hit flash loop)"))
    assert shield.animations == (NamedAnimation("idle", loop=True), NamedAnimation("hit_flash", loop=True))
    (boss,) = expand_item(item("Boss core (idle loop, 8 frames)"))
    assert (
        boss.animations == () and boss.text == "Boss core (idle loop, 8 frames)"
    )  # one animation: the grammar's


def test_ranges_states_and_parallax_layers() -> None:
    (explosion,) = expand_item(item("Explosion (8–12 frames)"))
    assert explosion.text == "Explosion (10 frames)" and "10 chosen" in explosion.assumptions[0]
    (button,) = expand_item(item("Play button (default + hover + pressed)"))
    assert button.ui_states == ("default", "hover", "pressed") and button.animations == ()
    layers = expand_item(item("Nebula backdrop (parallax layers)", "separate PNGs: far / mid / near"))
    assert [(w.layer, w.text) for w in layers] == [
        (n, f"Nebula backdrop, {n} parallax layer") for n in ("far", "mid", "near")
    ]
    assert [w.layer for w in expand_item(item("Sky (parallax layers)"))] == ["far", "mid", "near"]


def test_keys_ignore_numbers_and_parentheses() -> None:
    assert (
        expand_item(item("Pickup orb (loop, 6 frames)"))[0].key
        == expand_item(item("Pickup orb 8 frames"))[0].key
    )


FRAGMENTS = st.sampled_from(
    ["(", ")", " + ", " / ", "/", ", ", ": ", "loop", "frames", "8–12", "3", " each", "idle", "left", "right",
     "parallax layers", "separate PNGs", "UI", "sprites", "textures", "pixel art", "default", "hover", "tileable",
     "x", "é", "ship", "icon", " ", "64x64", "variants", "-", "a/b/c/d/e/f", "\t"]
)  # fmt: skip
HEADINGS = st.sampled_from(
    ["### Enemy sprites", "### UI / menu", "### Backgrounds & textures", "### Narrative images (single images)",
     "## Project context", "### Gameplay sprites (multi-frame)", "### Audio", "## Global do / don't", "#"]
)  # fmt: skip
LINES = st.one_of(
    HEADINGS,
    st.tuples(
        st.sampled_from(["1. ", "5) ", "- ", "   - ", ""]), st.lists(FRAGMENTS, max_size=12).map("".join)
    ).map("".join),
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(LINES, max_size=14).map("\n".join))
def test_any_markdown_refines_or_explains(text: str) -> None:
    """Whatever the markdown, refinement plans specs with valid ids or reports why; it never crashes."""
    context = load_project_context(ProjectStore(SEEDED_PROJECT.parents[1]), SEEDED_PROJECT_ID)
    spec_list = SpecList(id="md", project_id=SEEDED_PROJECT_ID, title="t", text="## Assets\n" + text)
    plan = plan_refinement(spec_list, context, now="2026-01-01T00:00:00Z")
    ids = [spec.id for _, spec in plan.specs]
    assert len(ids) == len(set(ids)) and all(ID_PATTERN.fullmatch(i) for i in ids)
    assert all(spec.source and spec.source.key for _, spec in plan.specs)


def test_overlong_items_and_huge_lists_are_capped_with_a_warning() -> None:
    context = load_project_context(ProjectStore(SEEDED_PROJECT.parents[1]), SEEDED_PROJECT_ID)
    names = " / ".join(f"n{i}" for i in range(150))
    text = f"### Enemy sprites\n1. Rocks: {names}\n2. {'long ' * 300}drone\n"
    plan = plan_refinement(
        SpecList(id="md", project_id=SEEDED_PROJECT_ID, title="t", text=text), context, now="x"
    )
    rocks, drone = plan.items
    assert len(rocks.spec_ids) == 100 and any("capped at 100" in w for w in rocks.warnings)
    assert drone.spec_ids == [] and "split it into shorter items" in drone.warnings[0]
