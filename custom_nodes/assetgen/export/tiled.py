"""Tiled tileset (``.tsx``) of a Wang 2-corner terrain set: the atlas image plus a corner Wang set.

Tiled's ``wangid`` lists eight colour indices clockwise from the top edge (top, top-right, right,
bottom-right, bottom, bottom-left, left, top-left); a corner set uses only the corner slots, and colour
indices count from 1 (0 = unset).
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import quoteattr

from assetgen.imaging.tileset import CornerBits

TERRAIN_COLOURS = ("#5b8c3a", "#8a6a3f")


def wang_id(bits: CornerBits) -> str:
    """The tile's ``wangid`` (terrain 0 -> colour 1, terrain 1 -> colour 2)."""
    return f"0,{bits.ne + 1},0,{bits.se + 1},0,{bits.sw + 1},0,{bits.nw + 1}"


def tileset_tsx(
    *,
    name: str,
    image_name: str,
    image_w_px: int,
    image_h_px: int,
    tile_px: int,
    columns: int,
    terrains: Sequence[str],
    tiles: Sequence[CornerBits],
) -> str:
    """The ``.tsx`` XML text."""
    colours = "".join(
        f'   <wangcolor name={quoteattr(terrain)} color="{TERRAIN_COLOURS[i % 2]}" '
        f'tile="{0 if i == 0 else len(tiles) - 1}" probability="1"/>\n'
        for i, terrain in enumerate(terrains)
    )
    wang_tiles = "".join(f'   <wangtile tileid="{b.index}" wangid="{wang_id(b)}"/>\n' for b in tiles)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<tileset version="1.10" tiledversion="1.10.2" name={quoteattr(name)} tilewidth="{tile_px}" '
        f'tileheight="{tile_px}" tilecount="{len(tiles)}" columns="{columns}">\n'
        f' <image source={quoteattr(image_name)} width="{image_w_px}" height="{image_h_px}"/>\n'
        " <wangsets>\n"
        f'  <wangset name={quoteattr(" / ".join(terrains))} type="corner" tile="-1">\n'
        f"{colours}{wang_tiles}"
        "  </wangset>\n"
        " </wangsets>\n"
        "</tileset>\n"
    )
