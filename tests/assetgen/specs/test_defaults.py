"""Defaults by intent, checkpoint choice and generation-size snapping."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assetgen.models import Checkpoint
from assetgen.models.project import CheckpointProfile
from assetgen.settings import REPO_DIR
from assetgen.specs.defaults import (
    checkpoint_defaults,
    default_quality_contract,
    default_seed_policy,
    default_style_consistency,
    is_baseline_compatible,
    snap_generation_size,
)
from assetgen.specs.project_context import ProjectContext, load_project_context
from assetgen.store import ProjectStore


@pytest.fixture(scope="module")
def context() -> ProjectContext:
    return load_project_context(ProjectStore(REPO_DIR / "data"), "demo")


def with_checkpoints(
    context: ProjectContext, *extra: Checkpoint, profiles: dict | None = None
) -> ProjectContext:
    project = context.project.model_copy(deep=True)
    project.policies.checkpoint_profiles.update(profiles or {})
    checkpoints = {**context.checkpoints, **{c.id: c for c in extra}}
    return ProjectContext(
        **{**context.__dict__, "project": project, "checkpoints": dict(sorted(checkpoints.items()))}
    )


def ckpt(checkpoint_id: str, *types: str) -> Checkpoint:
    return Checkpoint(id=checkpoint_id, name=checkpoint_id, supported_asset_types=list(types), weights={})


def test_choice_prefers_a_default_profile_then_the_first_id(context: ProjectContext) -> None:
    assert checkpoint_defaults(context, "tile").checkpoint_id == "ckpt_sd15_demo"
    extended = with_checkpoints(context, ckpt("aaa_first", "tile"))
    assert checkpoint_defaults(extended, "tile").checkpoint_id == "ckpt_sd15_demo", "a default profile wins"
    bare = with_checkpoints(context, ckpt("aaa_first", "ghost"), ckpt("zzz", "ghost"))
    choice = checkpoint_defaults(bare, "ghost")
    assert choice.checkpoint_id == "aaa_first" and choice.profile_id is None
    profiled = with_checkpoints(
        context,
        ckpt("aaa_first", "ghost"),
        ckpt("zzz", "ghost"),
        profiles={"zzz": CheckpointProfile(profile_id="z1", version=3, default_for_checkpoint=True)},
    )
    choice = checkpoint_defaults(profiled, "ghost")
    assert (choice.checkpoint_id, choice.profile_id, choice.profile_version) == ("zzz", "z1", 3)
    missing = checkpoint_defaults(context, "ghost")
    assert missing.checkpoint_id is None and "supportedAssetTypes" in missing.reason


def test_baseline_compatibility(context: ProjectContext) -> None:
    assert is_baseline_compatible(context, "ckpt_sd15_demo", "baseline_demo")
    assert not is_baseline_compatible(context, "ckpt_sd15_demo", "other")


def test_defaults_by_intent(context: ProjectContext) -> None:
    icon = default_quality_contract(
        context, asset_type_id="ui_icon", output_kind="single_image", background_policy="transparent_only",
        checkpoint_id="ckpt_sd15_demo",
    )  # fmt: skip
    assert (icon.required_states, icon.alignment_tolerance_px) == (["default"], 2)
    ui = default_quality_contract(
        context, asset_type_id="ui_button", output_kind="ui_states", background_policy="transparent_only"
    )
    assert (
        ui.required_states == ["default", "hover", "pressed", "disabled"] and ui.alignment_tolerance_px == 1
    )
    vfx = default_quality_contract(
        context, asset_type_id="vfx_frame", output_kind="animation", background_policy="transparent_only",
        checkpoint_id="ckpt_sd15_demo",
    )  # fmt: skip
    walk = default_quality_contract(
        context, asset_type_id="character", output_kind="animation", background_policy="transparent_only",
        checkpoint_id="ckpt_sd15_demo",
    )  # fmt: skip
    assert (vfx.alignment_tolerance_px, walk.alignment_tolerance_px) == (4, 2)
    assert default_style_consistency("single_image").mode == "lock_to_spec_style"
    assert default_style_consistency("ui_states").mode == "lock_to_anchor_set"
    assert default_style_consistency("animation").mode == "inherit_project"
    assert default_seed_policy("single_image").mode == "random_recorded"
    assert default_seed_policy("animation").mode == "derived"
    assert default_seed_policy("animation", fixed_seed=5).base_seed == 5


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ((64, 64), (128, 128)),
        ((64, 32), (128, 64)),
        ((100, 30), (128, 40)),
        ((300, 200), (304, 200)),
        ((5000, 100), (2048, 48)),
        (None, (128, 128)),
    ],
)
def test_snap_generation_size(target: tuple[int, int] | None, expected: tuple[int, int]) -> None:
    assert snap_generation_size(target, base=(128, 128), multiple_px=8, max_side_px=2048) == expected


@given(st.integers(1, 9000), st.integers(1, 9000), st.sampled_from([1, 8, 64]), st.integers(64, 4096))
def test_snapped_sizes_are_multiples_within_the_cap(w: int, h: int, step: int, cap: int) -> None:
    width, height = snap_generation_size((w, h), base=(128, 128), multiple_px=step, max_side_px=cap)
    for side in (width, height):
        assert side % step == 0 and 16 <= side <= max(cap, 16)
