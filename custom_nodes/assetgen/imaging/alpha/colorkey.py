"""Classical background removal: key out the background colour estimated from the image border.

Steps (each a small function, all numpy/scipy):
1. ``fit_background``: a smooth OKLab colour model of the border (flat, gradient or vignette), with
   its noise level.
2. Distance of every pixel to the model (OKLab, 0-255 scale); the effective threshold is the larger
   of ``threshold`` and 3.5x the measured noise, so noisy near-flat backgrounds need no tuning.
3. Background = pixels under the threshold that are connected (4-neighbour) to the border; with
   ``clear_holes``, enclosed regions of the background colour (mean distance under half the
   threshold) of at least ``hole_min_area_px`` pixels (default 1/1000 of the image) too. Single stray foreground pixels go.
4. Soft edges: in a 2-px band either side of the boundary, coverage is measured against the
   background model and the nearest solid foreground colour (``matte``), which also
   de-contaminates the edge colours.
5. ``erode_px`` then ``feather_px`` on the alpha; the input's own alpha is kept (multiplied in).
"""

from __future__ import annotations

import logging

import numpy as np
from scipy import ndimage

from assetgen.image_files import as_rgba
from assetgen.imaging.alpha import matte
from assetgen.imaging.alpha.background_model import BackgroundModel, fit_background, refit_background
from assetgen.imaging.alpha.cutout import Cutout, RemovalOptions, default_hole_min_area_px
from assetgen.imaging.alpha.oklab import oklab_to_srgb, srgb_to_oklab_planes

log = logging.getLogger(__name__)

NOISE_FACTOR = 3.5  # effective threshold >= this many times the measured background noise
HOLE_DISTANCE_FRACTION = 0.5  # an enclosed region is a hole if its mean distance is under this x threshold
_FOUR_CONNECTED = ndimage.generate_binary_structure(2, 1)


def effective_threshold(model: BackgroundModel, threshold: float) -> float:
    """The distance (0-255 scale) actually used: ``threshold``, raised to 3.5x the background noise."""
    return max(float(threshold), NOISE_FACTOR * model.noise * 255.0)


def distance_to_background(lab: np.ndarray, model: BackgroundModel) -> np.ndarray:
    """Per-pixel OKLab distance to the background model on the 0-255 scale, float32 (H, W).

    ``lab`` is OKLab channel planes (3, H, W).
    """
    height, width = lab.shape[1:]
    field = None if model.is_flat else model.field(height, width)
    total = np.zeros((height, width), dtype=np.float32)
    for c in range(3):
        diff = lab[c] - (np.float32(model.coefficients[0][c]) if field is None else field[c])
        total += diff * diff
    np.sqrt(total, out=total)
    total *= np.float32(255.0)
    return total


def _count_neighbours(mask: np.ndarray) -> np.ndarray:
    """How many of its 8 neighbours each pixel of ``mask`` has set (uint8 (H, W)), by shifted slices."""
    padded = np.pad(mask.view(np.uint8), 1)
    height, width = mask.shape
    count = np.zeros((height, width), dtype=np.uint8)
    for dy in (0, 1, 2):
        for dx in (0, 1, 2):
            if dy != 1 or dx != 1:
                count += padded[dy : dy + height, dx : dx + width]
    return count


def key_background(
    distance: np.ndarray,
    threshold: float,
    *,
    forced: np.ndarray | None = None,
    clear_holes: bool,
    hole_min_area_px: int = 64,
    remove_specks: bool = True,
) -> tuple[np.ndarray, int]:
    """Background mask: under-threshold pixels connected to the border, plus enclosed holes; and the hole count.

    ``forced`` marks pixels that are background whatever their colour (transparent input pixels).
    """
    candidate = distance < threshold
    if forced is not None:
        candidate |= forced
    labels, count = ndimage.label(candidate, structure=_FOUR_CONNECTED)
    if count == 0:
        return np.zeros(distance.shape, dtype=bool), 0
    is_background = np.zeros(count + 1, dtype=bool)
    for edge in (labels[0], labels[-1], labels[:, 0], labels[:, -1]):
        is_background[edge] = True
    is_background[0] = False
    holes = 0
    if clear_holes:
        flat = labels.ravel()
        sizes = np.bincount(flat, minlength=count + 1)
        sums = np.bincount(flat, weights=distance.ravel(), minlength=count + 1)
        mean = sums / np.maximum(sizes, 1)
        is_hole = ~is_background & (sizes >= hole_min_area_px) & (mean <= HOLE_DISTANCE_FRACTION * threshold)
        is_hole[0] = False
        holes = int(is_hole.sum())
        is_background |= is_hole
    background = is_background[labels]
    if not remove_specks:
        return background, holes
    # Stray single foreground pixels (noise over the threshold) inside the background.
    foreground = ~background
    background |= foreground & (_count_neighbours(foreground) <= 1)
    return background, holes


