"""Pixel-art mode: the ``pixelArt`` block of a spec (and of project defaults), the ``pixelate`` job input
and the record a pixelated variant carries (``processing.pixelate``)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from assetgen.models.base import Contract, Size
from assetgen.models.job import NextJob

PixelDither = Literal["none", "bayer2", "bayer4", "bayer8"]
PixelCellColor = Literal["median", "mode"]


class PixelArtSettings(Contract):
    """How a spec's images become exact pixel art; unset fields come from ``project.defaults.pixelArt``,
    then the checkpoint's ``nativePixelPx``, then the built-in defaults (grid 8, palette anchor, 16 colours)."""

    grid_px: int | None = Field(
        default=None, ge=1, le=512, description="Source px per logical pixel (the generation's pixel scale)."
    )
    size: Size | None = Field(
        default=None, description="Logical size in pixel-art pixels (wins over gridPx), e.g. 32x32."
    )
    palette: str | None = Field(
        default=None,
        description="A palette id of catalogs/palettes.json, or 'anchor': k colours taken from the anchor image"
        " (one palette for every frame of the asset).",
    )
    anchor: str | None = Field(
        default=None,
        description="With palette 'anchor': the variant id (of this asset) whose colours make the palette;"
        " default the first frame pixelated.",
    )
    max_colors: int | None = Field(default=None, ge=1, le=256, description="Colours taken for 'anchor'.")
    dither: PixelDither | None = Field(default=None, description="none (default) or ordered Bayer 2/4/8.")
    outline: bool | None = Field(
        default=None, description="Add a 1-px outline in the darkest palette colour."
    )
    cell_color: PixelCellColor | None = Field(
        default=None, description="median (default; OKLab medoid of the cell) or mode (most frequent colour)."
    )
    alpha_threshold: int | None = Field(
        default=None, ge=1, le=255, description="Alpha at or above which a pixel is opaque (default 128)."
    )


class PixelateRecord(Contract):
    """What the pixelate step did to one variant (``variant.processing.pixelate``)."""

    palette: list[str] = Field(description="The exact palette used, #rrggbb.")
    palette_source: str = Field(
        description="'catalog:<id>', 'anchor:<variantId>', 'file:<name>' or 'colors'."
    )
    size: Size = Field(description="Logical size written.")
    source_size: Size
    grid_px: float = Field(description="Source px per logical pixel (horizontal).")
    dither: PixelDither = "none"
    outline: bool = False
    cell_color: PixelCellColor = "median"
    alpha_threshold: int = 128
    source: Literal["alpha", "original"] = Field(description="Which image was pixelated.")
    palette_conformity: float = Field(ge=0, le=1)
    non_binary_alpha_px: int = Field(ge=0)
    colors_used: int = Field(ge=0)
    job_id: str | None = None
    processed_at: str | None = None


class PixelateInput(Contract):
    """Input of a ``pixelate`` job: the asset's variants (default: approved ones, or those with an alpha
    image) made exact pixel art with one palette; settings override the spec's ``pixelArt`` block."""

    asset_id: str
    version_id: str | None = None
    variant_ids: list[str] | None = None
    settings: PixelArtSettings | None = Field(default=None, description="Overrides of the spec's pixelArt.")
    next_jobs: list[NextJob] = Field(default_factory=list)


class PixelateBody(Contract):
    """``POST /api/projects/{projectId}/assets/{assetId}/pixelate``: queue one pixelate job for the asset."""

    version_id: str | None = Field(default=None, max_length=128)
    variant_ids: list[str] | None = Field(
        default=None, max_length=1024, description="Default: the asset's approved variants."
    )
    settings: PixelArtSettings | None = Field(default=None, description="Overrides of the spec's pixelArt.")
