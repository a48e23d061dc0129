"""Trimming a sprite to its visible pixels while remembering where they sat in the full frame."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from assetgen.errors import InvalidInput
from assetgen.image_files import as_rgba
from assetgen.models import Rect, Size


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


@dataclass(frozen=True)
class Trimmed:
    """A trimmed image and where it came from.

    ``rect`` is the content bounding box in source pixels (origin top-left); the image is that box
    grown by ``padding_px`` transparent pixels on every side, so its size is
    ``(rect.w + 2 * padding_px, rect.h + 2 * padding_px)`` and source pixel (x, y) sits at
    ``(x - rect.x + padding_px, y - rect.y + padding_px)``.
    """

    rgba: np.ndarray
    rect: Rect
    padding_px: int
    source_size: Size


def trim_to_alpha(rgba: np.ndarray, *, padding_px: int = 0, alpha_min: int = 1) -> Trimmed:
    """Crop to the visible content (alpha >= ``alpha_min``) plus ``padding_px`` (0-1024) transparent pixels."""
    rgba = as_rgba(rgba)
    if not 0 <= padding_px <= 1024:
        raise InvalidInput(f"padding {padding_px} px is out of range: use 0-1024")
    if not (rgba[:, :, 3] >= alpha_min).any():
        raise InvalidInput(
            "nothing is left to trim to: the image is fully transparent after background removal "
            "(try a lower threshold, or another method)"
        )
    box = content_box(rgba, alpha_threshold=alpha_min - 1)
    p = padding_px
    out = np.zeros((box.h_px + 2 * p, box.w_px + 2 * p, 4), dtype=np.uint8)
    out[p : p + box.h_px, p : p + box.w_px] = crop_to_box(rgba, box)
    rect = Rect(x=box.x_px, y=box.y_px, w=box.w_px, h=box.h_px)
    return Trimmed(rgba=out, rect=rect, padding_px=p, source_size=Size(w=box.source_w_px, h=box.source_h_px))