def remove_background_colorkey(rgba: np.ndarray, *, options: RemovalOptions | None = None) -> Cutout:
    """Cut a sprite out of a flat, noisy, gradient or vignetted background; RGBA uint8 in and out."""
    options = options or RemovalOptions()
    rgba = as_rgba(rgba)
    height, width = rgba.shape[:2]
    rgb = rgba[:, :, :3]
    input_alpha = rgba[:, :, 3]
    transparent = input_alpha == 0
    lab = srgb_to_oklab_planes(rgba)

    opaque = input_alpha >= 128 if (input_alpha < 255).any() else None
    model = fit_background(lab, opaque)
    if model is None:
        log.info("colorkey: no opaque border pixel; the image is already cut out, alpha kept")
        return Cutout(rgba=rgba.copy(), method="colorkey", details={"alreadyTransparent": True})

    border_fit = model
    threshold = effective_threshold(model, options.threshold)
    forced = transparent if transparent.any() else None
    hole_min_area_px = options.hole_min_area_px or default_hole_min_area_px(height, width)
    key = {"forced": forced, "clear_holes": options.clear_holes, "hole_min_area_px": hole_min_area_px}
    if model.is_flat:
        background, holes = key_background(distance_to_background(lab, model), threshold, **key)
    else:
        # Second pass: a richer model fitted to the background found so far (away from the sprite)
        # interpolates gradients and vignettes under the sprite instead of extrapolating the border.
        rough, _ = key_background(
            distance_to_background(lab, model),
            threshold,
            forced=forced,
            clear_holes=False,
            remove_specks=False,
        )
        settled = matte.square_filter(rough, 7, largest=False)
        model = refit_background(lab, settled & ~transparent, model)
        background, holes = key_background(distance_to_background(lab, model), threshold, **key)
    foreground = ~background
    alpha8 = foreground.view(np.uint8) * np.uint8(255)
    out_rgb = rgb.copy()
    colour_known = foreground.copy()

    ys, xs = np.nonzero(matte.edge_band(foreground))
    if ys.size:
        planes = np.ascontiguousarray(np.moveaxis(rgb, 2, 0), dtype=np.float32)
        bg = oklab_to_srgb(model.colour_at(ys, xs, height, width))
        fg, edge_alpha = matte.match_foreground(
            ys, xs, planes, bg, foreground & ~transparent, foreground[ys, xs]
        )
        if options.decontaminate:
            pixel = planes[:, ys, xs].T
            out_rgb[ys, xs] = np.clip(matte.unmix(pixel, fg, bg, edge_alpha) + 0.5, 0, 255).astype(np.uint8)
        alpha8[ys, xs] = np.clip(edge_alpha * 255.0 + 0.5, 0, 255).astype(np.uint8)
        colour_known[ys, xs] = True
    out = matte.finish(
        out_rgb, alpha8, colour_known, erode_px=options.erode_px, feather_px=options.feather_px
    )
    if (input_alpha < 255).any():
        out[:, :, 3] = (out[:, :, 3].astype(np.uint16) * input_alpha // 255).astype(np.uint8)
    details = {
        "background": "#{:02x}{:02x}{:02x}".format(*model.mean_srgb()),
        "backgroundDegree": model.degree,
        "noise": round(model.noise * 255.0, 2),
        "borderInlierFraction": round(border_fit.inlier_fraction, 4),
        "effectiveThreshold": round(threshold, 2),
        "holesCleared": holes,
        "holeMinAreaPx": hole_min_area_px,
    }
    return Cutout(rgba=out, method="colorkey", details=details)
