"""The robust border model: degree selection, outliers, refit."""

from __future__ import annotations

import numpy as np

from assetgen.imaging.alpha.background_model import fit_background, refit_background
from assetgen.imaging.alpha.oklab import srgb_to_oklab_planes


def _image(rgb: np.ndarray) -> np.ndarray:
    return np.dstack([np.clip(np.round(rgb), 0, 255).astype(np.uint8), np.full(rgb.shape[:2], 255, np.uint8)])


def test_flat_noisy_background_is_one_colour_with_its_noise() -> None:
    rng = np.random.default_rng(0)
    rgb = np.full((80, 80, 3), 240.0) + rng.normal(0, 3, (80, 80, 3))
    model = fit_background(srgb_to_oklab_planes(_image(rgb)))
    assert model is not None and model.degree == 0
    assert abs(model.mean_srgb()[0] - 240) <= 1
    assert 0.005 < model.noise < 0.03


def test_gradient_is_linear_and_the_field_reproduces_it() -> None:
    xs = np.linspace(0, 1, 90)[None, :, None]
    rgb = np.broadcast_to(np.array([200, 120, 90]) + xs * np.array([40, 100, 120]), (70, 90, 3))
    lab = srgb_to_oklab_planes(_image(rgb))
    model = fit_background(lab)
    assert model.degree in (1, 2)
    assert np.abs(model.field(70, 90) - lab).max() < 0.01


def test_vignette_is_quadratic() -> None:
    yy, xx = np.mgrid[0:64, 0:64] / 63.0 - 0.5
    rgb = (230 - 120 * (yy**2 + xx**2))[:, :, None] * np.ones(3)
    model = fit_background(srgb_to_oklab_planes(_image(rgb)))
    assert model.degree == 2


def test_sprite_on_the_border_is_an_outlier() -> None:
    rgb = np.full((100, 100, 3), 250.0)
    rgb[60:, 20:70] = (10, 10, 200)  # runs off the bottom edge: a quarter of the bottom border
    model = fit_background(srgb_to_oklab_planes(_image(rgb)))
    assert model.degree == 0 and model.mean_srgb() == (250, 250, 250)
    assert 0.85 < model.inlier_fraction < 0.95


def test_no_usable_border_gives_none_and_refit_keeps_the_start_with_few_pixels() -> None:
    lab = srgb_to_oklab_planes(_image(np.full((20, 20, 3), 100.0)))
    assert fit_background(lab, np.zeros((20, 20), bool)) is None
    start = fit_background(lab)
    assert refit_background(lab, np.zeros((20, 20), bool), start) is start
