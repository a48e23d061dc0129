"""matte.square_filter: the numpy dilation/erosion by a square gives exactly scipy's min/max filter."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage

from assetgen.imaging.alpha.matte import square_filter


@pytest.mark.parametrize("size", [1, 2, 3, 4, 5, 7, 9])
@pytest.mark.parametrize("shape", [(64, 48), (7, 13), (3, 3), (1, 9)])
def test_square_filter_equals_scipy(size: int, shape: tuple[int, int]) -> None:
    mask = np.random.default_rng(size * 100 + shape[0]).random(shape) < 0.5
    for largest, reference in ((True, ndimage.maximum_filter), (False, ndimage.minimum_filter)):
        expected = reference(mask.view(np.uint8), size=size).view(bool)
        got = square_filter(mask, size, largest=largest)
        assert got.dtype == bool and np.array_equal(got, expected), (size, shape, largest)
    assert np.array_equal(mask, mask.copy())  # the input is left alone
