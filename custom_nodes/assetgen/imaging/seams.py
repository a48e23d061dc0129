"""The seam of a repeated tile, measured: how much bigger the colour step across the wrap-around edge is
than the steps between neighbouring columns (rows) inside the image.

For the x axis (the tile repeats left/right) the wrap step is the mean absolute RGB difference between
the last and the first column; the interior step is the same mean over the neighbouring interior column
pairs next to the seam (``window_px`` pairs on each side, 1 by default). ``ratio = wrap / interior``: about 1.0 means
the repeat shows no seam; a generated image that was not made tileable measures several times that.
Same for y with rows. The reference is local on purpose: a single seam column pair is compared with the
pairs beside it, which see the same stretch of texture, so a smooth texture's large-scale changes in
contrast do not move the ratio (a whole-image mean makes a perfect wrap measure anywhere from 0.7 to 1.3
on a 128 px tile).

A plain border "wraps" trivially (two equal flat edges), so a tile must also be *full-bleed*: the
border lines carry detail comparable to the interior (``border_activity``: the mean step along each
border line divided by the mean step along interior lines; 0 for a flat border).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from assetgen.errors import InvalidInput
from assetgen.image_files import as_rgba

AXES = ("x", "y")
# A border line is "full-bleed" when it varies at least this much relative to the interior lines.
FULL_BLEED_MIN_ACTIVITY = 0.35


@dataclass(frozen=True)
class SeamMeasure:
    """The seam of one axis of a tile."""

    axis: str
    wrap_step: float
    interior_step: float
    ratio: float
    border_activity: float

    @property
    def is_full_bleed(self) -> bool:
        """True when both border lines of this axis carry content comparable to the interior."""
        return self.border_activity >= FULL_BLEED_MIN_ACTIVITY

    def passes(self, ratio_max: float) -> bool:
        """True when the seam ratio is within ``ratio_max`` and the border is full-bleed."""
        return self.ratio <= ratio_max and self.is_full_bleed

    def as_dict(self) -> dict[str, float | str | bool]:
        """JSON-ready values (ratio rounded to 4 places)."""
        return {
            "axis": self.axis,
            "ratio": round(self.ratio, 4),
            "wrapStep": round(self.wrap_step, 4),
            "interiorStep": round(self.interior_step, 4),
            "borderActivity": round(self.border_activity, 4),
            "fullBleed": self.is_full_bleed,
        }


def _rgb(image: np.ndarray) -> np.ndarray:
    rgba = as_rgba(image)
    if rgba.shape[0] < 3 or rgba.shape[1] < 3:
        raise InvalidInput(
            f"a tile needs at least 3x3 pixels to measure a seam, got {rgba.shape[1]}x{rgba.shape[0]}"
        )
    return rgba[:, :, :3].astype(np.float64)


def _ratio(numerator: float, denominator: float) -> float:
    if denominator <= 1e-9:
        return 0.0 if numerator <= 1e-9 else float("inf")
    return numerator / denominator


def measure_seam(image: np.ndarray, axis: str, *, window_px: int = 1) -> SeamMeasure:
    """The seam across the wrap-around edge of ``axis`` ("x": left/right, "y": top/bottom), against the
    ``window_px`` neighbouring interior column (row) pairs on each side of it."""
    if axis not in AXES:
        raise InvalidInput(f"unknown seam axis {axis!r}; use one of {', '.join(AXES)}")
    rgb = _rgb(image)
    if axis == "y":  # rows become columns: one code path
        rgb = rgb.transpose(1, 0, 2)
    if not 1 <= window_px <= (rgb.shape[1] - 1) // 2:
        raise InvalidInput(f"window_px must be 1..{(rgb.shape[1] - 1) // 2} for this tile, got {window_px}")
    steps = np.abs(np.diff(rgb, axis=1)).mean(axis=(0, 2))  # (W-1,): mean step per neighbouring column pair
    interior = float(np.concatenate([steps[:window_px], steps[-window_px:]]).mean())
    wrap = float(np.abs(rgb[:, 0] - rgb[:, -1]).mean())
    along = np.abs(np.diff(rgb, axis=0)).mean(axis=(0, 2))  # mean step along each column, (W,)
    interior_along = float(along[1:-1].mean())
    activity = min(_ratio(float(along[0]), interior_along), _ratio(float(along[-1]), interior_along))
    if interior_along <= 1e-9:  # a flat image: no border can be "comparable" to nothing
        activity = 0.0
    return SeamMeasure(
        axis=axis,
        wrap_step=wrap,
        interior_step=interior,
        ratio=_ratio(wrap, interior),
        border_activity=activity,
    )


def measure_seams(image: np.ndarray, axes: str = "both", *, window_px: int = 1) -> list[SeamMeasure]:
    """One measure per wrapped axis; ``axes`` is both, x or y (as Make Tileable takes it)."""
    if axes not in ("both", "x", "y"):
        raise InvalidInput(f"unknown tile axes {axes!r}; use both, x or y")
    return [measure_seam(image, axis, window_px=window_px) for axis in (AXES if axes == "both" else (axes,))]


def repeat_grid(image: np.ndarray, *, columns: int = 3, rows: int = 3) -> np.ndarray:
    """The tile repeated ``columns x rows`` times (a 3x3 repeat shows any seam at a glance)."""
    if not (1 <= columns <= 16 and 1 <= rows <= 16):
        raise InvalidInput(f"a repeat grid is 1..16 tiles per side, got {columns}x{rows}")
    return np.tile(as_rgba(image), (rows, columns, 1))
