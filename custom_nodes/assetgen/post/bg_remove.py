"""The ``bg_remove`` job: background removal applied to a project's variants and recorded on the asset.

For each selected variant: read the original, remove the background, optionally trim, write
``files/images/<assetId>/alpha/<variantId>.png`` and record the parameters and trim metadata under
``variant.processing.bg_remove`` with ``variant.alphaPath`` linking the file (the origin's chained
jobs never linked it). Everything is computed before anything is written, so a bad original fails
the job without touching the asset; each file and the asset record are written atomically, and a
re-run overwrites the same files (outputs are keyed by variant id).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import numpy as np

from assetgen.clock import now_iso
from assetgen.errors import InvalidInput, NotFound
from assetgen.image_files import encode_png, read_rgba
from assetgen.imaging.alpha import (
    RemovalOptions,
    SessionSource,
    remove_background,
    session_source,
)
from assetgen.imaging.trim import trim_to_alpha
from assetgen.models import Asset, AssetVersion, BgRemoveInput, BgRemoveRecord, Job, Size, Variant
from assetgen.models.asset import VariantProcessing
from assetgen.models.base import parse_model
from assetgen.settings import Settings
from assetgen.store import ProjectStore, asset_lock, parse_image_path

log = logging.getLogger(__name__)

JOB_TYPE = "bg_remove"


def removal_options(request: BgRemoveInput) -> RemovalOptions:
    """The remover options a request asks for (unset fields keep the defaults)."""
    given = {
        "threshold": request.threshold,
        "feather_px": request.feather,
        "erode_px": request.erode,
        "clear_holes": request.clear_holes,
        "hole_min_area_px": request.hole_min_area_px,
    }
    return RemovalOptions(**{key: value for key, value in given.items() if value is not None})


def removal_params(request: BgRemoveInput, options: RemovalOptions) -> dict[str, Any]:
    """The parameters a removal ran with, as job outputs and ``--json`` report them."""
    params: dict[str, Any] = {
        "method": request.method,
        "threshold": options.threshold,
        "feather": options.feather_px,
        "erode": options.erode_px,
        "clearHoles": options.clear_holes,
        "holeMinAreaPx": options.hole_min_area_px,
        "trim": request.trim,
        "padding": request.padding,
    }
    if request.model:
        params["model"] = request.model
    return params


def is_approved(version: AssetVersion, variant: Variant) -> bool:
    """Approved for production (``AssetVersion.is_approved``, the one definition)."""
    return version.is_approved(variant)


def _parse_original_path(stored: str, project_id: str) -> tuple[str, str | None]:
    """(assetId, variantId) of a stored original path; ``.../original/...`` (the seed's chaining example,
    ``$output.originalsDir/...``) means every variant of the asset's newest version (variantId None)."""
    parsed = parse_image_path(stored, project_id, kinds=("original",), what="originalPath")
    if parsed.file_name == "...":
        return parsed.asset_id, None
    return parsed.asset_id, parsed.variant_id


def select_variants(asset: Asset, request: BgRemoveInput) -> list[tuple[AssetVersion, Variant]]:
    """The (version, variant) pairs a request names, or the asset's approved variants when it names none."""
    versions = [v for v in asset.versions if request.version_id in (None, v.id)]
    if request.version_id is not None and not versions:
        raise NotFound(f"asset {asset.id!r} has no version {request.version_id!r}")
    wanted: list[str] = list(request.variant_ids or [])
    if request.variant_id is not None:
        wanted.append(request.variant_id)
    pairs = [(version, variant) for version in versions for variant in version.variants]
    if not wanted:
        chosen = [(version, variant) for version, variant in pairs if is_approved(version, variant)]
        if not chosen:
            raise InvalidInput(
                f"asset {asset.id!r} has no approved variant (status selected, or the primary of an approved "
                "version): approve one, or name the variants with variantIds"
            )
        return chosen
    by_id = {variant.id: (version, variant) for version, variant in pairs}
    missing = [variant_id for variant_id in wanted if variant_id not in by_id]
    if missing:
        raise NotFound(f"asset {asset.id!r} has no variant {missing[0]!r} (known: {sorted(by_id)[:10]})")
    return [by_id[variant_id] for variant_id in dict.fromkeys(wanted)]


