"""Frame naming, grouping and the AssetSpec animation record."""

from __future__ import annotations

import pytest

from assetgen.errors import InvalidInput
from assetgen.models import AssetSpec, AtlasAnimation
from assetgen.models.spec import AnimationSpec, SpecOutput, SpecPrompt
from assetgen.post.animation import (
    frame_duration_ms,
    group_animations,
    natural_sort_key,
    numbered_frame_names,
    spec_with_animation,
    split_frame_number,
)


def test_names_and_groups() -> None:
    assert sorted(["f10", "f2", "F1"], key=natural_sort_key) == ["F1", "f2", "f10"]
    assert split_frame_number("walk_03") == ("walk", 3) and split_frame_number("walk-3") == ("walk", 3)
    assert split_frame_number("idle") is None and split_frame_number("12") is None
    assert numbered_frame_names("run", 3) == ["run_00", "run_01", "run_02"]
    assert numbered_frame_names("run", 101)[-1] == "run_100"
    groups = group_animations(["walk_1", "icon", "walk_2", "jump_1", "coin_1", "coin_2"], fps=8, loop=False)
    assert [(g.name, g.frames, g.fps, g.loop) for g in groups] == [
        ("walk", ["walk_1", "walk_2"], 8, False),
        ("coin", ["coin_1", "coin_2"], 8, False),
    ]
    assert frame_duration_ms(12) == 83
    with pytest.raises(InvalidInput):
        frame_duration_ms(0)


def test_spec_with_animation_records_fps_loop_and_order() -> None:
    spec = AssetSpec(
        id="s1",
        project_id="p",
        asset_type="spritesheet",
        title="t",
        style="s",
        scenario="c",
        prompt=SpecPrompt(positive="a", negative="b"),
        output=SpecOutput(kind="animation", animation=AnimationSpec(name="old", frame_prompts=["x", "y"])),
    )
    updated = spec_with_animation(
        spec, AtlasAnimation(name="walk", frames=["walk_00", "walk_01"], fps=8, loop=False)
    )
    animation = updated.output.animation
    assert (animation.name, animation.fps, animation.loop, animation.frame_count) == ("walk", 8, False, 2)
    assert animation.frame_names == ["walk_00", "walk_01"] and animation.frame_prompts == ["x", "y"]
    assert spec.output.animation.name == "old", "the input spec is not changed"
    dumped = updated.model_dump(mode="json")
    assert dumped["output"]["animation"]["frameNames"] == ["walk_00", "walk_01"]
