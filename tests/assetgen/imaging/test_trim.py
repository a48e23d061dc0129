"""Trim boxes: alpha bounding box, and restoring the full frame from the trimmed pixels."""

from __future__ import annotations

import numpy as np

from assetgen.imaging.trim import content_box, crop_to_box, full_box, restore_from_box
from tests.sprite_factory import sprite


def test_content_box_finds_the_visible_pixels_and_restores_exactly() -> None:
    frame = sprite(20, 12, seed=1, margin=(3, 2, 4, 1))
    box = content_box(frame)
    assert (box.x_px, box.y_px, box.w_px, box.h_px, box.source_w_px, box.source_h_px) == (3, 2, 13, 9, 20, 12)
    assert box.is_trimmed
    assert np.array_equal(restore_from_box(crop_to_box(frame, box), box), frame)


def test_a_clear_frame_keeps_one_pixel_and_threshold_trims_faint_pixels() -> None:
    clear = np.zeros((5, 7, 4), np.uint8)
    assert content_box(clear).w_px == 1 and content_box(clear).source_w_px == 7
    faint = clear.copy()
    faint[1, 1] = [255, 0, 0, 3]
    faint[3, 4] = [255, 0, 0, 200]
    assert content_box(faint).w_px == 4
    assert (content_box(faint, alpha_threshold=3).x_px, content_box(faint, alpha_threshold=3).w_px) == (4, 1)
    assert not full_box(clear).is_trimmed
