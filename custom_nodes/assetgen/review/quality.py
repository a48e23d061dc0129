"""Quality-contract checks used by autopilot: pure functions, each a score (0..1), a verdict and a reason.

Checks on the original: ``image_size`` (the spec's generation size) and ``detail`` (not blank or flat).
Checks on the cut-out (after background removal): ``coverage`` (subject area within limits),
``safe_margin`` (subject keeps a margin from the frame), ``clean_border`` (the frame's border is
transparent), ``single_subject`` (one main connected subject unless the type allows several) and
``palette`` (opaque pixels close to the project palette, when the contract names one).
Across variants: ``near_duplicate`` (perceptual hash distance).
Pixel-art specs (a ``pixelArt`` block) add, on the pixelated cut-out: ``paletteConformity`` (share of
opaque pixels exactly in the palette: must be 1.0), ``alphaBinary`` (no alpha other than 0/255),
``gridExact`` (one sample per cell, upscaled back, differs in 0 pixels) and ``onePalette`` (every
frame of the asset was made with the one palette and uses only its colours).

Tileable variants (generated through Make Tileable) are judged as tiles instead of cut-outs:
``seam_x``/``seam_y`` (seam ratio per wrapped axis within ``seamRatioMax`` and a full-bleed border)
replace the cut-out checks, and the palette is checked on the whole original.
A variant passes when every applicable check passes; its score is the mean of the check scores.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PIL import Image
from pydantic import Field
from scipy import ndimage

from assetgen.imaging.alpha.oklab import srgb_to_oklab, srgb_to_oklab_planes
from assetgen.imaging.pixel_art import colors_used, grid_mismatch_px, non_binary_alpha_px, palette_conformity
from assetgen.imaging.seams import measure_seams
from assetgen.models.base import Contract
from assetgen.models.spec import QualityLimits


class CheckResult(Contract):
    """One check on one variant."""

    name: str
    passed: bool
    score: float = Field(ge=0, le=1)
    value: float | None = None
    reason: str


class VariantQuality(Contract):
    """All checks of one variant."""

    variant_id: str
    passed: bool
    score: float
    checks: list[CheckResult]

    def failures(self) -> list[str]:
        return [f"{c.name}: {c.reason}" for c in self.checks if not c.passed]


def _result(name: str, passed: bool, score: float, value: float | None, reason: str) -> CheckResult:
    return CheckResult(
        name=name,
        passed=passed,
        score=round(float(min(1.0, max(0.0, score))), 4),
        value=None if value is None else round(float(value), 4),
        reason=reason,
    )


def check_image_size(rgba: np.ndarray, *, width: int, height: int) -> CheckResult:
    """The image has the size the spec asked ComfyUI for."""
    h, w = rgba.shape[:2]
    ok = (w, h) == (width, height)
    return _result(
        "image_size",
        ok,
        1.0 if ok else 0.0,
        None,
        f"{w}x{h}" + ("" if ok else f", expected {width}x{height}"),
    )


def check_detail(rgba: np.ndarray, *, limits: QualityLimits) -> CheckResult:
    """Not blank or flat: the luminance varies more than ``min_detail_std``."""
    luminance = rgba[..., :3].astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)
    std = float(luminance.std())
    ok = std >= limits.min_detail_std
    return _result(
        "detail",
        ok,
        min(1.0, std / max(limits.min_detail_std * 4, 1e-6)),
        std,
        f"luminance std {std:.1f}" + ("" if ok else f" < {limits.min_detail_std} (flat image)"),
    )


def check_coverage(alpha: np.ndarray, *, limits: QualityLimits) -> CheckResult:
    """The subject (alpha >= 128) covers between ``coverage_min`` and ``coverage_max`` of the frame."""
    coverage = float((alpha >= 128).mean())
    ok = limits.coverage_min <= coverage <= limits.coverage_max
    middle = (limits.coverage_min + limits.coverage_max) / 2
    span = max((limits.coverage_max - limits.coverage_min) / 2, 1e-6)
    score = 1.0 - min(1.0, abs(coverage - middle) / span) * 0.5 if ok else 0.0
    return _result(
        "coverage",
        ok,
        score,
        coverage,
        f"subject covers {coverage:.0%} (allowed {limits.coverage_min:.0%}-{limits.coverage_max:.0%})",
    )


def check_safe_margin(alpha: np.ndarray, *, limits: QualityLimits) -> CheckResult:
    """No opaque pixel closer than ``safe_margin_px`` to the frame's edges."""
    opaque = alpha >= 128
    if not opaque.any():
        return _result("safe_margin", False, 0.0, None, "no subject left after background removal")
    rows, cols = np.flatnonzero(opaque.any(axis=1)), np.flatnonzero(opaque.any(axis=0))
    h, w = alpha.shape
    margin = int(min(rows[0], cols[0], h - 1 - rows[-1], w - 1 - cols[-1]))
    ok = margin >= limits.safe_margin_px
    return _result(
        "safe_margin",
        ok,
        1.0 if ok else margin / max(limits.safe_margin_px, 1),
        margin,
        f"subject is {margin} px from the nearest edge (need {limits.safe_margin_px})",
    )


