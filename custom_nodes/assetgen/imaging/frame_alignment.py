"""One pivot for a strip: every frame of an animation on one scale, one baseline and one root x.

Generated frames are cut out one by one; trimming and centring each on its own makes a walk hop. Here the
frames keep their size (one scale) and are moved, never resized: each frame's feet (the bottom of its
opaque box, or the pose's ground line) go to the same baseline and its root (the pose's pelvis x, or the
centre of its opaque box) to the same x. The cell is the union of the moved boxes plus padding, so no
frame overflows it, and the pivot (root x, baseline) is the same normalised point for every frame.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from assetgen.errors import InvalidInput
from assetgen.image_files import as_rgba


@dataclass(frozen=True)
class AlignedStrip:
    """Frames of one size ``cell_w_px`` x ``cell_h_px``; ``pivot_x``/``pivot_y`` are the shared root x and
    baseline, normalised (0..1, from the top left); ``offsets_px`` is how far each frame moved (dx, dy)."""

    frames: tuple[np.ndarray, ...] = field(repr=False)
    cell_w_px: int
    cell_h_px: int
    pivot_x: float
    pivot_y: float
    root_x_px: int
    baseline_px: int
    offsets_px: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Jitter:
    """How much a strip hops: the spread (max - min, px) of the frames' feet line and root x."""

    baseline_px: int
    root_px: int


def opaque_box(rgba: np.ndarray, *, alpha_threshold: int = 0) -> tuple[int, int, int, int] | None:
    """(left, top, right, bottom) of pixels with alpha > ``alpha_threshold`` (right/bottom exclusive)."""
    visible = as_rgba(rgba)[:, :, 3] > alpha_threshold
    rows, cols = np.flatnonzero(visible.any(axis=1)), np.flatnonzero(visible.any(axis=0))
    if rows.size == 0:
        return None
    return int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1


def align_frames(
    frames: Sequence[np.ndarray],
    *,
    root_x_px: Sequence[float | None] | None = None,
    ground_y_px: Sequence[float | None] | None = None,
    padding_px: int = 1,
    alpha_threshold: int = 0,
) -> AlignedStrip:
    """Move every frame so feet and root coincide; see the module docstring. ``root_x_px``/``ground_y_px``
    (per frame, in that frame's pixels; None = from its opaque box) come from the pose guides."""
    if not frames:
        raise InvalidInput("align_frames needs at least one frame")
    if padding_px < 0:
        raise InvalidInput(f"padding_px must be >= 0, got {padding_px}")
    images = [as_rgba(f) for f in frames]
    roots = list(root_x_px) if root_x_px is not None else [None] * len(images)
    grounds = list(ground_y_px) if ground_y_px is not None else [None] * len(images)
    if len(roots) != len(images) or len(grounds) != len(images):
        raise InvalidInput("root_x_px and ground_y_px need one entry per frame")
    boxes = [opaque_box(image, alpha_threshold=alpha_threshold) for image in images]
    anchors = []  # (root x, feet y) of each frame, in its own pixels
    for image, box, root, ground in zip(images, boxes, roots, grounds, strict=True):
        h, w = image.shape[:2]
        left, top, right, bottom = box or (0, 0, w, h)
        anchors.append(
            (
                round(root) if root is not None else (left + right) // 2,
                round(ground) if ground is not None else bottom,
            )
        )
    # Boxes relative to the shared pivot (root x = 0, baseline = 0).
    rel = [
        (b[0] - ax, b[1] - ay, b[2] - ax, b[3] - ay)
        for b, (ax, ay) in zip(boxes, anchors, strict=True)
        if b is not None
    ] or [(0, -1, 1, 0)]
    left = min(r[0] for r in rel) - padding_px
    top = min(r[1] for r in rel) - padding_px
    right = max(r[2] for r in rel) + padding_px
    bottom = max(max(r[3] for r in rel), 0) + padding_px
    cell_w, cell_h = right - left, bottom - top
    pivot_x, pivot_y = -left, -top
    out, offsets = [], []
    for image, box, (ax, ay) in zip(images, boxes, anchors, strict=True):
        cell = np.zeros((cell_h, cell_w, 4), np.uint8)
        dx, dy = pivot_x - ax, pivot_y - ay
        if box is not None:
            bl, bt, br, bb = box
            cell[bt + dy : bb + dy, bl + dx : br + dx] = image[bt:bb, bl:br]
        out.append(cell)
        offsets.append((dx, dy))
    return AlignedStrip(
        frames=tuple(out),
        cell_w_px=cell_w,
        cell_h_px=cell_h,
        pivot_x=pivot_x / cell_w,
        pivot_y=pivot_y / cell_h,
        root_x_px=pivot_x,
        baseline_px=pivot_y,
        offsets_px=tuple(offsets),
    )


def strip_jitter(
    frames: Sequence[np.ndarray],
    *,
    root_x_px: Sequence[float | None] | None = None,
    alpha_threshold: int = 0,
) -> Jitter:
    """The spread of the feet line (bottom of the opaque box) and of the root x (given per frame, or the
    centre of the opaque box) across ``frames``; 0 px = frames do not hop."""
    boxes = [opaque_box(f, alpha_threshold=alpha_threshold) for f in frames]
    roots = list(root_x_px) if root_x_px is not None else [None] * len(frames)
    feet = [b[3] for b in boxes if b is not None]
    xs = [
        round(r) if r is not None else (b[0] + b[2]) // 2
        for b, r in zip(boxes, roots, strict=True)
        if b is not None
    ]
    if not feet:
        return Jitter(0, 0)
    return Jitter(baseline_px=max(feet) - min(feet), root_px=max(xs) - min(xs))
