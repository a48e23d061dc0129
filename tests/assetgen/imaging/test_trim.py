"""Trim boxes: alpha bounding box, and restoring the full frame from the trimmed pixels."""

from __future__ import annotations

import numpy as np
import pytest

from assetgen.errors import InvalidInput
from assetgen.imaging.trim import content_box, crop_to_box, full_box, restore_from_box, trim_to_alpha
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


def test_trim_with_padding_keeps_pixels_and_reports_the_rect() -> None:
    rgba = np.zeros((40, 50, 4), np.uint8)
    rgba[5:15, 10:30] = (200, 10, 10, 255)
    rgba[14, 29, 3] = 40  # a faint corner still counts
    trimmed = trim_to_alpha(rgba, padding_px=3)
    assert trimmed.rect.model_dump() == {"x": 10, "y": 5, "w": 20, "h": 10}
    assert trimmed.rgba.shape == (16, 26, 4)
    assert trimmed.source_size.w == 50 and trimmed.source_size.h == 40
    assert np.array_equal(trimmed.rgba[3:13, 3:23], rgba[5:15, 10:30])
    assert trimmed.rgba[:3].sum() == 0 and trimmed.rgba[:, :3].sum() == 0


def test_alpha_min_and_edges() -> None:
    alpha = np.zeros((10, 10), np.uint8)
    alpha[0, 9] = 255
    alpha[9, 0] = 3
    rgba = np.dstack([np.zeros((10, 10, 3), np.uint8), alpha])
    assert trim_to_alpha(rgba).rect.model_dump() == {"x": 0, "y": 0, "w": 10, "h": 10}
    assert trim_to_alpha(rgba, alpha_min=4).rect.model_dump() == {"x": 9, "y": 0, "w": 1, "h": 1}


def test_fully_transparent_and_bad_padding_are_clear_errors() -> None:
    with pytest.raises(InvalidInput, match="fully transparent"):
        trim_to_alpha(np.zeros((8, 8, 4), np.uint8))
    with pytest.raises(InvalidInput, match="padding"):
        trim_to_alpha(np.full((8, 8, 4), 255, np.uint8), padding_px=-1)
