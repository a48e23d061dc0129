"""Godot bundles of a strip with one shared pivot carry a scene whose sprite offset keeps the pivot at the origin."""

from __future__ import annotations

import numpy as np

from assetgen.export.godot import pivot_scene
from assetgen.imaging.spritesheet import SpriteFrame, build_spritesheet
from assetgen.models.atlas import AtlasAnimation


def sheet(pivots: list[tuple[float, float]]):
    frames = []
    for i, (px, py) in enumerate(pivots):
        image = np.zeros((40, 20, 4), np.uint8)
        image[5 + i : 38, 4:16] = (200, 50, 50, 255)
        frames.append(SpriteFrame(f"walk_e_{i:02d}", image, px, py))
    return build_spritesheet(frames)


def test_one_shared_pivot_gives_a_scene_with_the_offset() -> None:
    built = sheet([(0.5, 0.95)] * 3)
    walk = [AtlasAnimation(name="walk_e", frames=[f"walk_e_{i:02d}" for i in range(3)], fps=12, loop=True)]
    text3 = pivot_scene(built, walk, tres_name="walk.tres", godot_major=3)
    assert text3 is not None and 'type="AnimatedSprite"' in text3 and 'animation = "walk_e"' in text3
    assert "offset = Vector2( 0.0, -18.0 )" in text3  # (0.5 - 0.95) * 40 px: the feet at the origin
    text4 = pivot_scene(built, walk, tres_name="walk.tres", godot_major=4)
    assert (
        text4 is not None and 'type="AnimatedSprite2D"' in text4 and "offset = Vector2(0.0, -18.0)" in text4
    )


def test_no_scene_for_centred_or_differing_pivots() -> None:
    assert pivot_scene(sheet([(0.5, 0.5)] * 2), [], tres_name="a.tres", godot_major=3) is None
    assert pivot_scene(sheet([(0.5, 0.9), (0.5, 0.8)]), [], tres_name="a.tres", godot_major=4) is None
