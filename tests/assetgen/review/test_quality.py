"""Quality checks: each one passes and fails where it should, with a reason a person can read."""

from __future__ import annotations

import numpy as np
import pytest

from assetgen.models.spec import QualityLimits
from assetgen.review.quality import (
    check_clean_border,
    check_coverage,
    check_detail,
    check_image_size,
    check_palette,
    check_safe_margin,
    check_single_subject,
    dhash,
    evaluate_variant,
    near_duplicates,
)

LIMITS = QualityLimits()


def disc(size: int = 64, radius: float = 18, center: tuple[float, float] = (32, 32)) -> np.ndarray:
    ys, xs = np.mgrid[0:size, 0:size]
    alpha = (((ys - center[0]) ** 2 + (xs - center[1]) ** 2) <= radius**2).astype(np.uint8) * 255
    rgba = np.zeros((size, size, 4), np.uint8)
    rgba[..., 0], rgba[..., 1], rgba[..., 2], rgba[..., 3] = 200, 60, 40, alpha
    return rgba


def test_a_centred_sprite_passes_everything() -> None:
    cutout = disc()
    original = cutout.copy()
    original[cutout[..., 3] == 0] = (240, 240, 236, 255)
    quality = evaluate_variant("v1", original, cutout, width=64, height=64, limits=LIMITS)
    assert quality.passed and quality.score > 0.8, quality.failures()


@pytest.mark.parametrize(
    ("check", "image", "passes", "reason"),
    [
        (lambda a: check_coverage(a[..., 3], limits=LIMITS), disc(radius=2), False, "covers"),
        (lambda a: check_coverage(a[..., 3], limits=LIMITS), disc(radius=60), False, "covers"),
        (
            lambda a: check_safe_margin(a[..., 3], limits=LIMITS),
            disc(center=(32, 14)),
            False,
            "from the nearest edge",
        ),
        (
            lambda a: check_clean_border(a[..., 3], limits=LIMITS),
            disc(center=(32, 10)),
            False,
            "border is opaque",
        ),
        (lambda a: check_clean_border(a[..., 3], limits=LIMITS), disc(), True, "transparent border"),
        (
            lambda a: check_single_subject(a[..., 3], limits=LIMITS),
            np.maximum(disc(radius=8, center=(16, 16)), disc(radius=8, center=(48, 48))),
            False,
            "2 part(s)",
        ),
        (lambda a: check_detail(a, limits=LIMITS), np.full((8, 8, 4), 128, np.uint8), False, "flat image"),
        (lambda a: check_image_size(a, width=64, height=64), disc(size=32), False, "expected 64x64"),
    ],
)
def test_checks_fail_with_reasons(check, image, passes, reason) -> None:
    result = check(image)
    assert result.passed is passes and reason in result.reason
    assert 0 <= result.score <= 1


def test_palette_adherence_only_when_the_contract_asks() -> None:
    sprite = disc()
    assert check_palette(sprite, sprite[..., 3], ["#c83c28"], limits=LIMITS).reason.startswith("not checked")
    strict = QualityLimits(palette_max_distance=0.05)
    assert check_palette(sprite, sprite[..., 3], ["#c83c28"], limits=strict).passed
    assert not check_palette(sprite, sprite[..., 3], ["#1030f0"], limits=strict).passed


def test_near_duplicates_by_perceptual_hash() -> None:
    rng = np.random.default_rng(3)
    a = rng.integers(0, 256, (64, 64, 4), dtype=np.uint8)
    b = a.copy()
    b[0, 0, 0] ^= 1  # one pixel differs
    c = rng.integers(0, 256, (64, 64, 4), dtype=np.uint8)
    assert near_duplicates([dhash(a), dhash(b), dhash(c)], limits=LIMITS) == [None, 0, None]