def check_clean_border(alpha: np.ndarray, *, limits: QualityLimits) -> CheckResult:
    """The outermost pixel ring is transparent (the cut-out does not touch the frame)."""
    ring = np.concatenate([alpha[0], alpha[-1], alpha[:, 0], alpha[:, -1]])
    worst = int(ring.max())
    dirty = float((ring > limits.border_alpha_max).mean())
    ok = dirty == 0.0
    return _result(
        "clean_border",
        ok,
        1.0 - dirty,
        worst,
        "transparent border" if ok else f"{dirty:.0%} of the border is opaque (max alpha {worst})",
    )


def check_single_subject(alpha: np.ndarray, *, limits: QualityLimits) -> CheckResult:
    """One main connected subject holds at least ``main_subject_min_share`` of the opaque area."""
    labels, count = ndimage.label(alpha >= 128)
    if count == 0:
        return _result("single_subject", False, 0.0, 0, "no subject")
    sizes = np.bincount(labels.ravel())[1:]
    share = float(sizes.max() / sizes.sum())
    ok = limits.allow_multiple_subjects or share >= limits.main_subject_min_share
    return _result(
        "single_subject", ok, share, count, f"{count} part(s); the largest holds {share:.0%} of the subject"
    )


def check_palette(
    rgba: np.ndarray, alpha: np.ndarray, palette: Sequence[str], *, limits: QualityLimits
) -> CheckResult:
    """Mean OKLab distance of opaque pixels to their nearest palette colour."""
    if limits.palette_max_distance is None or not palette:
        return _result("palette", True, 1.0, None, "not checked (no palette limit in the contract)")
    opaque = alpha >= 128
    if not opaque.any():
        return _result("palette", False, 0.0, None, "no subject")
    colors = np.array([[int(c[i : i + 2], 16) for i in (1, 3, 5)] for c in palette], np.uint8)
    targets = srgb_to_oklab(colors)
    pixels = srgb_to_oklab_planes(rgba)[:, opaque].T
    distance = float(np.sqrt(((pixels[:, None, :] - targets[None, :, :]) ** 2).sum(-1)).min(axis=1).mean())
    ok = distance <= limits.palette_max_distance
    return _result(
        "palette",
        ok,
        max(0.0, 1 - distance / (2 * limits.palette_max_distance)),
        distance,
        f"mean distance to the palette {distance:.3f} (limit {limits.palette_max_distance})",
    )


def check_pixel_art(image: np.ndarray, palette: np.ndarray, *, cell_px: int) -> list[CheckResult]:
    """The pixel-art contract on one image whose pixel grid is ``cell_px`` (1 for a logical-size image):
    palette conformity, binary alpha, and the grid round trip (one sample per cell, upscaled back)."""
    conformity = palette_conformity(image, palette)
    stray_alpha = non_binary_alpha_px(image)
    mismatch = grid_mismatch_px(image, max(1, cell_px))
    return [
        _result(
            "paletteConformity",
            conformity == 1.0,
            conformity,
            conformity,
            f"{conformity:.2%} of opaque pixels are palette colours (must be 100%)",
        ),
        _result(
            "alphaBinary",
            stray_alpha == 0,
            1.0 if stray_alpha == 0 else 0.0,
            stray_alpha,
            "alpha is 0 or 255" if stray_alpha == 0 else f"{stray_alpha} px have alpha other than 0/255",
        ),
        _result(
            "gridExact",
            mismatch == 0,
            1.0 if mismatch == 0 else 0.0,
            mismatch,
            f"{mismatch} px differ after the {cell_px}-px grid round trip",
        ),
    ]


