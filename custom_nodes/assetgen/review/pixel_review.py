"""The pixel-art contract in autopilot's review: each cut-out pixelated as the pipeline will, then measured.

Only specs with a ``pixelArt`` block are checked. The palette is decided once for the round (the
catalog palette, or ``anchor``: the named anchor variant's colours, else the first variant's), exactly
as the ``pixelate`` step decides it (the first variant that is not blank), so the checks measure what
will be delivered.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from assetgen.errors import InvalidInput
from assetgen.imaging.pixel_art import palette_from_first_anchor, pixelate, upscale_nearest
from assetgen.models import AssetSpec
from assetgen.review.quality import CheckResult, check_one_palette, check_pixel_art
from assetgen.specs.pixel_art import ANCHOR, catalog_palette, pixel_art_options, spec_pixel_art
from assetgen.store import ProjectStore


def pixel_art_checks(
    store: ProjectStore, project_id: str, spec: AssetSpec, cutouts: Sequence[np.ndarray]
) -> list[list[CheckResult]]:
    """Per cut-out, the pixel-art checks (empty lists when the spec is not pixel art)."""
    if spec.pixel_art is None or not cutouts:
        return [[] for _ in cutouts]
    settings = spec_pixel_art(store, project_id, spec)
    options = pixel_art_options(settings)
    if settings.palette and settings.palette != ANCHOR:
        palette = catalog_palette(store, project_id, settings.palette)
    else:
        try:
            palette = palette_from_first_anchor(cutouts, options, max_colors=settings.max_colors or 16)[1]
        except InvalidInput:
            # Every cut-out is blank: nothing to measure; the other checks already fail these variants.
            failed = CheckResult(
                name="paletteConformity", passed=False, score=0.0, reason="no subject to take a palette from"
            )
            return [[failed] for _ in cutouts]
    results = [pixelate(cutout, palette, options) for cutout in cutouts]
    shared = check_one_palette([r.rgba for r in results], palette)
    checks = []
    for result in results:
        # Measured as an engine shows it at the generation's scale: upscaled by whole cells (nearest).
        cell = max(1, round(result.scale_x))
        checks.append([*check_pixel_art(upscale_nearest(result.rgba, cell), palette, cell_px=cell), shared])
    return checks