@dataclass(frozen=True)
class VariantAlpha:
    """One processed variant, ready to be written."""

    version_id: str
    variant_id: str
    png: bytes
    record: BgRemoveRecord


def process_variant(
    rgba: np.ndarray,
    request: BgRemoveInput,
    *,
    options: RemovalOptions,
    session: SessionSource,
    job_id: str | None,
    processed_at: str,
) -> tuple[np.ndarray, BgRemoveRecord]:
    """Remove the background of one original (and trim it if asked); returns the image and its record."""
    cutout = remove_background(rgba, method=request.method, options=options, session=session)
    out = cutout.rgba
    record = BgRemoveRecord(
        threshold=options.threshold,
        feather=options.feather_px,
        erode=options.erode_px,
        method=cutout.method,
        requested_method=request.method,
        model=cutout.details.get("model"),
        clear_holes=options.clear_holes,
        hole_min_area_px=cutout.details.get("holeMinAreaPx", options.hole_min_area_px),
        source_size=Size(w=rgba.shape[1], h=rgba.shape[0]),
        job_id=job_id,
        processed_at=processed_at,
        details={k: v for k, v in cutout.details.items() if k not in ("model", "holeMinAreaPx")},
    )
    if request.trim:
        trimmed = trim_to_alpha(out, padding_px=request.padding)
        out = trimmed.rgba
        record.trim = trimmed.rect
        record.padding = trimmed.padding_px
    return out, record


def run_bg_remove(
    store: ProjectStore,
    project_id: str,
    request: BgRemoveInput,
    *,
    session: SessionSource,
    job_id: str | None = None,
) -> dict[str, Any]:
    """Remove the backgrounds of the variants ``request`` selects; write alpha PNGs and update the asset.

    Returns the job output: ``assetId``, ``variantIds``, ``alphaPath`` (the first), ``alphaPaths``,
    ``params`` and one ``results`` entry per variant (method, trim rect, padding, source size).
    """
    asset, request = _resolve_target(store, project_id, request)
    selected = select_variants(asset, request)
    _check_alpha_path(store, project_id, asset.id, request, selected)
    options = removal_options(request)
    processed_at = now_iso()
    results = [
        _process_stored_variant(
            store,
            project_id,
            asset.id,
            version,
            variant,
            request,
            options=options,
            session=session,
            job_id=job_id,
            processed_at=processed_at,
        )
        for version, variant in selected
    ]
    alpha_paths = _store_results(store, project_id, asset.id, results, processed_at=processed_at)
    return {
        "assetId": asset.id,
        "variantIds": [r.variant_id for r in results],
        "alphaPath": alpha_paths[results[0].variant_id],
        "alphaPaths": [alpha_paths[r.variant_id] for r in results],
        "params": removal_params(request, options),
        "results": [
            {
                "variantId": r.variant_id,
                "alphaPath": alpha_paths[r.variant_id],
                **r.record.model_dump(mode="json"),
            }
            for r in results
        ],
    }


def _resolve_target(
    store: ProjectStore, project_id: str, request: BgRemoveInput
) -> tuple[Asset, BgRemoveInput]:
    """The asset a request means and the request with its variants made explicit: ``originalPath`` names
    the asset (and a variant), ``.../original/...`` every variant of the newest (or the given) version."""
    asset_id = request.asset_id
    path_variant: str | None = None
    if request.original_path is not None:
        path_asset, path_variant = _parse_original_path(request.original_path, project_id)
        if asset_id not in (None, path_asset):
            raise InvalidInput(
                f"originalPath {request.original_path!r} is not an image of asset {asset_id!r}"
            )
        asset_id = path_asset
        if not request.variant_ids and request.variant_id is None and path_variant is not None:
            request = request.model_copy(update={"variant_id": path_variant})
    if asset_id is None:
        raise InvalidInput("a bg_remove job needs assetId (with variantIds/variantId) or an originalPath")
    asset: Asset = store.read(project_id, "assets", asset_id)
    if request.original_path is not None and path_variant is None and not request.variant_ids:
        newest = next((v for v in reversed(asset.versions) if request.version_id in (None, v.id)), None)
        if newest is None or not newest.variants:
            raise NotFound(f"asset {asset_id!r} has no variants under {request.original_path!r}")
        request = request.model_copy(
            update={"version_id": newest.id, "variant_ids": [v.id for v in newest.variants]}
        )
    return asset, request


