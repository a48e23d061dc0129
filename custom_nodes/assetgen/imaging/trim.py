"""Trim an RGBA image to the bounding box of its visible pixels, with transparent padding."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from assetgen.errors import InvalidInput
from assetgen.image_files import as_rgba
from assetgen.models import Rect, Size


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


def alpha_bounding_box(alpha: np.ndarray, *, alpha_min: int = 1) -> Rect | None:
    """Bounding box of pixels with alpha >= ``alpha_min``; None when there is none."""
    rows = np.flatnonzero((alpha >= alpha_min).any(axis=1))
    if rows.size == 0:
        return None
    cols = np.flatnonzero((alpha[rows[0] : rows[-1] + 1] >= alpha_min).any(axis=0))
    return Rect(x=int(cols[0]), y=int(rows[0]), w=int(cols[-1] - cols[0] + 1), h=int(rows[-1] - rows[0] + 1))


def trim_to_alpha(rgba: np.ndarray, *, padding_px: int = 0, alpha_min: int = 1) -> Trimmed:
    """Crop to the visible content (alpha >= ``alpha_min``) plus ``padding_px`` (0-1024) transparent pixels."""
    rgba = as_rgba(rgba)
    if not 0 <= padding_px <= 1024:
        raise InvalidInput(f"padding {padding_px} px is out of range: use 0-1024")
    height, width = rgba.shape[:2]
    rect = alpha_bounding_box(rgba[:, :, 3], alpha_min=alpha_min)
    if rect is None:
        raise InvalidInput(
            "nothing is left to trim to: the image is fully transparent after background removal "
            "(try a lower threshold, or another method)"
        )
    p = padding_px
    out = np.zeros((rect.h + 2 * p, rect.w + 2 * p, 4), dtype=np.uint8)
    out[p : p + rect.h, p : p + rect.w] = rgba[rect.y : rect.y + rect.h, rect.x : rect.x + rect.w]
    return Trimmed(rgba=out, rect=rect, padding_px=p, source_size=Size(w=width, h=height))
