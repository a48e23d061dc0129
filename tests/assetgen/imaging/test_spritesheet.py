"""Spritesheets: every frame comes back pixel-exactly; extrusion bleeds edges without moving the sprite."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assetgen.errors import InvalidInput
from assetgen.image_files import encode_png
from assetgen.imaging.spritesheet import (
    SpriteFrame,
    build_spritesheet,
    extract_frame,
    render_preview,
    unrotated,
)
from assetgen.models import PackSettings
from tests.sprite_factory import sprite, walk_frames


def assert_reconstructs(sheet, frames) -> None:
    for placed, original in zip(sheet.frames, frames, strict=True):
        assert placed.name == original.name
        assert np.array_equal(extract_frame(sheet.pages[placed.page], placed), original.rgba), placed.name
    # No two stored regions (with their extrusion) overlap.
    ext = sheet.settings.extrude_px
    rects = [
        (f.page, f.x_px - ext, f.y_px - ext, f.stored_w_px + 2 * ext, f.stored_h_px + 2 * ext)
        for f in sheet.frames
    ]
    for i, a in enumerate(rects):
        for b in rects[i + 1 :]:
            if a[0] == b[0]:
                assert (
                    a[1] + a[3] <= b[1] or b[1] + b[3] <= a[1] or a[2] + a[4] <= b[2] or b[2] + b[4] <= a[2]
                )


frame_strategy = st.tuples(
    st.integers(1, 40), st.integers(1, 40), st.integers(0, 10_000), st.tuples(*[st.integers(0, 5)] * 4)
)


@settings(max_examples=30, deadline=None)
@given(
    specs=st.lists(frame_strategy, min_size=1, max_size=25),
    padding=st.integers(0, 3),
    extrude=st.integers(0, 2),
    rotate=st.booleans(),
    trim=st.booleans(),
    pot=st.booleans(),
)
def test_every_frame_reconstructs_pixel_exactly(specs, padding, extrude, rotate, trim, pot) -> None:
    frames = []
    for i, (w, h, seed, (left, t, r, b)) in enumerate(specs):
        frames.append(
            SpriteFrame(f"f_{i}", sprite(w + left + r, h + t + b, seed=seed, margin=(left, t, r, b)))
        )
    settings_ = PackSettings(
        max_size_px=128,
        padding_px=padding,
        extrude_px=extrude,
        allow_rotation=rotate,
        trim=trim,
        power_of_two=pot,
    )
    sheet = build_spritesheet(frames, settings=settings_)
    assert_reconstructs(sheet, frames)
    assert_reconstructs(unrotated(sheet), frames)


def test_extrusion_copies_edges_and_keeps_the_sprite_in_place() -> None:
    frames = [SpriteFrame("a", sprite(10, 8, seed=1)), SpriteFrame("b", sprite(6, 9, seed=2))]
    plain = build_spritesheet(frames, settings=PackSettings(extrude_px=0, padding_px=0))
    bled = build_spritesheet(frames, settings=PackSettings(extrude_px=2, padding_px=0))
    assert_reconstructs(bled, frames)
    for frame in bled.frames:
        page = bled.pages[frame.page]
        x, y, w, h = frame.x_px, frame.y_px, frame.stored_w_px, frame.stored_h_px
        assert np.array_equal(page[y - 2 : y, x : x + w], np.repeat(page[y : y + 1, x : x + w], 2, axis=0))
        assert np.array_equal(
            page[y + h : y + h + 2, x : x + w], np.repeat(page[y + h - 1 : y + h, x : x + w], 2, axis=0)
        )
        assert np.array_equal(page[y : y + h, x - 2 : x], np.repeat(page[y : y + h, x : x + 1], 2, axis=1))
        assert np.array_equal(page[y - 2, x - 2], page[y, x])  # corners too
    assert [f.w_px for f in plain.frames] == [f.w_px for f in bled.frames]


def test_rotated_frames_are_stored_clockwise() -> None:
    frames = []
    for i in range(30):
        image = sprite(6 + (i * 7) % 30, 4 + (i * 11) % 37, seed=i)
        image[0, 0] = [255, 0, 0, 255]  # top-left marker, also keeps the frame untrimmed there
        image[-1, -1, 3] = 255
        frames.append(SpriteFrame(f"f{i}", image))
    sheet = build_spritesheet(frames, settings=PackSettings(allow_rotation=True, padding_px=0))
    rotated = [f for f in sheet.frames if f.is_rotated]
    assert rotated, "this set packs tighter with some frames turned"
    for frame in rotated:
        # Turned clockwise, the source's top-left corner lands at the stored region's top-right.
        top_right = sheet.pages[frame.page][frame.y_px, frame.x_px + frame.stored_w_px - 1]
        assert list(top_right) == [255, 0, 0, 255]
        assert (frame.stored_w_px, frame.stored_h_px) == (frame.h_px, frame.w_px)


def test_walk_cycle_keeps_order_pivots_and_source_size(artifacts_dir) -> None:
    frames = [SpriteFrame(f"walk_{i:02d}", f, 0.5, 1.0) for i, f in enumerate(walk_frames(8))]
    sheet = build_spritesheet(frames, settings=PackSettings(extrude_px=1))
    assert [f.name for f in sheet.frames] == [f.name for f in frames]
    assert all(
        (f.trim.source_w_px, f.trim.source_h_px) == (40, 56) and f.pivot_y == 1.0 for f in sheet.frames
    )
    preview = render_preview(sheet)
    assert preview.shape == sheet.pages[0].shape and (preview[..., 3] == 255).all()
    (artifacts_dir / "walk-preview.png").write_bytes(encode_png(preview))


def test_bad_input_is_refused_with_the_frame_name() -> None:
    image = sprite(8, 8, seed=1)
    with pytest.raises(InvalidInput, match="repeated"):
        build_spritesheet([SpriteFrame("a", image), SpriteFrame("a", image)])
    with pytest.raises(InvalidInput, match="pivot"):
        build_spritesheet([SpriteFrame("a", image, 1.5, 0)])
    with pytest.raises(InvalidInput, match="larger than the maximum page"):
        build_spritesheet([SpriteFrame("big", sprite(40, 40, seed=1))], settings=PackSettings(max_size_px=32))
    with pytest.raises(InvalidInput, match="no frames"):
        build_spritesheet([])
