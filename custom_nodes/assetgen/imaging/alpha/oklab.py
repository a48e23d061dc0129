"""sRGB <-> OKLab (Björn Ottosson, 2020): the perceptual space in which colour distances are measured.

OKLab lightness runs 0 (black) to 1 (white); the distance black-white is 1.0, which assetgen reports
on a 0-255 scale (x 255) so thresholds read like the origin's 0-255 numbers.
"""

from __future__ import annotations

import numpy as np

_LINEAR_TO_LMS = np.array(
    [
        [0.4122214708, 0.5363325363, 0.0514459929],
        [0.2119034982, 0.6806995451, 0.1073969566],
        [0.0883024619, 0.2817188376, 0.6299787005],
    ],
    dtype=np.float32,
)
_LMS_TO_LAB = np.array(
    [
        [0.2104542553, 0.7936177850, -0.0040720468],
        [1.9779984951, -2.4285922050, 0.4505937099],
        [0.0259040371, 0.7827717662, -0.8086757660],
    ],
    dtype=np.float32,
)
_LAB_TO_LMS = np.linalg.inv(_LMS_TO_LAB.astype(np.float64)).astype(np.float32)
_LMS_TO_LINEAR = np.linalg.inv(_LINEAR_TO_LMS.astype(np.float64)).astype(np.float32)


def _srgb_to_linear_table() -> np.ndarray:
    c = np.arange(256, dtype=np.float64) / 255.0
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return linear.astype(np.float32)


_SRGB_TO_LINEAR = _srgb_to_linear_table()
_SRGB_TO_LINEAR.setflags(write=False)


def srgb_to_oklab(rgb: np.ndarray) -> np.ndarray:
    """uint8 sRGB (..., 3) -> float32 OKLab (..., 3); L in 0..1, a/b roughly -0.4..0.4."""
    linear = _SRGB_TO_LINEAR[rgb]
    lms = linear @ _LINEAR_TO_LMS.T
    np.cbrt(lms, out=lms)
    return lms @ _LMS_TO_LAB.T


def srgb_to_oklab_planes(image: np.ndarray) -> np.ndarray:
    """uint8 sRGB(A) image (H, W, 3|4) -> float32 OKLab channel planes (3, H, W).

    Whole images go through explicit per-plane multiply-adds rather than a (H*W, 3) @ (3, 3) matrix
    product: on a loaded machine BLAS threads made that product ten times slower now and then.
    """
    lut = _SRGB_TO_LINEAR
    r, g, b = lut[image[:, :, 0]], lut[image[:, :, 1]], lut[image[:, :, 2]]
    lms = []
    for k in range(3):
        x = r * _LINEAR_TO_LMS[k, 0]
        x += g * _LINEAR_TO_LMS[k, 1]
        x += b * _LINEAR_TO_LMS[k, 2]
        np.cbrt(x, out=x)
        lms.append(x)
    out = np.empty((3, *r.shape), dtype=np.float32)
    for k in range(3):
        np.multiply(lms[0], _LMS_TO_LAB[k, 0], out=out[k])
        out[k] += lms[1] * _LMS_TO_LAB[k, 1]
        out[k] += lms[2] * _LMS_TO_LAB[k, 2]
    return out


def oklab_to_srgb(lab: np.ndarray) -> np.ndarray:
    """float OKLab (..., 3) -> float32 sRGB (..., 3) in 0..255 (clipped to the gamut cube)."""
    lms = np.asarray(lab, dtype=np.float32) @ _LAB_TO_LMS.T
    lms = lms * lms * lms
    linear = np.clip(lms @ _LMS_TO_LINEAR.T, 0.0, 1.0)
    srgb = np.where(linear <= 0.0031308, linear * 12.92, 1.055 * np.power(linear, 1 / 2.4) - 0.055)
    return (srgb * 255.0).astype(np.float32)
