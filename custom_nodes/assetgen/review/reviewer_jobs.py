"""Jobs a reviewer starts from the gallery: regenerate an asset, remove backgrounds, pack approved variants.

Only approved (``selected``) variants are eligible for background removal and packing; the others
are reported as skipped with the reason, never silently dropped.
"""

from __future__ import annotations

from typing import Any

from assetgen.errors import Conflict, InvalidInput
from assetgen.ids import default_atlas_id, validate_id
from assetgen.jobs import create_job, generate_job_input
from assetgen.models import Asset
from assetgen.models.gallery import JobsStarted
from assetgen.store import ProjectStore

MAX_FEEDBACK_NOTES = 20


def regeneration_input(asset: Asset, *, seed: int, variants: int | None = None) -> dict[str, Any]:
    """The ``generate`` job input that regenerates ``asset`` from its spec with base seed ``seed``.

    Notes of variants marked ``needs_regeneration`` travel along as ``reviewFeedback`` (for people and
    for prompt tools reading the job)."""
    if not asset.spec_id:
        raise InvalidInput(f"asset {asset.id!r} has no specId; it cannot be regenerated from a spec")
    if not isinstance(seed, int) or not 0 <= seed < 2**32:
        raise InvalidInput(f"seed must be an integer 0..2^32-1, got {seed!r}")
    feedback = [
        {"variantId": v.id, "note": v.review_note, "tags": list(v.tags)}
        for _, v in asset.iter_variants()
        if v.status == "needs_regeneration"
    ][-MAX_FEEDBACK_NOTES:]
    return generate_job_input(asset.spec_id, seed=seed, variants=variants, review_feedback=feedback)


def queue_regeneration(
    store: ProjectStore, project_id: str, asset_id: str, *, seed: int, variants: int | None = None
) -> JobsStarted:
    """Queue one generate job for the asset's spec with new seeds (``seed`` is the run's base seed)."""
    asset: Asset = store.read(project_id, "assets", asset_id)
    job = create_job(store, project_id, "generate", regeneration_input(asset, seed=seed, variants=variants))
    return JobsStarted(jobs=[job])


def queue_bg_removal(
    store: ProjectStore, project_id: str, asset_id: str, *, variant_ids: list[str] | None = None
) -> JobsStarted:
    """Queue one bg_remove job per approved variant (all approved ones without an alpha image by default)."""
    asset: Asset = store.read(project_id, "assets", asset_id)
    if variant_ids is None:
        pairs = [(ver, v) for ver, v in asset.approved_variants() if not v.alpha_path]
    else:
        pairs = [asset.find_variant(validate_id(v, what="variant id")) for v in variant_ids]
    started, skipped = [], []
    for version, variant in pairs:
        if not version.is_approved(variant):
            skipped.append(
                {"variantId": variant.id, "reason": f"status is {variant.status}; approve it first"}
            )
            continue
        data = {"assetId": asset.id, "versionId": version.id, "variantId": variant.id}
        started.append(create_job(store, project_id, "bg_remove", data))
    if variant_ids is not None and not started:
        raise Conflict(f"asset {asset_id!r}: none of {variant_ids} is approved; approve a variant first")
    return JobsStarted(jobs=started, skipped=skipped)


def queue_packing(
    store: ProjectStore, project_id: str, asset_id: str, *, atlas_id: str | None = None
) -> JobsStarted:
    """Queue an atlas_pack job over the asset's approved variants (primary first), as ``{assetId, variantId}``."""
    asset: Asset = store.read(project_id, "assets", asset_id)
    atlas_id = validate_id(atlas_id or default_atlas_id(asset.id), what="atlas id")
    approved = [v for ver in reversed(asset.versions) for v in ver.variants if ver.is_approved(v)]
    if not approved:
        raise Conflict(f"asset {asset_id!r} has no approved variant to pack; approve one first")
    primary = {ver.primary_variant_id for ver in asset.versions}
    approved.sort(key=lambda v: v.id not in primary)
    frames = [{"assetId": asset.id, "variantId": v.id} for v in approved]
    warnings = [
        {"variantId": v.id, "reason": "no alpha image yet; its original is packed"}
        for v in approved
        if not v.alpha_path
    ]
    job = create_job(store, project_id, "atlas_pack", {"atlasId": atlas_id, "frames": frames})
    return JobsStarted(jobs=[job], warnings=warnings)
