"""Whether a spec's variants are generated tileable (Make Tileable in the graph), in which axes and why.

A spec is tileable when its ``output.tileable`` says so (assetgen's field; the origin has none), else when
its asset type is ``tile`` or ``texture`` or the catalog marks the type tileable, else when a tag says
``tileable``/``seamless``. ``output.tileable: false`` turns it off whatever the type says.
"""

from __future__ import annotations

from assetgen.models import AssetSpec
from assetgen.models.catalogs import AssetType
from assetgen.models.generation import TilingChoice

TILE_AXES = ("both", "x", "y")
TILEABLE_ASSET_TYPES = frozenset({"tile", "texture"})
TILEABLE_TAGS = frozenset({"tileable", "seamless"})
TILEABLE_TEMPLATE = "txt2img_tileable"
# Plain templates with a tileable twin: the plan swaps to the twin for a tileable spec.
TILEABLE_TWINS = {"txt2img": TILEABLE_TEMPLATE}


def wraps_x(axes: str) -> bool:
    """True when ``axes`` repeats left/right."""
    return axes in ("both", "x")


def wraps_y(axes: str) -> bool:
    """True when ``axes`` repeats top/bottom."""
    return axes in ("both", "y")


def _tag_says_tileable(tag: str) -> bool:
    return tag.lower().rsplit(":", 1)[-1] in TILEABLE_TAGS


def tiling_for_spec(spec: AssetSpec, asset_type: AssetType | None) -> TilingChoice | None:
    """The tiling decision for ``spec`` (None = a plain image)."""
    output = spec.output
    axes = (output.tile_axes if output is not None else None) or "both"
    if output is not None and output.tileable is not None:
        return TilingChoice(axes=axes, reason="output.tileable is set") if output.tileable else None
    if output is not None and output.kind == "tileset":
        return TilingChoice(axes="both", reason="output.kind is tileset")
    if spec.asset_type in TILEABLE_ASSET_TYPES or (asset_type is not None and asset_type.tileable):
        return TilingChoice(axes=axes, reason=f"asset type {spec.asset_type!r} is tileable")
    tag = next((t for t in spec.tags if _tag_says_tileable(t)), None)
    if tag is not None:
        return TilingChoice(axes=axes, reason=f"tag {tag!r}")
    return None
