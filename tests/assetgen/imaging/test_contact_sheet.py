"""Contact sheets lay images out in a labelled grid over a checkerboard."""

from __future__ import annotations

import numpy as np

from assetgen.imaging.contact_sheet import contact_sheet


def test_grid_size_and_transparency_shows_the_checkerboard() -> None:
    red = np.zeros((64, 32, 4), np.uint8)
    red[..., 0], red[..., 3] = 255, 255
    clear = np.zeros((50, 50, 4), np.uint8)
    sheet = contact_sheet([("a", red), ("b", clear), ("c", red)], cell_px=64, columns=2)
    assert sheet.shape == (2 * (64 + 14 + 8), 2 * (64 + 8), 4)
    cell_b = sheet[4:68, 72 + 4 : 72 + 68]
    assert len(np.unique(cell_b[..., 0])) >= 2, "transparent image shows the checkerboard"
    assert sheet[4 + 32, 4 + 32, 0] == 255 and sheet[4 + 32, 4 + 32, 1] == 0
