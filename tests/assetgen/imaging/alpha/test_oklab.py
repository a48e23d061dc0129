"""sRGB <-> OKLab conversions."""

from __future__ import annotations

import numpy as np

from assetgen.imaging.alpha.oklab import oklab_to_srgb, srgb_to_oklab, srgb_to_oklab_planes


def test_reference_values() -> None:
    lab = srgb_to_oklab(np.array([[255, 255, 255], [0, 0, 0], [255, 0, 0]], np.uint8))
    assert np.allclose(lab[0], [1.0, 0.0, 0.0], atol=1e-3)
    assert np.allclose(lab[1], [0.0, 0.0, 0.0], atol=1e-6)
    assert np.allclose(lab[2], [0.6279, 0.2249, 0.1258], atol=2e-3)  # Ottosson's sRGB red


def test_round_trip_and_planes_agree() -> None:
    rng = np.random.default_rng(1)
    image = rng.integers(0, 256, (17, 23, 4), dtype=np.uint8)
    lab = srgb_to_oklab(image[:, :, :3])
    assert np.allclose(np.moveaxis(srgb_to_oklab_planes(image), 0, 2), lab, atol=1e-5)
    assert np.abs(oklab_to_srgb(lab) - image[:, :, :3]).max() < 0.05
