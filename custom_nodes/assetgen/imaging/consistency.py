"""How much a frame still looks like its anchor: the per-frame consistency score of an animation.

    score = 0.4 * max(0, SSIM) + 0.3 * (1 - min(1, palette / 0.15)) + 0.3 * IoU        (0..1, 1 = same)

- SSIM: structural similarity of luminance (7x7 box windows, C1 = (0.01*255)^2, C2 = (0.03*255)^2) between
  the frame and the anchor, each cut to its opaque box and resized to 64x64, averaged over the union of
  their opaque pixels (masked SSIM: background does not count);
- palette: the symmetric mean OKLab distance between the two sets of opaque colours (each pixel to the
  nearest of the other image's 16 most frequent colours), 0.15 ~ clearly different colours;
- IoU: the frame's silhouette against the pose guide's mannequin silhouette (where the frame should be),
  or against the anchor's when there is no guide.
Outliers are frames under ``min_score`` or more than 3 MADs (at least 0.02) below the strip's median.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image

from assetgen.image_files import as_rgba
from assetgen.imaging.alpha.oklab import srgb_to_oklab

SSIM_SIZE = 64
WEIGHTS = (0.4, 0.3, 0.3)
PALETTE_SCALE = 0.15


@dataclass(frozen=True)
class Consistency:
    """One frame against the anchor: the three parts and the score (see the module docstring)."""

    ssim: float
    palette_distance: float
    silhouette_iou: float
    score: float

    def as_dict(self) -> dict[str, float]:
        """JSON-ready, rounded to 4 decimals."""
        return {
            "ssim": round(self.ssim, 4),
            "paletteDistance": round(self.palette_distance, 4),
            "silhouetteIou": round(self.silhouette_iou, 4),
            "score": round(self.score, 4),
        }


def _box_crop(rgba: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Luminance (float) and mask of the opaque box, resized to size x size."""
    alpha = rgba[:, :, 3] > 0
    rows, cols = np.flatnonzero(alpha.any(axis=1)), np.flatnonzero(alpha.any(axis=0))
    if rows.size == 0:
        return np.zeros((size, size)), np.zeros((size, size), bool)
    crop = rgba[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    image = Image.fromarray(crop, "RGBA").resize((size, size), Image.Resampling.BILINEAR)
    arr = np.asarray(image, dtype=np.float64)
    lum = arr[:, :, 0] * 0.299 + arr[:, :, 1] * 0.587 + arr[:, :, 2] * 0.114
    return lum, arr[:, :, 3] > 127


def _box_mean(x: np.ndarray, k: int = 7) -> np.ndarray:
    pad = k // 2
    padded = np.pad(x, pad, mode="edge")
    c = padded.cumsum(0).cumsum(1)
    c = np.pad(c, ((1, 0), (1, 0)))
    return (c[k:, k:] - c[:-k, k:] - c[k:, :-k] + c[:-k, :-k]) / (k * k)


def masked_ssim(frame: np.ndarray, anchor: np.ndarray) -> float:
    """Luminance SSIM (-1..1) of two RGBA sprites over the union of their opaque boxes' pixels."""
    a, mask_a = _box_crop(as_rgba(frame), SSIM_SIZE)
    b, mask_b = _box_crop(as_rgba(anchor), SSIM_SIZE)
    union = mask_a | mask_b
    if not union.any():
        return 1.0
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    mu_a, mu_b = _box_mean(a), _box_mean(b)
    var_a = _box_mean(a * a) - mu_a**2
    var_b = _box_mean(b * b) - mu_b**2
    cov = _box_mean(a * b) - mu_a * mu_b
    ssim = ((2 * mu_a * mu_b + c1) * (2 * cov + c2)) / ((mu_a**2 + mu_b**2 + c1) * (var_a + var_b + c2))
    return float(ssim[union].mean())


def _top_colours(rgba: np.ndarray, count: int = 16) -> np.ndarray:
    opaque = rgba[rgba[:, :, 3] > 127][:, :3]
    if opaque.size == 0:
        return np.zeros((0, 3), np.float32)
    quantised = (opaque // 8).astype(np.int32)
    keys, counts = np.unique(
        quantised[:, 0] * 1024 + quantised[:, 1] * 32 + quantised[:, 2], return_counts=True
    )
    top = keys[np.argsort(-counts)[:count]]
    rgb = np.stack([top // 1024, (top // 32) % 32, top % 32], axis=1) * 8 + 4
    return srgb_to_oklab(rgb.astype(np.uint8))


def _mean_nearest(rgba: np.ndarray, palette: np.ndarray, *, sample: int = 4096) -> float:
    opaque = rgba[rgba[:, :, 3] > 127][:, :3]
    if opaque.size == 0 or palette.size == 0:
        return 0.0 if opaque.size == palette.size == 0 else 1.0
    step = max(1, len(opaque) // sample)
    lab = srgb_to_oklab(np.ascontiguousarray(opaque[::step]))
    distances = np.linalg.norm(lab[:, None, :] - palette[None, :, :], axis=2).min(axis=1)
    return float(distances.mean())


def palette_distance(frame: np.ndarray, anchor: np.ndarray) -> float:
    """Symmetric mean OKLab distance between the opaque colours of two sprites (0 = same colours)."""
    f, a = as_rgba(frame), as_rgba(anchor)
    return 0.5 * (_mean_nearest(f, _top_colours(a)) + _mean_nearest(a, _top_colours(f)))


def silhouette_iou(mask_a: np.ndarray, mask_b: np.ndarray) -> float:
    """Intersection over union of two boolean masks of the same shape (1.0 when both are empty)."""
    union = np.logical_or(mask_a, mask_b).sum()
    return 1.0 if union == 0 else float(np.logical_and(mask_a, mask_b).sum() / union)


def frame_consistency(
    frame: np.ndarray, anchor: np.ndarray, *, guide_mask: np.ndarray | None = None
) -> Consistency:
    """The consistency of an RGBA cut-out ``frame`` with the ``anchor`` cut-out (see the module docstring)."""
    f, a = as_rgba(frame), as_rgba(anchor)
    ssim = masked_ssim(f, a)
    palette = palette_distance(f, a)
    target = guide_mask if guide_mask is not None else a[:, :, 3] > 127
    mask = f[:, :, 3] > 127
    iou = silhouette_iou(mask, target) if target.shape == mask.shape else 0.0
    w_ssim, w_pal, w_iou = WEIGHTS
    score = w_ssim * max(0.0, ssim) + w_pal * (1.0 - min(1.0, palette / PALETTE_SCALE)) + w_iou * iou
    return Consistency(ssim=ssim, palette_distance=palette, silhouette_iou=iou, score=score)


def consistency_outliers(
    scores: Sequence[float], *, min_score: float = 0.5, mads: float = 3.0, min_mad: float = 0.02
) -> list[int]:
    """Indices of frames to regenerate: under ``min_score``, or more than ``mads`` MADs (at least ``min_mad``)
    below the median."""
    if not scores:
        return []
    values = np.asarray(scores, dtype=np.float64)
    median = float(np.median(values))
    # A floor on the spread: near-identical frames (MAD ~0.001) must not make a 0.01 dip an outlier.
    mad = max(float(np.median(np.abs(values - median))), min_mad)
    return [i for i, s in enumerate(values) if s < min_score or s < median - mads * mad]