def check_one_palette(frames: Sequence[np.ndarray], palette: np.ndarray) -> CheckResult:
    """All frames of an asset use only colours of the one palette (their union is inside it)."""
    allowed = {tuple(int(v) for v in c) for c in np.asarray(palette).reshape(-1, 3)}
    used = {tuple(int(v) for v in c) for frame in frames for c in colors_used(frame)}
    outside = len(used - allowed)
    return _result(
        "onePalette",
        outside == 0,
        1.0 if outside == 0 else 0.0,
        len(used),
        f"{len(frames)} frame(s) share one {len(allowed)}-colour palette ({len(used)} used)"
        if outside == 0
        else f"{outside} colour(s) outside the shared palette",
    )


def check_seams(rgba: np.ndarray, *, axes: str, limits: QualityLimits) -> list[CheckResult]:
    """One ``seam_<axis>`` check per wrapped axis: ratio <= ``seam_ratio_max`` and a full-bleed border."""
    results = []
    for measure in measure_seams(rgba, axes):
        ok = measure.passes(limits.seam_ratio_max)
        over = max(0.0, measure.ratio - 1.0) / max(limits.seam_ratio_max - 1.0, 1e-6)
        reason = f"seam ratio {measure.ratio:.3f} (limit {limits.seam_ratio_max})"
        if not measure.is_full_bleed:
            reason += (
                f"; plain border (activity {measure.border_activity:.2f}): the image does not fill the tile"
            )
        results.append(_result(f"seam_{measure.axis}", ok, 1.0 - 0.5 * min(over, 2.0), measure.ratio, reason))
    return results


def dhash(rgba: np.ndarray, *, size: int = 8) -> int:
    """A 64-bit difference hash of the image's luminance (perceptual: robust to small changes)."""
    grey = Image.fromarray(rgba[..., :3]).convert("L").resize((size + 1, size), Image.Resampling.BILINEAR)
    pixels = np.asarray(grey, dtype=np.int16)
    bits = (pixels[:, 1:] > pixels[:, :-1]).ravel()
    return int("".join("1" if b else "0" for b in bits), 2)


def near_duplicates(hashes: Sequence[int], *, limits: QualityLimits) -> list[int | None]:
    """For each variant, the index of an earlier variant it nearly duplicates (None if none)."""
    found: list[int | None] = []
    for index, value in enumerate(hashes):
        match = next(
            (j for j in range(index) if bin(hashes[j] ^ value).count("1") <= limits.duplicate_max_bits), None
        )
        found.append(match)
    return found


def evaluate_variant(
    variant_id: str,
    original: np.ndarray,
    cutout: np.ndarray,
    *,
    width: int,
    height: int,
    limits: QualityLimits,
    palette: Sequence[str] = (),
    duplicate_of: str | None = None,
    extra_checks: Sequence[CheckResult] = (),
    tiling_axes: str | None = None,
) -> VariantQuality:
    """Every check for one variant (``cutout`` is its background-removed RGBA; ``extra_checks`` are
    step-specific ones such as the pixel-art contract; for a tile, set ``tiling_axes`` and pass the original
    as ``cutout``: a tile is judged by its seams, not a subject)."""
    alpha = cutout[..., 3]
    if tiling_axes is not None:
        shape_checks = [
            *check_seams(original, axes=tiling_axes, limits=limits),
            check_palette(original, original[..., 3], palette, limits=limits),
        ]
    else:
        shape_checks = [
            check_coverage(alpha, limits=limits),
            check_safe_margin(alpha, limits=limits),
            check_clean_border(alpha, limits=limits),
            check_single_subject(alpha, limits=limits),
            check_palette(cutout, alpha, palette, limits=limits),
        ]
    checks = [
        check_image_size(original, width=width, height=height),
        check_detail(original, limits=limits),
        *shape_checks,
        _result(
            "near_duplicate",
            duplicate_of is None,
            0.0 if duplicate_of else 1.0,
            None,
            f"nearly the same image as {duplicate_of}"
            if duplicate_of
            else "distinct from the other variants",
        ),
        *extra_checks,
    ]
    score = float(np.mean([c.score for c in checks]))
    return VariantQuality(
        variant_id=variant_id, passed=all(c.passed for c in checks), score=round(score, 4), checks=checks
    )
