"""Edge steps shared by the background removers: soft edge alpha, de-contamination, erode, feather.

An anti-aliased edge pixel is a mix ``c = a*F + (1-a)*B`` of a foreground colour F and the background
B behind it. Given B (the background model) and F (the nearby foreground pixel that best explains
``c`` as such a mix), the coverage is the projection ``a = (c-B).(F-B) / |F-B|^2`` and the true edge
colour is ``(c - (1-a)*B) / a``. Pixels that became transparent keep the colour of the nearest edge
("bleed"), so engines that filter textures bilinearly show no dark or background-coloured fringe.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

BAND_OUTSIDE_PX = 2  # background pixels this close to the foreground get their coverage measured
BAND_INSIDE_PX = 1  # foreground pixels this close to the background likewise
_SEARCH_PX = 2  # window radius in which the foreground colour F of an edge pixel is looked for
_MIN_CONTRAST = 20.0  # sRGB distance |F-B| under which coverage cannot be measured
_PURITY_WEIGHT = 0.03  # among equally good explanations, prefer the purer (more distant) F
_SNAP = 0.04  # coverage this close to 0 or 1 is noise


def square_filter(mask: np.ndarray, size: int, *, largest: bool) -> np.ndarray:
    """Max (``largest``) or min of each ``size`` x ``size`` window of a bool mask: dilation or erosion by a square.

    The same result as ``ndimage.maximum_filter`` / ``minimum_filter`` (mode "reflect" is numpy's
    "symmetric" padding), by ``size - 1`` shifted maxima per axis on the padded array: for the small
    windows used here several times faster than scipy's general 1-D filter on a 512x512 mask.
    """
    if size <= 1:
        return mask.copy()
    op = np.logical_or if largest else np.logical_and
    before = size // 2
    after = size - 1 - before
    out = mask
    for axis in (0, 1):
        pad = [(0, 0), (0, 0)]
        pad[axis] = (before, after)
        padded = np.pad(out, pad, mode="symmetric")
        length = out.shape[axis]
        window = padded[(slice(0, length),) if axis == 0 else (slice(None), slice(0, length))].copy()
        for shift in range(1, size):
            part = padded[
                (slice(shift, shift + length),) if axis == 0 else (slice(None), slice(shift, shift + length))
            ]
            op(window, part, out=window)
        out = window
    return out


def edge_band(foreground: np.ndarray) -> np.ndarray:
    """Edge pixels: background within 2 px of the foreground, foreground within 1 px of the background."""
    near_fg = square_filter(foreground, 2 * BAND_OUTSIDE_PX + 1, largest=True)
    all_fg_around = square_filter(foreground, 2 * BAND_INSIDE_PX + 1, largest=False)
    return (near_fg & ~foreground) | (foreground & ~all_fg_around)


def match_foreground(
    ys: np.ndarray,
    xs: np.ndarray,
    planes: np.ndarray,
    bg: np.ndarray,
    eligible: np.ndarray,
    hard: np.ndarray,
    *,
    radius: int = _SEARCH_PX,
) -> tuple[np.ndarray, np.ndarray]:
    """Foreground colour F and coverage for edge pixels (ys, xs) over background colours ``bg`` (N, 3).

    ``planes`` is the image as float32 sRGB channel planes (3, H, W). Each ``eligible`` pixel in the
    (2r+1)^2 window is a candidate F; the one that best explains the pixel as the mix
    ``a*F + (1-a)*B`` wins (ties go to the purer F). Pixels without a measurable candidate keep
    ``hard`` (their binary label) as coverage and their own colour as F.
    """
    height, width = planes.shape[1:]
    dy, dx = np.mgrid[-radius : radius + 1, -radius : radius + 1]
    yy = np.clip(ys[:, None] + dy.ravel()[None, :], 0, height - 1)
    xx = np.clip(xs[:, None] + dx.ravel()[None, :], 0, width - 1)
    window = yy * width + xx  # (N, K) flat indices
    centre = ys * width + xs
    bg = bg.astype(np.float32)
    length2 = np.zeros(window.shape, np.float32)
    dot = np.zeros(window.shape, np.float32)
    offset2 = np.zeros(len(ys), np.float32)
    for c in range(3):
        flat = planes[c].ravel()
        d = flat[window] - bg[:, c : c + 1]
        o = flat[centre] - bg[:, c]
        length2 += d * d
        dot += d * o[:, None]
        offset2 += o * o
    a = np.clip(dot / np.maximum(length2, 1e-6), 0.0, 1.0)
    residual2 = offset2[:, None] - 2.0 * a * dot + a * a * length2
    cost = np.sqrt(np.maximum(residual2, 0.0)) - _PURITY_WEIGHT * np.sqrt(length2)
    cost[~eligible.ravel()[window] | (length2 < _MIN_CONTRAST**2)] = np.inf
    best = np.argmin(cost, axis=1)
    rows = np.arange(len(ys))
    found = np.isfinite(cost[rows, best])
    chosen = np.where(found, window[rows, best], centre)
    fg = np.stack([planes[c].ravel()[chosen] for c in range(3)], axis=1)
    raw = a[rows, best]
    alpha = np.clip((raw - _SNAP) / (1.0 - 2 * _SNAP), 0.0, 1.0)
    return fg, np.where(found, alpha, hard.astype(np.float32)).astype(np.float32)


def unmix(pixel: np.ndarray, fg: np.ndarray, bg: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """The foreground colour of edge pixels: ``(c - (1-a)B) / a`` where a >= 0.5, else the neighbour F."""
    a = np.maximum(alpha, 1e-3)[:, None]
    recovered = np.clip(bg + (pixel - bg) / a, 0.0, 255.0)
    return np.where(alpha[:, None] >= 0.5, recovered, fg)


def erode_alpha(alpha8: np.ndarray, *, erode_px: int) -> np.ndarray:
    """Shrink the opaque area by ``erode_px`` pixels (grey erosion with a disk); uint8 alpha."""
    if erode_px <= 0:
        return alpha8
    r = int(erode_px)
    dy, dx = np.mgrid[-r : r + 1, -r : r + 1]
    disk = dy * dy + dx * dx <= r * r + r  # radius 1 is the full 3x3 square
    return ndimage.grey_erosion(alpha8, footprint=disk, mode="nearest")


def feather_alpha(alpha8: np.ndarray, *, feather_px: float) -> np.ndarray:
    """Soften the edge over about ``feather_px`` pixels (Gaussian, sigma = feather/2); uint8 alpha."""
    if feather_px <= 0:
        return alpha8
    blurred = ndimage.gaussian_filter(alpha8.astype(np.float32), sigma=feather_px / 2.0, mode="nearest")
    return np.clip(blurred + 0.5, 0, 255).astype(np.uint8)


def bleed_colours(rgb8: np.ndarray, known: np.ndarray, *, radius_px: int) -> np.ndarray:
    """Give unknown pixels within ``radius_px`` of known ones the mean colour of those; uint8 (H, W, 3)."""
    if radius_px <= 0 or known.all() or not known.any():
        return rgb8
    size = 2 * radius_px + 1
    weight = known.astype(np.float32)
    norm = ndimage.uniform_filter(weight, size=size, mode="constant")
    fill = ~known & (norm > 1e-6)
    out = rgb8.copy()
    for channel in range(3):
        total = ndimage.uniform_filter(rgb8[:, :, channel] * weight, size=size, mode="constant")
        out[:, :, channel][fill] = np.clip(total[fill] / norm[fill] + 0.5, 0, 255).astype(np.uint8)
    return out


def finish(
    rgb8: np.ndarray,
    alpha8: np.ndarray,
    colour_known: np.ndarray,
    *,
    erode_px: int,
    feather_px: float,
) -> np.ndarray:
    """Erode, then feather (bleeding colours under the new soft edge); pack uint8 RGBA.

    Transparent pixels whose colour is not known (far from any edge) are set to black.
    """
    alpha8 = erode_alpha(alpha8, erode_px=erode_px)
    if feather_px > 0:
        alpha8 = feather_alpha(alpha8, feather_px=feather_px)
        rgb8 = bleed_colours(rgb8, colour_known, radius_px=int(np.ceil(feather_px * 1.5)) + 1)
        colour_known = colour_known | square_filter(
            colour_known, 2 * (int(np.ceil(feather_px * 1.5)) + 1) + 1, largest=True
        )
    keep = (alpha8 > 0) | colour_known
    out = np.empty((*alpha8.shape, 4), dtype=np.uint8)
    np.multiply(rgb8, keep[:, :, None], out=out[:, :, :3], casting="unsafe")
    out[:, :, 3] = alpha8
    return out
