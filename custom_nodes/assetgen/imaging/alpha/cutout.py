"""What every background remover takes (``RemovalOptions``) and gives back (``Cutout``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from assetgen.errors import InvalidInput

# Colour distances (colorkey) and mask levels (rembg) are on a 0-255 scale, as in the origin's
# bg_remove job input: for colorkey, 255 is the OKLab distance between black and white.
DEFAULT_THRESHOLD = 24.0
# Unless given, the smallest enclosed hole that is cleared scales with the image: 1/1000 of its area,
# at least 16 px (64 px at 256x256, 262 px at 512x512).
HOLE_AREA_FRACTION = 0.001
HOLE_MIN_AREA_FLOOR_PX = 16


def default_hole_min_area_px(height: int, width: int) -> int:
    """The default smallest hole cleared for an image of ``height x width``."""
    return max(HOLE_MIN_AREA_FLOOR_PX, round(height * width * HOLE_AREA_FRACTION))


@dataclass(frozen=True)
class RemovalOptions:
    """Tuning shared by the removers; every field has the default the test set was measured with."""

    threshold: float = DEFAULT_THRESHOLD
    feather_px: float = 0.0
    erode_px: int = 0
    clear_holes: bool = True
    hole_min_area_px: int | None = None  # None: default_hole_min_area_px of the image
    decontaminate: bool = True

    def __post_init__(self) -> None:
        if not 0.0 <= self.threshold <= 255.0:
            raise InvalidInput(f"threshold {self.threshold} is out of range: use 0-255")
        if not 0.0 <= self.feather_px <= 64.0:
            raise InvalidInput(f"feather {self.feather_px} px is out of range: use 0-64")
        if not 0 <= self.erode_px <= 64:
            raise InvalidInput(f"erode {self.erode_px} px is out of range: use 0-64")
        if self.hole_min_area_px is not None and self.hole_min_area_px < 1:
            raise InvalidInput(f"hole minimum area {self.hole_min_area_px} px must be at least 1")


@dataclass(frozen=True)
class Cutout:
    """A background removal result: the RGBA cut-out, the method that made it and what it measured."""

    rgba: np.ndarray
    method: str
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def alpha(self) -> np.ndarray:
        """The alpha channel, uint8 (H, W)."""
        return self.rgba[:, :, 3]
