"""The 47-tile blob set: canonical masks, legal neighbours, composition with exact shared edges."""

from __future__ import annotations

import numpy as np
import pytest

from assetgen.errors import InvalidInput
from assetgen.imaging.blob import (
    NE,
    NW,
    SE,
    SW,
    BlobBits,
    E,
    N,
    S,
    W,
    blob_edge_mismatch_pixels,
    blob_legal_pairs,
    blob_table,
    canonical,
    compose_blob_tiles,
)
from assetgen.imaging.seams import measure_seam
from tests.assetgen.imaging.test_seams import periodic_texture


def test_the_table_has_47_canonical_masks() -> None:
    table = blob_table()
    assert len(table) == 47 and table[0].mask == 0 and table[-1].mask == 255
    assert canonical(NE) == 0, "a corner alone does not count"
    assert canonical(N | E | NE) == N | E | NE and canonical(N | NE) == N
    assert all(canonical(b.mask) == b.mask for b in table)
    assert BlobBits(N | E | NE).as_dict() == {
        "n": 1,
        "ne": 1,
        "e": 1,
        "se": 0,
        "s": 0,
        "sw": 0,
        "w": 0,
        "nw": 0,
    }
    with pytest.raises(InvalidInput):
        canonical(256)


def test_legal_pairs_follow_the_shared_cells() -> None:
    table = blob_table()
    index = {b.mask: i for i, b in enumerate(table)}
    pairs = set(blob_legal_pairs())
    background = 47
    assert ("h", index[E], index[W]) in pairs  # two cells joined left-right
    assert ("h", index[E], index[E | W]) in pairs
    assert ("h", index[0], background) in pairs and ("h", background, index[0]) in pairs
    assert ("h", index[E], background) not in pairs, "an east arm needs a terrain-1 cell to its right"
    full = index[255]
    assert ("h", full, full) in pairs and ("v", full, full) in pairs
    # A.NE must equal (A.N and B.N): a full tile next to a tile without a north arm is not legal.
    assert ("h", full, index[W | S | SW]) not in pairs
    assert ("h", full, index[N | NW | W | SW | S]) in pairs
    assert ("v", index[S], index[N]) in pairs
    assert ("v", index[N | S | SE | E], index[N | E | NE | S | SE]) in pairs
    assert ("v", index[N | S | SE | E], index[N | E | S]) not in pairs, (
        "the SE cell is terrain 1 for one, not the other"
    )
    assert ("h", index[N | E | NE], index[N | W | NW]) in pairs and (
        "h",
        index[E | SE | S],
        index[W | SW | S],
    ) in pairs


@pytest.fixture(scope="module")
def blob_tiles() -> list[np.ndarray]:
    return compose_blob_tiles(periodic_texture(64, seed=1), periodic_texture(64, seed=2), ring_px=2)


def test_every_legal_shared_edge_is_identical(blob_tiles) -> None:
    assert len(blob_tiles) == 48
    assert blob_edge_mismatch_pixels(blob_tiles, ring_px=2) == 0
    assert np.array_equal(blob_tiles[47], periodic_texture(64, seed=1)), "the background is terrain 0"
    assert np.array_equal(blob_tiles[46], periodic_texture(64, seed=2)), "the full tile is terrain 1"


def test_legal_pairs_join_without_a_seam_and_a_broken_edge_is_counted(blob_tiles) -> None:
    for direction, a, b in blob_legal_pairs():
        if direction != "h":
            continue
        rolled = np.roll(np.concatenate([blob_tiles[a], blob_tiles[b]], axis=1), 64, axis=1)
        assert measure_seam(rolled, "x").ratio < 2.0, (a, b)
    broken = [t.copy() for t in blob_tiles]
    broken[46][0, 10] = 0
    assert blob_edge_mismatch_pixels(broken) > 0
    with pytest.raises(InvalidInput):
        blob_edge_mismatch_pixels(broken[:47])
    with pytest.raises(InvalidInput):
        compose_blob_tiles(periodic_texture(64, seed=1), periodic_texture(32, seed=2))
