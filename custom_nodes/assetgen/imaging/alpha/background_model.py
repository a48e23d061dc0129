"""A smooth colour model of an image's background, fitted robustly in OKLab.

Generated sprites sit on flat, noisy, gradient or vignetted backgrounds. One colour does not describe
a gradient or a vignette, so the model is a polynomial in the pixel position per OKLab channel.

``fit_background`` fits it to the outer ring of pixels by iteratively re-weighted least squares that
drops outliers (the parts of the sprite that touch the border); the lowest degree (0, 1 or 2) that
explains the border about as well as the quadratic wins, so a flat background stays one colour.
``refit_background`` fits a richer polynomial (degree 4) to all pixels already known to be
background, which interpolates a vignette under the sprite instead of extrapolating it from the
border.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from assetgen.imaging.alpha.oklab import oklab_to_srgb

_MAX_SAMPLES = 8192
_NOISE_FLOOR = 0.002  # OKLab units (~0.5 on the 0-255 scale): quantisation, not noise
_INLIER_MIN = 0.012  # never call a sample an outlier closer than this to the model


@cache
def _monomials(degree: int) -> tuple[tuple[int, int], ...]:
    """Exponents (i, j) of u^i v^j with i + j <= degree, lowest total degree first."""
    return tuple((i, total - i) for total in range(degree + 1) for i in range(total, -1, -1))


@dataclass(frozen=True)
class BackgroundModel:
    """Background colour as a polynomial in normalised position; ``coefficients`` is (terms, 3) OKLab."""

    coefficients: np.ndarray
    degree: int
    noise: float  # robust per-pixel noise of the background (OKLab distance units)
    inlier_fraction: float  # share of the fitted samples the model explains
    samples: int

    @property
    def is_flat(self) -> bool:
        """True when the background is one colour (degree 0)."""
        return self.degree == 0

    def colour_at(self, ys: np.ndarray, xs: np.ndarray, height: int, width: int) -> np.ndarray:
        """Model OKLab colour at pixel coordinates ``ys, xs`` of an image of ``height x width``."""
        u, v = _normalise(xs, width), _normalise(ys, height)
        return _design(u, v, self.degree) @ self.coefficients

    def field(self, height: int, width: int) -> np.ndarray:
        """Model OKLab colour for every pixel as channel planes, float32 (3, H, W).

        Evaluated separably: for each channel, (V C) is (H, d+1) and the plane is the sum of d+1 outer
        products with the columns of U (no BLAS call over the whole image).
        """
        d = self.degree
        u = _normalise(np.arange(width), width)
        v = _normalise(np.arange(height), height)
        u_powers = np.stack([u**i for i in range(d + 1)], axis=1).astype(np.float32)  # (W, d+1)
        v_powers = np.stack([v**j for j in range(d + 1)], axis=1).astype(np.float32)  # (H, d+1)
        grid = np.zeros((3, d + 1, d + 1), dtype=np.float32)  # [channel, j, i]
        for (i, j), row in zip(_monomials(d), self.coefficients, strict=True):
            grid[:, j, i] = row
        out = np.zeros((3, height, width), dtype=np.float32)
        for channel in range(3):
            rows = v_powers @ grid[channel]  # (H, d+1): tiny
            for i in range(d + 1):
                out[channel] += rows[:, i : i + 1] * u_powers[:, i]
        return out

    def mean_srgb(self) -> tuple[int, int, int]:
        """The model's colour at the image centre as sRGB, for reports."""
        rgb = oklab_to_srgb(self.coefficients[0][None, :])[0]
        return (round(float(rgb[0])), round(float(rgb[1])), round(float(rgb[2])))


def _normalise(coords: np.ndarray, size: int) -> np.ndarray:
    if size <= 1:
        return np.zeros(np.shape(coords), dtype=np.float64)
    return np.asarray(coords, dtype=np.float64) / (size - 1) * 2.0 - 1.0


def _design(u: np.ndarray, v: np.ndarray, degree: int) -> np.ndarray:
    u_powers, v_powers = [np.ones_like(u)], [np.ones_like(v)]
    for _ in range(degree):
        u_powers.append(u_powers[-1] * u)
        v_powers.append(v_powers[-1] * v)
    return np.stack([u_powers[i] * v_powers[j] for i, j in _monomials(degree)], axis=-1)


