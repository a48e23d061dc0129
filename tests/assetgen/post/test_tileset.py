"""Building a Wang 2-corner tileset: composition, band regeneration with the ring restored, the record."""

from __future__ import annotations

import numpy as np
import pytest

from assetgen.errors import InvalidInput
from assetgen.post.tileset import build_tileset
from tests.assetgen.imaging.test_seams import periodic_texture


def test_build_tileset_packs_16_tiles_with_exact_edges() -> None:
    tileset = build_tileset(
        periodic_texture(32, seed=1), periodic_texture(32, seed=2), terrains=("grass", "dirt")
    )
    assert len(tileset.tiles) == 16 and tileset.atlas.shape == (128, 128, 4)
    assert tileset.edge_mismatch_px == 0
    record = tileset.record()
    assert record["terrains"] == ["grass", "dirt"] and record["tiles"][9]["corners"] == {
        "nw": 1,
        "ne": 0,
        "sw": 0,
        "se": 1,
    }


def test_a_regenerator_that_repaints_everything_still_leaves_exact_edges() -> None:
    rng = np.random.default_rng(0)

    def scramble(tiles, bands):
        assert len(bands) == 16 and all(b.dtype == bool for b in bands)
        assert not bands[0].any() and not bands[15].any(), "pure tiles have no transition band"
        return [rng.integers(0, 256, t.shape, dtype=np.uint8) for t in tiles]

    plain = build_tileset(periodic_texture(32, seed=1), periodic_texture(32, seed=2))
    tileset = build_tileset(periodic_texture(32, seed=1), periodic_texture(32, seed=2), regenerate=scramble)
    assert tileset.edge_mismatch_px == 0 and tileset.regenerated_band_px > 0
    assert np.array_equal(tileset.tiles[0], plain.tiles[0]), "outside the band nothing changes"
    assert not np.array_equal(tileset.tiles[6], plain.tiles[6]), "the band was regenerated"
    assert np.array_equal(tileset.tiles[6][:2], plain.tiles[6][:2]), "the ring was kept"


def test_terrains_must_match() -> None:
    with pytest.raises(InvalidInput):
        build_tileset(periodic_texture(32, seed=1), periodic_texture(48, seed=2))