def _check_alpha_path(
    store: ProjectStore,
    project_id: str,
    asset_id: str,
    request: BgRemoveInput,
    selected: list[tuple[AssetVersion, Variant]],
) -> None:
    """The origin's ``alphaPath`` is accepted only for one variant and only where assetgen keeps it."""
    if request.alpha_path is None:
        return
    if len(selected) != 1:
        raise InvalidInput("alphaPath can only be given for a single variant")
    canonical = store.relative(store.image_path(project_id, asset_id, "alpha", selected[0][1].id))
    if request.alpha_path != canonical:
        raise InvalidInput(f"alphaPath must be {canonical!r} (assetgen keeps alpha images in one place)")


def _process_stored_variant(
    store: ProjectStore,
    project_id: str,
    asset_id: str,
    version: AssetVersion,
    variant: Variant,
    request: BgRemoveInput,
    *,
    options: RemovalOptions,
    session: SessionSource,
    job_id: str | None,
    processed_at: str,
) -> VariantAlpha:
    """Cut one stored variant out (its original must exist); the PNG and its record, not yet written."""
    original = store.resolve(variant.original_path)
    if not original.is_file():
        raise NotFound(
            f"variant {variant.id!r} of asset {asset_id!r}: original {variant.original_path} is missing"
        )
    rgba = read_rgba(original)
    out, record = process_variant(
        rgba, request, options=options, session=session, job_id=job_id, processed_at=processed_at
    )
    log.info(
        "bg_remove job=%s project=%s asset=%s variant=%s method=%s",
        job_id,
        project_id,
        asset_id,
        variant.id,
        record.method,
    )
    return VariantAlpha(version.id, variant.id, encode_png(out), record)


def _store_results(
    store: ProjectStore, project_id: str, asset_id: str, results: list[VariantAlpha], *, processed_at: str
) -> dict[str, str]:
    """Write the alpha PNGs, then record them on the asset; returns variant id -> stored alpha path."""
    alpha_paths: dict[str, str] = {}
    for result in results:
        path = store.image_path(project_id, asset_id, "alpha", result.variant_id)
        alpha_paths[result.variant_id] = store.write_file(path, result.png)

    # Re-read the asset under its lock right before writing, so review changes made meanwhile are kept.
    with asset_lock(store, project_id, asset_id):
        latest: Asset = store.read(project_id, "assets", asset_id)
        records = {(r.version_id, r.variant_id): r.record for r in results}
        for version, variant in latest.iter_variants():
            record = records.get((version.id, variant.id))
            if record is None:
                continue
            variant.alpha_path = alpha_paths[variant.id]
            processing = variant.processing or VariantProcessing()
            processing.bg_remove = record
            variant.processing = processing
        latest.updated_at = processed_at
        store.write(project_id, "assets", latest)
    return alpha_paths


def handle_bg_remove_job(store: ProjectStore, job: Job, *, settings: Settings) -> dict[str, Any]:
    """Worker entry for a ``bg_remove`` job: validate its input, open the model if needed, run, return output."""
    request = parse_model(BgRemoveInput, job.input, where=f"job {job.id} input")
    if request.original_path and request.original_path.endswith("/...") and request.version_id is None:
        # Chained after a generate job ($output.originalsDir/...): the folder holds every version's
        # originals; the ones meant are those of the version that job made.
        parent = store.read(job.project_id, "jobs", job.parent_job_id) if job.parent_job_id else None
        version_id = (parent.output or {}).get("assetVersionId") if parent is not None else None
        if isinstance(version_id, str):
            request = request.model_copy(update={"version_id": version_id})
    session = session_source(
        request.method,
        model=request.model,
        rembg_home=settings.rembg_dir(),
        default_model=settings.rembg_model,
    )
    return run_bg_remove(store, job.project_id, request, session=session, job_id=job.id)
