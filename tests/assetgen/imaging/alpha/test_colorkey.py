"""colorkey: the synthetic test set contract, holes, highlights, edges, erode/feather, odd inputs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from assetgen.imaging.alpha.colorkey import remove_background_colorkey
from assetgen.imaging.alpha.cutout import RemovalOptions
from tests.assetgen.imaging.alpha_testset import (
    CLEAN_KINDS,
    iou,
    make_case,
    make_testset,
    mean_abs_alpha_error,
)


def _disc(size: int = 96, *, colour=(200, 30, 30), bg=(255, 255, 255), radius: float = 30.0, ss: int = 4):
    """An anti-aliased disc: image (H, W, 4) and true alpha."""
    n = size * ss
    coords = (np.arange(n) + 0.5) / ss
    yy, xx = np.meshgrid(coords, coords, indexing="ij")
    cover = (np.hypot(yy - size / 2, xx - size / 2) <= radius).reshape(size, ss, size, ss).mean(axis=(1, 3))
    rgb = cover[:, :, None] * np.array(colour) + (1 - cover[:, :, None]) * np.array(bg)
    rgba = np.dstack([np.round(rgb).astype(np.uint8), np.full((size, size), 255, np.uint8)])
    return rgba, cover.astype(np.float32)


def _ring(size: int = 128, *, bg=(255, 255, 255)) -> np.ndarray:
    yy, xx = np.mgrid[0:size, 0:size]
    d = np.hypot(yy - size / 2, xx - size / 2)
    rgba = np.zeros((size, size, 4), np.uint8)
    rgba[..., :3] = bg
    rgba[..., 3] = 255
    rgba[(d >= 25) & (d <= 40), :3] = (30, 60, 160)
    return rgba


def test_synthetic_testset_meets_the_contract(artifacts_dir: Path) -> None:
    cases = make_testset(kinds=CLEAN_KINDS, per_kind=4, size=256, seed=0)
    ious, errors, rows = [], [], []
    for case in cases:
        out = remove_background_colorkey(case.rgba)
        ious.append(iou(case.alpha, out.alpha))
        errors.append(mean_abs_alpha_error(case.alpha, out.alpha))
        a = out.rgba[:, :, 3:4].astype(np.float32) / 255
        over_dark = (out.rgba[:, :, :3] * a + np.array([40, 40, 40]) * (1 - a)).astype(np.uint8)
        rows.append(np.hstack([case.rgba[:, :, :3], over_dark]))
    Image.fromarray(np.vstack(rows[::4])).save(artifacts_dir / "colorkey_testset.png")
    per_kind = {kind: float(np.mean(ious[i * 4 : i * 4 + 4])) for i, kind in enumerate(CLEAN_KINDS)}
    assert np.mean(ious) >= 0.97, per_kind
    assert np.mean(errors) <= 0.03, errors
    assert min(per_kind.values()) >= 0.95, per_kind
    # speed is measured by tools/bench_alpha.py (colorkey against a naive corner key), never here


def test_highlight_close_to_the_background_is_kept() -> None:
    case = make_case("white", 0)
    out = remove_background_colorkey(case.rgba)
    inside = case.alpha >= 0.999
    assert (out.alpha[inside] >= 250).mean() > 0.995


def test_enclosed_holes_are_cleared_by_default_and_kept_on_request() -> None:
    ring = _ring()
    centre = (64, 64)
    assert remove_background_colorkey(ring).alpha[centre] == 0
    kept = remove_background_colorkey(ring, options=RemovalOptions(clear_holes=False))
    assert kept.alpha[centre] == 255
    too_small = remove_background_colorkey(ring, options=RemovalOptions(hole_min_area_px=10_000))
    assert too_small.alpha[centre] == 255
    assert kept.alpha[0, 0] == 0 and kept.alpha[64, 64 + 32] == 255


def test_soft_edges_follow_coverage_and_lose_the_background_colour() -> None:
    rgba, alpha = _disc()
    out = remove_background_colorkey(rgba)
    edge = (alpha > 0.1) & (alpha < 0.9)
    assert np.abs(out.alpha[edge] / 255.0 - alpha[edge]).mean() < 0.06
    # A red edge pixel blended over white is pink; de-contaminated it is red again.
    partial = (out.alpha > 30) & (out.alpha < 225)
    assert partial.sum() > 20
    assert out.rgba[partial][:, 1].mean() < 60, out.rgba[partial][:, :3].mean(axis=0)
    raw = remove_background_colorkey(rgba, options=RemovalOptions(decontaminate=False))
    assert raw.rgba[partial][:, 1].mean() > 100


def test_erode_shrinks_and_feather_softens() -> None:
    rgba, _ = _disc()
    base = remove_background_colorkey(rgba).alpha
    eroded = remove_background_colorkey(rgba, options=RemovalOptions(erode_px=2)).alpha
    feathered = remove_background_colorkey(rgba, options=RemovalOptions(feather_px=4)).rgba
    assert (eroded >= 128).sum() < (base >= 128).sum() - 2 * np.pi * 30 * 1.5
    soft = (feathered[:, :, 3] > 0) & (feathered[:, :, 3] < 255)
    assert soft.sum() > ((base > 0) & (base < 255)).sum() * 2
    # Pixels the feather made visible carry the sprite's colour, not black.
    assert feathered[soft][:, 0].mean() > 150


def test_background_connected_to_the_border_only() -> None:
    """A white object inside a dark frame is not background when hole clearing is off."""
    rgba = np.full((64, 64, 4), 255, np.uint8)
    rgba[10:54, 10:54, :3] = (20, 20, 20)
    rgba[20:44, 20:44, :3] = (255, 255, 255)
    out = remove_background_colorkey(rgba, options=RemovalOptions(clear_holes=False))
    assert out.alpha[0, 0] == 0 and out.alpha[32, 32] == 255 and out.alpha[12, 12] == 255


def test_existing_transparency_is_kept() -> None:
    rgba, _ = _disc()
    rgba[:, :, 3] = 255
    rgba[:, :8, 3] = 0  # a transparent strip on the left
    rgba[:, :8, :3] = (0, 255, 0)  # whose colour must not matter
    out = remove_background_colorkey(rgba)
    assert (out.alpha[:, :8] == 0).all()
    assert out.alpha[48, 48] == 255 and out.alpha[2, 40] == 0


def test_fully_transparent_border_keeps_the_alpha() -> None:
    rgba = np.zeros((32, 32, 4), np.uint8)
    rgba[8:24, 8:24] = (10, 200, 10, 255)
    out = remove_background_colorkey(rgba)
    assert np.array_equal(out.alpha, rgba[:, :, 3])
    assert out.details["alreadyTransparent"]


@pytest.mark.parametrize("shape", [(1, 1), (2, 2), (1, 40), (40, 1), (3, 3)])
def test_tiny_images(shape: tuple[int, int]) -> None:
    rgba = np.full((*shape, 4), 255, np.uint8)
    out = remove_background_colorkey(rgba)
    assert out.rgba.shape == (*shape, 4) and out.rgba.dtype == np.uint8


def test_a_uniform_image_is_all_background() -> None:
    rgba = np.full((50, 60, 4), 128, np.uint8)
    rgba[:, :, 3] = 255
    out = remove_background_colorkey(rgba)
    assert (out.alpha == 0).all()


def test_rgb_input_and_determinism() -> None:
    case = make_case("gradient", 1, size=128)
    first = remove_background_colorkey(case.rgba[:, :, :3].copy())
    second = remove_background_colorkey(case.rgba)
    assert np.array_equal(first.rgba, second.rgba)
    assert first.details["backgroundDegree"] == 4 and first.details["effectiveThreshold"] >= 24


def test_noise_raises_the_effective_threshold() -> None:
    case = make_case("near_white_noisy", 0, size=128)
    out = remove_background_colorkey(case.rgba, options=RemovalOptions(threshold=2))
    assert out.details["effectiveThreshold"] > 10
    assert iou(case.alpha, out.alpha) > 0.97
