"""``auto``: colorkey where the background is clean, the model where it is not.

The rule, measured on the synthetic test set (see docs/pipeline/background-removal.md and
BENCHMARKS.md): colorkey beats u2netp on every clean background (white, noisy near-white, grey,
saturated, gradient, vignette: IoU ~0.995 vs 0.79-0.99, and 10-40x faster), while on cluttered
backgrounds colorkey has nothing to key on and the model wins. A background counts as clean when
the smooth border model explains it: the robust border noise is at most ``CLEAN_NOISE_MAX`` (0-255
OKLab scale) and at least ``CLEAN_INLIER_MIN`` of the border samples fit the model. Without a model
session, auto uses colorkey everywhere and says so in the details.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from assetgen.image_files import as_rgba
from assetgen.imaging.alpha.background_model import fit_background
from assetgen.imaging.alpha.colorkey import remove_background_colorkey
from assetgen.imaging.alpha.cutout import Cutout, RemovalOptions
from assetgen.imaging.alpha.model import SessionSource, remove_background_rembg, resolve_session
from assetgen.imaging.alpha.oklab import srgb_to_oklab_planes

log = logging.getLogger(__name__)

CLEAN_NOISE_MAX = 8.0
CLEAN_INLIER_MIN = 0.6


@dataclass(frozen=True)
class BackgroundAssessment:
    """Whether colorkey can handle an image's background, and the numbers that decided it."""

    is_clean: bool
    noise: float  # robust border noise, 0-255 OKLab scale
    inlier_fraction: float
    degree: int

    def reason(self) -> str:
        """One line for logs and reports."""
        verdict = "clean" if self.is_clean else "cluttered"
        return f"{verdict} background (border noise {self.noise:.1f}, {self.inlier_fraction:.0%} of the border fits)"


def assess_background(rgba: np.ndarray) -> BackgroundAssessment:
    """Fit the border model and judge whether the background is clean enough to key out."""
    rgba = as_rgba(rgba)
    alpha = rgba[:, :, 3]
    model = fit_background(srgb_to_oklab_planes(rgba), alpha >= 128 if (alpha < 255).any() else None)
    if model is None:  # already transparent all round: colorkey keeps the alpha as it is
        return BackgroundAssessment(is_clean=True, noise=0.0, inlier_fraction=1.0, degree=0)
    noise = model.noise * 255.0
    clean = noise <= CLEAN_NOISE_MAX and model.inlier_fraction >= CLEAN_INLIER_MIN
    return BackgroundAssessment(
        is_clean=clean,
        noise=round(noise, 2),
        inlier_fraction=round(model.inlier_fraction, 4),
        degree=model.degree,
    )


def remove_background_auto(
    rgba: np.ndarray, *, options: RemovalOptions | None = None, session: SessionSource = None
) -> Cutout:
    """Colorkey on clean backgrounds, the model (when there is a session) on cluttered ones.

    ``session`` may be a provider: it is called only for a cluttered background.
    """
    options = options or RemovalOptions()
    assessment = assess_background(rgba)
    model = None if assessment.is_clean else resolve_session(session)
    if model is None:
        cutout = remove_background_colorkey(rgba, options=options)
        details = {**cutout.details, "auto": assessment.reason()}
        if not assessment.is_clean:
            details["warning"] = "cluttered background and no model session: colorkey may keep background"
            log.warning("auto: %s and no model session; colorkey used", assessment.reason())
        return Cutout(rgba=cutout.rgba, method="colorkey", details=details)
    cutout = remove_background_rembg(rgba, session=model, options=options)
    return Cutout(rgba=cutout.rgba, method="rembg", details={**cutout.details, "auto": assessment.reason()})
