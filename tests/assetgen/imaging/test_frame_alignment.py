"""One pivot for a strip: baseline and root x identical after alignment, 0 px jitter, no overflow."""

from __future__ import annotations

import numpy as np
import pytest

from assetgen.errors import InvalidInput
from assetgen.imaging.frame_alignment import align_frames, opaque_box, strip_jitter


def sprite(w: int, h: int, box: tuple[int, int, int, int], colour=(200, 40, 40)) -> np.ndarray:
    """A frame w x h with one opaque rectangle (left, top, right, bottom)."""
    image = np.zeros((h, w, 4), np.uint8)
    left, top, right, bottom = box
    image[top:bottom, left:right] = (*colour, 255)
    return image


def hopping_strip() -> list[np.ndarray]:
    """Frames whose sprites sit at different heights and x, with different sizes (a cropped-and-centred
    walk, the way independent cut-outs come out)."""
    return [
        sprite(64, 64, (20, 10, 40, 60)),
        sprite(64, 64, (10, 4, 44, 50)),
        sprite(80, 72, (30, 20, 52, 71)),
        sprite(64, 64, (0, 30, 20, 64)),
    ]


def test_after_alignment_feet_and_root_coincide_with_zero_jitter() -> None:
    frames = hopping_strip()
    before = strip_jitter(frames)
    assert before.baseline_px > 0 and before.root_px > 0
    strip = align_frames(frames, padding_px=2)
    after = strip_jitter(strip.frames)
    assert (after.baseline_px, after.root_px) == (0, 0)
    for frame in strip.frames:
        assert frame.shape == (strip.cell_h_px, strip.cell_w_px, 4)
        left, _, right, bottom = opaque_box(frame)
        assert bottom == strip.baseline_px
        assert (left + right) // 2 == strip.root_x_px
    assert strip.pivot_x == pytest.approx(strip.root_x_px / strip.cell_w_px)
    assert strip.pivot_y == pytest.approx(strip.baseline_px / strip.cell_h_px)


def test_no_frame_overflows_its_cell_and_nothing_is_rescaled() -> None:
    frames = hopping_strip()
    strip = align_frames(frames, padding_px=1)
    for original, aligned in zip(frames, strip.frames, strict=True):
        # Every opaque pixel survives (no crop), at its own scale (same count).
        assert (aligned[:, :, 3] > 0).sum() == (original[:, :, 3] > 0).sum()
        left, top, right, bottom = opaque_box(aligned)
        assert left >= 1 and top >= 1 and right <= strip.cell_w_px - 1 and bottom <= strip.cell_h_px - 1


def test_pose_roots_and_ground_lines_are_used_when_given() -> None:
    # A kicking leg widens the box; the pose's pelvis x, not the box centre, must stay put.
    frames = [sprite(64, 64, (28, 10, 36, 50)), sprite(64, 64, (28, 10, 52, 50))]
    strip = align_frames(frames, root_x_px=[32, 32], ground_y_px=[50, 50])
    assert strip.offsets_px[0] == strip.offsets_px[1]
    assert strip_jitter(strip.frames, root_x_px=[strip.root_x_px] * 2).root_px == 0


def test_errors_and_empty_frames() -> None:
    with pytest.raises(InvalidInput):
        align_frames([])
    with pytest.raises(InvalidInput):
        align_frames([sprite(8, 8, (1, 1, 4, 4))], root_x_px=[1, 2])
    strip = align_frames([sprite(8, 8, (1, 1, 4, 4)), np.zeros((8, 8, 4), np.uint8)])
    assert len(strip.frames) == 2 and not strip.frames[1][:, :, 3].any()
