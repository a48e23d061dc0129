"""Trimming a sprite to its visible pixels while remembering where they sat in the full frame."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from assetgen.image_files import as_rgba


@dataclass(frozen=True)
class TrimBox:
    """The kept part of a frame: offset ``x_px, y_px`` and size inside the source of ``source_w_px x source_h_px``."""

    x_px: int
    y_px: int
    w_px: int
    h_px: int
    source_w_px: int
    source_h_px: int

    @property
    def is_trimmed(self) -> bool:
        """True when the box is smaller than the source frame."""
        return (self.w_px, self.h_px) != (self.source_w_px, self.source_h_px)


def content_box(rgba: np.ndarray, *, alpha_threshold: int = 0) -> TrimBox:
    """The bounding box of pixels with alpha > ``alpha_threshold`` (0..254); a fully clear frame keeps 1x1 at 0,0."""
    image = as_rgba(rgba)
    height, width = image.shape[:2]
    visible = image[:, :, 3] > alpha_threshold
    rows = np.flatnonzero(visible.any(axis=1))
    if rows.size == 0:
        return TrimBox(0, 0, 1, 1, width, height)
    cols = np.flatnonzero(visible.any(axis=0))
    top, bottom = int(rows[0]), int(rows[-1]) + 1
    left, right = int(cols[0]), int(cols[-1]) + 1
    return TrimBox(left, top, right - left, bottom - top, width, height)


def full_box(rgba: np.ndarray) -> TrimBox:
    """The untrimmed box: the whole frame."""
    height, width = rgba.shape[:2]
    return TrimBox(0, 0, width, height, width, height)


def crop_to_box(rgba: np.ndarray, box: TrimBox) -> np.ndarray:
    """The pixels of ``rgba`` inside ``box`` (a view, not a copy)."""
    return rgba[box.y_px : box.y_px + box.h_px, box.x_px : box.x_px + box.w_px]


def restore_from_box(trimmed: np.ndarray, box: TrimBox) -> np.ndarray:
    """Put a trimmed sprite back into a fully transparent frame of the source size."""
    frame = np.zeros((box.source_h_px, box.source_w_px, 4), np.uint8)
    frame[box.y_px : box.y_px + box.h_px, box.x_px : box.x_px + box.w_px] = trimmed
    return frame
