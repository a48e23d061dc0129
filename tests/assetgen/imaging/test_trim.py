"""Trimming to the alpha bounding box with padding."""

from __future__ import annotations

import numpy as np
import pytest

from assetgen.errors import InvalidInput
from assetgen.imaging.trim import alpha_bounding_box, trim_to_alpha


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
    assert alpha_bounding_box(alpha).model_dump() == {"x": 0, "y": 0, "w": 10, "h": 10}
    assert alpha_bounding_box(alpha, alpha_min=4).model_dump() == {"x": 9, "y": 0, "w": 1, "h": 1}


def test_fully_transparent_and_bad_padding_are_clear_errors() -> None:
    with pytest.raises(InvalidInput, match="fully transparent"):
        trim_to_alpha(np.zeros((8, 8, 4), np.uint8))
    with pytest.raises(InvalidInput, match="padding"):
        trim_to_alpha(np.full((8, 8, 4), 255, np.uint8), padding_px=-1)
