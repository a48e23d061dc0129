"""A spec's pixel-art settings resolved to concrete values, and the palettes they name.

Order of precedence, field by field: the spec's ``pixelArt`` block (or a job's overrides), then
``project.defaults.pixelArt``, then the checkpoint's ``nativePixelPx`` (grid only), then ``DEFAULTS``.
A spec is in pixel-art mode exactly when it has a ``pixelArt`` block.
"""

from __future__ import annotations

import numpy as np

from assetgen.errors import InvalidInput, NotFound
from assetgen.imaging.palette import parse_hex_colors
from assetgen.imaging.pixel_art import PixelArtOptions
from assetgen.models import AssetSpec, Size
from assetgen.models.pixel_art import PixelArtSettings
from assetgen.store import ProjectStore

ANCHOR = "anchor"
DEFAULTS = PixelArtSettings(
    grid_px=8,
    palette=ANCHOR,
    max_colors=16,
    dither="none",
    outline=False,
    cell_color="median",
    alpha_threshold=128,
)


def merge_pixel_art(*layers: PixelArtSettings | None) -> PixelArtSettings:
    """Field-by-field merge: the first layer that sets a field wins (``None`` layers are skipped)."""
    merged: dict[str, object] = {}
    for layer in reversed([layer for layer in layers if layer is not None]):
        merged.update(layer.model_dump(exclude_none=True))
    return PixelArtSettings.model_validate(merged)


def resolve_pixel_art(
    spec_block: PixelArtSettings | None,
    *,
    overrides: PixelArtSettings | None = None,
    project_defaults: PixelArtSettings | None = None,
    native_pixel_px: int | None = None,
) -> PixelArtSettings:
    """The concrete settings: every field set except ``size`` and ``anchor`` (which may stay unset)."""
    native = PixelArtSettings(grid_px=native_pixel_px) if native_pixel_px else None
    return merge_pixel_art(overrides, spec_block, project_defaults, native, DEFAULTS)


def spec_pixel_art(
    store: ProjectStore, project_id: str, spec: AssetSpec, *, overrides: PixelArtSettings | None = None
) -> PixelArtSettings:
    """Resolve a spec's pixel-art settings with the project's defaults and its checkpoint's pixel scale."""
    project = store.read_project(project_id)
    native = None
    if spec.checkpoint_id:
        try:
            native = store.read(project_id, "checkpoints", spec.checkpoint_id).native_pixel_px
        except NotFound:
            native = None  # a missing checkpoint is the generate step's error to report, not this one's
    return resolve_pixel_art(
        spec.pixel_art,
        overrides=overrides,
        project_defaults=project.defaults.pixel_art,
        native_pixel_px=native,
    )


def pixel_art_options(settings: PixelArtSettings) -> PixelArtOptions:
    """The imaging options for resolved settings (size wins over the grid)."""
    size = settings.size
    return PixelArtOptions(
        grid_px=None if size else settings.grid_px,
        width=size.w if size else None,
        height=size.h if size else None,
        cell_color=settings.cell_color or "median",
        dither=settings.dither or "none",
        outline=bool(settings.outline),
        alpha_threshold=settings.alpha_threshold or 128,
    )


def catalog_palette(store: ProjectStore, project_id: str, palette_id: str) -> np.ndarray:
    """The colours of palette ``palette_id`` of the project's catalogs/palettes.json, (K, 3) uint8."""
    try:
        palettes = store.read_catalog(project_id, "palettes").palettes
    except NotFound as exc:
        raise NotFound(
            f"project {project_id!r} has no catalogs/palettes.json to take palette {palette_id!r} from"
        ) from exc
    for palette in palettes:
        if palette.id == palette_id:
            return parse_hex_colors(palette.colors, name=f"palette {palette_id!r}")
    known = ", ".join(p.id for p in palettes)
    raise InvalidInput(
        f"project {project_id!r} has no palette {palette_id!r} (known: {known}; or use 'anchor')"
    )


def pixel_art_from_wish(
    *, is_pixel_art: bool, max_colors: int | None, sizes: list[tuple[int, int]], palette_ids: list[str]
) -> PixelArtSettings | None:
    """The ``pixelArt`` block refinement writes for a wish that asks for pixel art (else None).

    The first size of the wish is the logical size ("32x32 sprite"); a palette the wish names is used
    as it is, otherwise ``anchor`` (one palette from the first frame); "16-colour" sets the colour count.
    Unset fields are left to the project defaults and the checkpoint's pixel scale.
    """
    if not is_pixel_art:
        return None
    block = PixelArtSettings(palette=palette_ids[0] if palette_ids else ANCHOR)
    if max_colors is not None:
        block.max_colors = max_colors
    if sizes:
        block.size = Size(w=sizes[0][0], h=sizes[0][1])
    return block
