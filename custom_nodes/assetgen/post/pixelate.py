"""The ``pixelate`` job: a spec's variants made exact pixel art with ONE palette, recorded on the asset.

Runs after background removal and before packing. For the selected variants (named, or the approved
ones) it takes each variant's alpha image (its original when it has none), resolves the spec's
``pixelArt`` settings (``assetgen.specs.pixel_art``), decides the palette once for the whole call
(a catalog palette, or ``anchor``: k colours of the anchor variant, by default the first one) and
pixelates every variant with it, so all frames of an animation share one palette. It writes
``files/images/<assetId>/pixel/<variantId>.png`` (logical size) and records ``variant.pixelPath`` and
``variant.processing.pixelate`` (the exact palette, grid, measurements). Packing and export prefer the
pixel image. Everything is computed before anything is written; a re-run overwrites the same files.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import numpy as np

from assetgen.clock import now_iso
from assetgen.errors import InvalidInput, NotFound
from assetgen.ids import validate_id
from assetgen.image_files import encode_png, read_rgba
from assetgen.imaging.palette import palette_to_hex
from assetgen.imaging.pixel_art import (
    PixelArtOptions,
    colors_used,
    non_binary_alpha_px,
    palette_conformity,
    palette_from_anchor,
    palette_from_first_anchor,
    pixelate,
)
from assetgen.jobs import create_job
from assetgen.models import Asset, AssetVersion, Job, Size, Variant
from assetgen.models.asset import VariantProcessing
from assetgen.models.base import parse_model
from assetgen.models.pixel_art import PixelArtSettings, PixelateBody, PixelateInput, PixelateRecord
from assetgen.post.bg_remove import is_approved
from assetgen.specs.pixel_art import (
    ANCHOR,
    catalog_palette,
    pixel_art_options,
    resolve_pixel_art,
    spec_pixel_art,
)
from assetgen.store import ProjectStore, asset_lock

log = logging.getLogger(__name__)

JOB_TYPE = "pixelate"


def _select(asset: Asset, request: PixelateInput) -> list[tuple[AssetVersion, Variant]]:
    versions = [v for v in asset.versions if request.version_id in (None, v.id)]
    if request.version_id is not None and not versions:
        raise NotFound(f"asset {asset.id!r} has no version {request.version_id!r}")
    pairs = [(version, variant) for version in versions for variant in version.variants]
    if not request.variant_ids:
        chosen = [(version, variant) for version, variant in pairs if is_approved(version, variant)]
        if not chosen:
            raise InvalidInput(
                f"asset {asset.id!r} has no approved variant to pixelate: approve one, or name variantIds"
            )
        return chosen
    by_id = {variant.id: (version, variant) for version, variant in pairs}
    missing = [v for v in request.variant_ids if v not in by_id]
    if missing:
        raise NotFound(f"asset {asset.id!r} has no variant {missing[0]!r}")
    return [by_id[v] for v in dict.fromkeys(request.variant_ids)]


def _source(store: ProjectStore, variant: Variant, asset_id: str) -> tuple[np.ndarray, str]:
    stored, kind = (
        (variant.alpha_path, "alpha") if variant.alpha_path else (variant.original_path, "original")
    )
    path = store.resolve(stored)
    if not path.is_file():
        raise NotFound(f"variant {variant.id!r} of asset {asset_id!r}: image {stored} is missing")
    return read_rgba(path), kind


@dataclass(frozen=True)
class Palette:
    """The palette one pixelate call uses for every variant, and where it came from."""

    colors: np.ndarray
    source: str


def choose_palette(
    store: ProjectStore,
    project_id: str,
    asset: Asset,
    settings: PixelArtSettings,
    options: PixelArtOptions,
    sources: dict[str, np.ndarray],
) -> Palette:
    """A catalog palette, or (``anchor``) the colours of the anchor variant: ``settings.anchor`` as
    ``variantId`` of this asset or ``assetId/variantId``, by default the first selected variant that is
    not blank."""
    name = settings.palette or ANCHOR
    if name != ANCHOR:
        return Palette(catalog_palette(store, project_id, name), f"catalog:{name}")
    max_colors = settings.max_colors or 16
    if settings.anchor is None:
        names = list(sources)
        index, colors = palette_from_first_anchor(list(sources.values()), options, max_colors=max_colors)
        return Palette(colors, f"anchor:{names[index]}")
    anchor = settings.anchor
    if anchor in sources:
        image = sources[anchor]
    else:
        anchor_asset_id, _, anchor_variant_id = anchor.rpartition("/")
        owner = store.read(project_id, "assets", anchor_asset_id) if anchor_asset_id else asset
        variant = next(
            (v for version in owner.versions for v in version.variants if v.id == anchor_variant_id), None
        )
        if variant is None:
            raise NotFound(f"anchor variant {anchor!r} not found (give variantId or assetId/variantId)")
        image = _source(store, variant, owner.id)[0]
    return Palette(palette_from_anchor(image, options, max_colors=max_colors), f"anchor:{anchor}")


def run_pixelate(
    store: ProjectStore, project_id: str, request: PixelateInput, *, job_id: str | None = None
) -> dict[str, Any]:
    """Pixelate the variants ``request`` selects with one palette; write pixel PNGs and update the asset.

    Returns the job output: ``assetId``, ``variantIds``, ``pixelPaths``, ``palette`` (hex),
    ``paletteSource`` and one ``results`` entry per variant (its ``processing.pixelate`` record).
    """
    asset: Asset = store.read(project_id, "assets", request.asset_id)
    if asset.spec_id and store.exists(project_id, "specs", asset.spec_id):
        spec = store.read(project_id, "specs", asset.spec_id)
        settings = spec_pixel_art(store, project_id, spec, overrides=request.settings)
    else:
        settings = resolve_pixel_art(
            None,
            overrides=request.settings,
            project_defaults=store.read_project(project_id).defaults.pixel_art,
        )
    options = pixel_art_options(settings)
    selected = _select(asset, request)
    sources: dict[str, np.ndarray] = {}
    kinds: dict[str, str] = {}
    for _version, variant in selected:
        sources[variant.id], kinds[variant.id] = _source(store, variant, asset.id)
    palette = choose_palette(store, project_id, asset, settings, options, sources)
    processed_at = now_iso()
    records: dict[str, PixelateRecord] = {}
    pngs: dict[str, bytes] = {}
    for variant_id, rgba in sources.items():
        result = pixelate(rgba, palette.colors, options)
        out = result.rgba
        records[variant_id] = PixelateRecord(
            palette=palette_to_hex(palette.colors),
            palette_source=palette.source,
            size=Size(w=out.shape[1], h=out.shape[0]),
            source_size=Size(w=rgba.shape[1], h=rgba.shape[0]),
            grid_px=round(result.scale_x, 4),
            dither=options.dither,
            outline=options.outline,
            cell_color=options.cell_color,
            alpha_threshold=options.alpha_threshold,
            source=kinds[variant_id],  # type: ignore[arg-type]
            palette_conformity=palette_conformity(out, palette.colors),
            non_binary_alpha_px=non_binary_alpha_px(out),
            colors_used=len(colors_used(out)),
            job_id=job_id,
            processed_at=processed_at,
        )
        pngs[variant_id] = encode_png(out)
        log.info(
            "pixelate job=%s project=%s asset=%s variant=%s size=%dx%d palette=%s",
            job_id,
            project_id,
            asset.id,
            variant_id,
            out.shape[1],
            out.shape[0],
            palette.source,
        )
    paths = {
        variant_id: store.write_file(store.image_path(project_id, asset.id, "pixel", variant_id), png)
        for variant_id, png in pngs.items()
    }
    with asset_lock(store, project_id, asset.id):
        latest: Asset = store.read(project_id, "assets", asset.id)
        for version in latest.versions:
            for variant in version.variants:
                if variant.id in records:
                    variant.pixel_path = paths[variant.id]
                    processing = variant.processing or VariantProcessing()
                    processing.pixelate = records[variant.id]
                    variant.processing = processing
        latest.updated_at = processed_at
        store.write(project_id, "assets", latest)
    return {
        "assetId": asset.id,
        "variantIds": list(records),
        "pixelPaths": [paths[v] for v in records],
        "palette": palette_to_hex(palette.colors),
        "paletteSource": palette.source,
        "results": [
            {"variantId": v, "pixelPath": paths[v], **r.model_dump(mode="json")} for v, r in records.items()
        ],
    }


def queue_pixelate(store: ProjectStore, project_id: str, asset_id: str, body: PixelateBody) -> Job:
    """Queue ONE pixelate job for the asset's chosen variants (one job, so one palette for all of them).

    Ids and the selection are checked now, so a bad request is refused before a job exists."""
    validate_id(asset_id, what="asset id")
    for variant_id in body.variant_ids or []:
        validate_id(variant_id, what="variant id")
    request = PixelateInput(
        asset_id=asset_id, version_id=body.version_id, variant_ids=body.variant_ids, settings=body.settings
    )
    pixel_art_options(resolve_pixel_art(body.settings))  # settings out of range -> InvalidInput now
    _select(store.read(project_id, "assets", asset_id), request)
    return create_job(store, project_id, JOB_TYPE, request.model_dump(mode="json", exclude_none=True))


def handle_pixelate_job(store: ProjectStore, job: Job) -> dict[str, Any]:
    """Worker entry for a ``pixelate`` job: validate its input, run, return the output."""
    request = parse_model(PixelateInput, job.input, where=f"job {job.id} input")
    return run_pixelate(store, job.project_id, request, job_id=job.id)
