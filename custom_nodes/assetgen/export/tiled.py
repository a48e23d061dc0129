"""Tiled tileset (``.tsx``) of a terrain set: the atlas image plus a Wang set.

Tiled's ``wangid`` lists eight colour indices clockwise from the top edge (top, top-right, right,
bottom-right, bottom, bottom-left, left, top-left); colour indices count from 1 (0 = unset). A Wang
2-corner set is a ``corner`` Wang set (only the corner slots); the blob set is a ``mixed`` one (edges and
corners: a blob tile's edge is terrain 1 where it connects to its neighbour).
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import quoteattr

from assetgen.imaging.blob import BlobBits
from assetgen.imaging.tileset import CornerBits

TERRAIN_COLOURS = ("#5b8c3a", "#8a6a3f")


def wang_id(bits: CornerBits | BlobBits | None) -> str:
    """The tile's ``wangid`` (terrain 0 -> colour 1, terrain 1 -> colour 2); None = the background."""
    if isinstance(bits, CornerBits):
        return f"0,{bits.ne + 1},0,{bits.se + 1},0,{bits.sw + 1},0,{bits.nw + 1}"
    values = bits.as_dict() if isinstance(bits, BlobBits) else {}
    return ",".join(str(values.get(name, 0) + 1) for name in ("n", "ne", "e", "se", "s", "sw", "w", "nw"))


def tileset_tsx(
    *,
    name: str,
    image_name: str,
    image_w_px: int,
    image_h_px: int,
    tile_px: int,
    columns: int,
    terrains: Sequence[str],
    tiles: Sequence[CornerBits | BlobBits | None],
) -> str:
    """The ``.tsx`` XML text; ``tiles[i]`` are the bits of tile id i."""
    is_blob = any(isinstance(b, BlobBits) for b in tiles)
    full = next((i for i, b in enumerate(tiles) if isinstance(b, BlobBits) and b.mask == 255), len(tiles) - 1)
    empty = len(tiles) - 1 if is_blob else 0
    colours = "".join(
        f'   <wangcolor name={quoteattr(terrain)} color="{TERRAIN_COLOURS[i % 2]}" '
        f'tile="{empty if i == 0 else full}" probability="1"/>\n'
        for i, terrain in enumerate(terrains)
    )
    wang_tiles = "".join(f'   <wangtile tileid="{i}" wangid="{wang_id(b)}"/>\n' for i, b in enumerate(tiles))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<tileset version="1.10" tiledversion="1.10.2" name={quoteattr(name)} tilewidth="{tile_px}" '
        f'tileheight="{tile_px}" tilecount="{len(tiles)}" columns="{columns}">\n'
        f' <image source={quoteattr(image_name)} width="{image_w_px}" height="{image_h_px}"/>\n'
        " <wangsets>\n"
        f'  <wangset name={quoteattr(" / ".join(terrains))} type="{"mixed" if is_blob else "corner"}" tile="-1">\n'
        f"{colours}{wang_tiles}"
        "  </wangset>\n"
        " </wangsets>\n"
        "</tileset>\n"
    )