def border_coordinates(height: int, width: int, *, border_px: int) -> tuple[np.ndarray, np.ndarray]:
    """Row and column indices of the outer ``border_px`` ring of an image (each pixel once)."""
    b = max(1, min(border_px, (min(height, width) + 1) // 2))
    ring = np.zeros((height, width), dtype=bool)
    ring[:b] = True
    ring[-b:] = True
    ring[:, :b] = True
    ring[:, -b:] = True
    return np.nonzero(ring)


def _least_squares(phi: np.ndarray, samples: np.ndarray) -> np.ndarray:
    """Solve min |phi c - samples| by the normal equations (a few terms, many samples: fast, stable)."""
    gram = phi.T @ phi
    gram[np.diag_indices_from(gram)] += 1e-9 * max(float(np.trace(gram)), 1.0)
    return np.linalg.solve(gram, phi.T @ samples)


def _robust_fit(
    phi: np.ndarray, samples: np.ndarray, initial: np.ndarray, residual: np.ndarray, inliers: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Least squares on the inliers, re-selected from the residuals a few times (``initial``: start)."""
    coefficients = np.zeros((phi.shape[1], 3))
    coefficients[: len(initial)] = initial
    for _ in range(5):
        scale = max(1.4826 * float(np.median(residual[inliers])), _NOISE_FLOOR)
        inliers = residual <= max(3.0 * scale, _INLIER_MIN)
        if int(inliers.sum()) < 4 * phi.shape[1]:
            break
        coefficients = _least_squares(phi[inliers], samples[inliers])
        new_residual = np.linalg.norm(samples - phi @ coefficients, axis=1)
        converged = np.allclose(new_residual, residual, atol=1e-5)
        residual = new_residual
        if converged:
            break
    scale = max(1.4826 * float(np.median(residual[inliers])), _NOISE_FLOOR) if inliers.any() else _NOISE_FLOOR
    return coefficients, residual, inliers, scale


def _subsample(ys: np.ndarray, xs: np.ndarray, limit: int) -> tuple[np.ndarray, np.ndarray]:
    if ys.size <= limit:
        return ys, xs
    step = int(np.ceil(ys.size / limit))
    return ys[::step], xs[::step]


def fit_background(
    lab: np.ndarray, usable: np.ndarray | None = None, *, border_px: int = 2, max_degree: int = 2
) -> BackgroundModel | None:
    """Fit the background model to the border of ``lab`` (float OKLab planes (3, H, W)).

    ``usable`` marks pixels that may be sampled (e.g. opaque ones); returns None when the border has
    no usable pixel (an image that is already transparent all round).
    """
    height, width = lab.shape[1:]
    ys, xs = border_coordinates(height, width, border_px=border_px)
    if usable is not None:
        keep = usable[ys, xs]
        ys, xs = ys[keep], xs[keep]
    if ys.size == 0:
        return None
    ys, xs = _subsample(ys, xs, _MAX_SAMPLES)
    samples = lab[:, ys, xs].T.astype(np.float64)
    u, v = _normalise(xs, width), _normalise(ys, height)

    # Degree 0 starts from the channel-wise median; each degree starts from the one below.
    median = np.median(samples, axis=0)
    residual = np.linalg.norm(samples - median, axis=1)
    fits = {0: _robust_fit(_design(u, v, 0), samples, median[None, :], residual, np.ones(len(samples), bool))}
    for degree in range(1, max_degree + 1):
        if ys.size < 8 * len(_monomials(degree)):
            break
        previous = fits[degree - 1]
        fits[degree] = _robust_fit(_design(u, v, degree), samples, previous[0], previous[1], previous[2])

    best = max(fits)
    best_scale, best_share = fits[best][3], float(fits[best][2].mean())
    chosen = best
    for degree in sorted(fits):
        _, _, inliers, scale = fits[degree]
        if scale <= best_scale * 1.15 + 0.0015 and float(inliers.mean()) >= best_share - 0.02:
            chosen = degree
            break
    coefficients, _, inliers, scale = fits[chosen]
    return BackgroundModel(
        coefficients=np.asarray(coefficients, dtype=np.float64),
        degree=chosen,
        noise=scale,
        inlier_fraction=float(inliers.mean()),
        samples=int(ys.size),
    )


def refit_background(
    lab: np.ndarray,
    background: np.ndarray,
    start: BackgroundModel,
    *,
    degree: int = 4,
    max_samples: int = 4096,
) -> BackgroundModel:
    """Refit a degree-``degree`` model to the pixels of ``background`` (bool (H, W)) of OKLab planes ``lab``.

    Keeps ``start`` (whose noise estimate comes from the border) when too few pixels are known.
    """
    height, width = lab.shape[1:]
    ys, xs = np.nonzero(background)
    if ys.size < 16 * len(_monomials(degree)):
        return start
    ys, xs = _subsample(ys, xs, max_samples)
    samples = lab[:, ys, xs].T.astype(np.float64)
    u, v = _normalise(xs, width), _normalise(ys, height)
    residual = np.linalg.norm(samples - _design(u, v, start.degree) @ start.coefficients, axis=1)
    coefficients, _, inliers, _ = _robust_fit(
        _design(u, v, degree), samples, start.coefficients, residual, np.ones(len(samples), bool)
    )
    return BackgroundModel(
        coefficients=np.asarray(coefficients, dtype=np.float64),
        degree=degree,
        noise=start.noise,
        inlier_fraction=float(inliers.mean()),
        samples=int(ys.size),
    )
