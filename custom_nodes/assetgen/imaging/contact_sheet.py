"""A contact sheet: many images in a labelled grid, on a checkerboard so transparency shows."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PIL import Image, ImageDraw


def checkerboard(height: int, width: int, *, square_px: int = 8) -> np.ndarray:
    """An RGBA light/dark grey checkerboard."""
    ys, xs = np.mgrid[0:height, 0:width]
    light = (ys // square_px + xs // square_px) % 2 == 0
    grey = np.where(light, 236, 200).astype(np.uint8)
    return np.dstack([grey, grey, grey, np.full_like(grey, 255)])


def contact_sheet(
    items: Sequence[tuple[str, np.ndarray]],
    *,
    cell_px: int = 128,
    columns: int | None = None,
    label_px: int = 14,
) -> np.ndarray:
    """Lay out (label, RGBA image) pairs in a grid; each image scaled to fit ``cell_px``, label below it."""
    if not items:
        return checkerboard(cell_px, cell_px)
    columns = columns or min(len(items), 8)
    rows = -(-len(items) // columns)
    pad = 4
    cell_w, cell_h = cell_px + 2 * pad, cell_px + label_px + 2 * pad
    sheet = Image.new("RGBA", (columns * cell_w, rows * cell_h), (40, 40, 46, 255))
    draw = ImageDraw.Draw(sheet)
    for index, (label, rgba) in enumerate(items):
        x0, y0 = (index % columns) * cell_w + pad, (index // columns) * cell_h + pad
        image = Image.fromarray(rgba, "RGBA")
        image.thumbnail((cell_px, cell_px), Image.Resampling.LANCZOS)
        tile = Image.fromarray(checkerboard(cell_px, cell_px), "RGBA")
        tile.alpha_composite(image, ((cell_px - image.width) // 2, (cell_px - image.height) // 2))
        sheet.paste(tile, (x0, y0))
        draw.text((x0, y0 + cell_px + 1), label[: cell_px // 6], fill=(230, 230, 235, 255))
    return np.asarray(sheet, dtype=np.uint8).copy()
