"""The wishlist grammar: splitting, each construct, and never crashing on arbitrary text."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assetgen.settings import REPO_DIR
from assetgen.specs.project_context import ProjectContext, load_project_context
from assetgen.specs.wishlist import MAX_LINES, Vocabulary, build_vocabulary, parse_wish, slugify, split_wishes
from assetgen.store import ProjectStore


@pytest.fixture(scope="module")
def context() -> ProjectContext:
    return load_project_context(ProjectStore(REPO_DIR / "data"), "demo")


@pytest.fixture(scope="module")
def vocabulary(context: ProjectContext) -> Vocabulary:
    return build_vocabulary(context)


def test_split_handles_bullets_comments_headings_and_parts() -> None:
    text = "Title:\r\n# note\n- a; b ;; c\n\n  2) d\n\x00\x01 e \x7f\n"
    wishes, warnings = split_wishes(text)
    assert warnings == []
    assert [(w.line, w.part, w.text, w.is_heading) for w in wishes] == [
        (1, None, "Title:", True),
        (3, 1, "a", False),
        (3, 2, "b", False),
        (3, 3, "c", False),
        (5, None, "d", False),
        (6, None, "e", False),
    ]


def test_split_limits_lines() -> None:
    wishes, warnings = split_wishes("coin icon\n" * (MAX_LINES + 5))
    assert len(wishes) == MAX_LINES and "split it" in warnings[0]


def test_vocabulary_prefers_longer_phrases(vocabulary: Vocabulary) -> None:
    wish = parse_wish("button icon", vocabulary)
    assert wish.asset_type_id == "ui_icon"
    assert parse_wish("menu button", vocabulary).asset_type_id == "ui_button"


@pytest.mark.parametrize(
    ("text", "attribute", "expected"),
    [
        ("3 enemies", "count", 3),
        ("twelve coin icons", "count", 12),
        ("coin icon x4", "count", 4),
        ("64 x 64 coin icon", "sizes", [(64, 64)]),
        ("coin icon 48px", "sizes", [(48, 48)]),
        ("coin icon, top down", "view", "top_down"),
        ("coin icon, overhead", "view", "top_down"),
        ("coin icon, three-quarter view", "view", "three_quarter"),
        ("hero, side-scroller", "view", "side"),
        ("alpha wolf enemy", "background", None),
        ("wolf enemy with alpha", "background", "transparent"),
        ("coin icon, cut-out", "background", "transparent"),
        ("coin icon, opaque", "background", "opaque"),
        ("hero, 8 frames at 12.5 fps", "fps", 12.5),
        ("hero, walking cycle", "animation_name", "walk"),
        ("hero, looping idle animation", "loop", True),
        ("coin icon, seed: 7", "seed", 7),
        ("coin icon, seed 99999999999999999999999", "seed", None),
        ("coin icon, 3 variations", "variants", 3),
        ("coin icon, 999 variants", "variants", None),
        ("button, states: hover, disabled", "ui_states", ["hover", "disabled"]),
        ("button with ui states", "ui_states", []),
        ("coin icon, silhouette: round", "silhouettes", ["round silhouette"]),
        ("coin icon, in cool colours", "palette_ids", ["cool"]),
        ("knight set in the fantasy forest", "scenario_id", "fantasy_forest"),
        ("coin icon, https://a.example/x.png, https://b.example/y", "urls",
         ["https://a.example/x.png", "https://b.example/y"]),
        ("coin icon, entity: gold_coin", "entity_id", "gold_coin"),
        ("coin icon, checkpoint: ckpt_x", "checkpoint_id", "ckpt_x"),
        ("coin icon, avoid gradients", "negatives", ["gradients"]),
    ],
)  # fmt: skip
def test_constructs(vocabulary: Vocabulary, text: str, attribute: str, expected: object) -> None:
    wish = parse_wish(text, vocabulary)
    assert getattr(wish, attribute) == expected, vars(wish)


def test_unknown_style_and_scenario_are_reported(vocabulary: Vocabulary) -> None:
    wish = parse_wish("knight character, noir style, space scenario", vocabulary)
    assert wish.style_id is None and wish.scenario_id is None
    assert any("unknown style 'noir'" in w for w in wish.warnings)
    assert any("unknown scenario" in w for w in wish.warnings)


def test_slugify() -> None:
    assert slugify("Hero  Knight!") == "hero_knight"
    assert slugify("!!!") == ""
    assert len(slugify("x" * 500)) == 64


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300))
def test_parse_never_raises_on_arbitrary_text(vocabulary: Vocabulary, text: str) -> None:
    for wish_line in split_wishes(text)[0]:
        wish = parse_wish(wish_line.text, vocabulary)
        assert wish.asset_type_id is None or wish.asset_type_id in vocabulary.asset_type_ids
        assert wish.count is None or wish.count >= 1


WORDS = st.sampled_from(
    "hero icon tile vfx 12 64x64 8-frame walk cycle at 12 fps top-down side view isometric 3/4 "
    "transparent background warm palette #ff00aa seed 3 variants no text pixel art style ; , - states "
    "hover pressed x3 frames: 4 ref 2 see a.png https://e.x/y entity: e1 lora: l type: prop".split()
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(WORDS, max_size=25).map(" ".join))
def test_parse_never_raises_on_grammar_soup(vocabulary: Vocabulary, text: str) -> None:
    for wish_line in split_wishes(text)[0]:
        parse_wish(wish_line.text, vocabulary)
