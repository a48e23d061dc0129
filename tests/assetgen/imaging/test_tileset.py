"""The Wang 2-corner table, legal neighbours, and corner-mask composition with exact shared edges."""

from __future__ import annotations

import numpy as np
import pytest

from assetgen.errors import InvalidInput
from assetgen.imaging.seams import measure_seam
from assetgen.imaging.tileset import (
    can_join_horizontally,
    can_join_vertically,
    compose_wang_tiles,
    corner_bits,
    corner_table,
    edge_mismatch_pixels,
    legal_pairs,
    pack_tileset,
)
from tests.assetgen.imaging.test_seams import periodic_texture


def test_corner_bit_table() -> None:
    table = corner_table()
    assert [b.index for b in table] == list(range(16))
    assert corner_bits(0).as_dict() == {"nw": 0, "ne": 0, "sw": 0, "se": 0}
    assert corner_bits(15).as_dict() == {"nw": 1, "ne": 1, "sw": 1, "se": 1}
    assert corner_bits(1).as_dict() == {"nw": 1, "ne": 0, "sw": 0, "se": 0}
    assert corner_bits(2).as_dict() == {"nw": 0, "ne": 1, "sw": 0, "se": 0}
    assert corner_bits(4).as_dict() == {"nw": 0, "ne": 0, "sw": 1, "se": 0}
    assert corner_bits(8).as_dict() == {"nw": 0, "ne": 0, "sw": 0, "se": 1}
    assert corner_bits(6).as_dict() == {"nw": 0, "ne": 1, "sw": 1, "se": 0}
    assert len({tuple(b.as_dict().values()) for b in table}) == 16, "every combination once"
    with pytest.raises(InvalidInput):
        corner_bits(16)


def test_legal_neighbours() -> None:
    a, b = corner_bits(2), corner_bits(1)  # NE of a meets NW of b
    assert can_join_horizontally(a, b) and not can_join_horizontally(a, corner_bits(0))
    assert can_join_vertically(corner_bits(4), corner_bits(1))  # SW of the top meets NW of the bottom
    pairs = list(legal_pairs())
    # Each tile has 4 legal right neighbours and 4 legal bottom neighbours.
    assert len([p for p in pairs if p[0] == "h"]) == 64 and len([p for p in pairs if p[0] == "v"]) == 64


@pytest.fixture(scope="module")
def wang_tiles() -> list[np.ndarray]:
    return compose_wang_tiles(
        periodic_texture(48, seed=10), periodic_texture(48, seed=11), ring_px=2, noise_seed=3
    )


def test_composed_tiles_have_identical_shared_edges(wang_tiles: list[np.ndarray]) -> None:
    assert len(wang_tiles) == 16
    assert edge_mismatch_pixels(wang_tiles, ring_px=2) == 0
    assert edge_mismatch_pixels(wang_tiles, ring_px=1) == 0


def test_pure_tiles_are_the_terrains_and_transitions_mix_them(wang_tiles: list[np.ndarray]) -> None:
    t0, t1 = periodic_texture(48, seed=10), periodic_texture(48, seed=11)
    assert np.array_equal(wang_tiles[0], t0) and np.array_equal(wang_tiles[15], t1)
    mixed = wang_tiles[1]  # NW corner is terrain 1
    assert np.array_equal(mixed[:2, :2], t1[:2, :2]) and np.array_equal(mixed[-2:, -2:], t0[-2:, -2:])


def test_a_legal_pair_joins_without_a_seam(wang_tiles: list[np.ndarray]) -> None:
    for _, a, b in (p for p in legal_pairs() if p[0] == "h"):
        pair = np.concatenate([wang_tiles[a], wang_tiles[b]], axis=1)
        rolled = np.roll(pair, 48, axis=1)  # the a|b edge becomes the wrap edge
        assert measure_seam(rolled, "x").ratio < 2.0, (a, b)


def test_a_broken_edge_is_counted(wang_tiles: list[np.ndarray]) -> None:
    broken = [t.copy() for t in wang_tiles]
    broken[5][:, -1] = 0  # the right ring column of tile 5
    assert edge_mismatch_pixels(broken, ring_px=2) > 0
    with pytest.raises(InvalidInput):
        edge_mismatch_pixels(broken[:15])


def test_pack_tileset_places_tiles_in_index_order(wang_tiles: list[np.ndarray]) -> None:
    atlas = pack_tileset(wang_tiles)
    assert atlas.shape == (192, 192, 4)
    assert np.array_equal(atlas[48:96, 96:144], wang_tiles[6])
