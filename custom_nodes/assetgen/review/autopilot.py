"""Autopilot (the happy loop): score a generated version against the spec's quality contract and decide.

``review_version`` cuts every variant out (the same background removal the pipeline uses), runs the
checks of ``assetgen.review.quality`` and records the scores on the variants. ``decide`` then approves the best
passing variant as primary (multi-frame specs keep every passing variant as a frame), asks for another
generate round while attempts are left, or marks the asset "needs review" with the reasons. The
orchestrator turns each decision into ordinary jobs (bg_remove -> atlas_pack -> export, or a new
generate), so the whole run is visible, cancellable and resumable: ``start_round`` and ``review_round``
are what the ``autopilot`` and ``autopilot_review`` jobs run, and the follow-up chain they queue is
built here (``generate_round_input``, ``approved_follow_up``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from assetgen.clock import now_iso
from assetgen.errors import InvalidInput, NotFound
from assetgen.generation.anchor_frames import uses_anchor_frames
from assetgen.generation.tiling import tiling_for_spec
from assetgen.ids import default_atlas_id
from assetgen.image_files import read_rgba
from assetgen.imaging.alpha import remove_background
from assetgen.jobs import create_job, ensure_child_job, generate_job_input
from assetgen.models import Asset, AssetSpec, Job, NextJob
from assetgen.models.job import AutopilotInput, AutopilotOutput, FramesReviewInput
from assetgen.models.spec import QualityLimits
from assetgen.review.consistency import DEFAULT_MIN_SCORE, review_frames
from assetgen.review.decisions import set_note, set_primary
from assetgen.review.pixel_review import pixel_art_checks
from assetgen.review.quality import VariantQuality, dhash, evaluate_variant, near_duplicates
from assetgen.specs.project_context import load_project_context
from assetgen.specs.readiness import assess_readiness
from assetgen.store import ProjectStore, asset_lock

REVIEWER = "autopilot"
MULTI_FRAME_KINDS = ("animation", "ui_states")
DEFAULT_EXPORT_PROFILES = ("unity", "godot", "unreal", "custom")
SEED_OFFSET_PER_ROUND = 1000


@dataclass(frozen=True)
class Decision:
    """What autopilot decided for one generated version."""

    outcome: Literal["approved", "regenerate", "needs_review"]
    qualities: list[VariantQuality]
    primary_variant_id: str | None = None
    frame_variant_ids: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()

    def as_output(self) -> dict[str, Any]:
        return {
            "decision": self.outcome,
            "primaryVariantId": self.primary_variant_id,
            "frameVariantIds": list(self.frame_variant_ids),
            "reasons": list(self.reasons),
            "scores": {q.variant_id: q.score for q in self.qualities},
            "passed": [q.variant_id for q in self.qualities if q.passed],
        }


def limits_for(spec: AssetSpec) -> QualityLimits:
    """The spec's check limits (``qualityContract.checks``), defaults where unset."""
    contract = spec.quality_contract
    return contract.checks if contract is not None and contract.checks is not None else QualityLimits()


def is_multi_frame(spec: AssetSpec) -> bool:
    return spec.output is not None and spec.output.kind in MULTI_FRAME_KINDS


def is_tileable(store: ProjectStore, project_id: str, spec: AssetSpec) -> bool:
    """True when ``spec`` generates tiles (Make Tileable): approved tiles skip background removal."""
    try:
        types = {t.id: t for t in store.read_catalog(project_id, "asset-types").asset_types}
    except (NotFound, InvalidInput):
        types = {}
    return tiling_for_spec(spec, types.get(spec.asset_type)) is not None


def spec_palette(store: ProjectStore, project_id: str, spec: AssetSpec) -> list[str]:
    """The colours of the palettes the spec (or else the project) names."""
    wanted = list(spec.palette_ids or store.read_project(project_id).defaults.palette_ids)
    try:
        palettes = store.read_catalog(project_id, "palettes").palettes
    except (NotFound, InvalidInput):
        return []
    return [c for p in palettes if p.id in wanted for c in p.colors]


def _tiling_axes(metadata: dict[str, Any], generation: dict[str, Any]) -> str | None:
    """The axes a variant was made tileable in (its metadata, else its version's), or None."""
    tiling = metadata.get("tiling") or generation.get("tiling")
    return tiling.get("axes", "both") if isinstance(tiling, dict) else None


def review_version(
    store: ProjectStore, project_id: str, spec: AssetSpec, version_id: str, *, method: str = "colorkey"
) -> list[VariantQuality]:
    """Score every variant of ``version_id``; the scores are stored on the variants (``quality``)."""
    asset: Asset = store.read(project_id, "assets", spec.id)
    version = next((v for v in asset.versions if v.id == version_id), None)
    if version is None:
        raise InvalidInput(f"asset {spec.id!r} has no version {version_id!r}")
    limits = limits_for(spec)
    palette = spec_palette(store, project_id, spec)
    generation = version.generation or {}
    originals = [read_rgba(store.resolve(v.original_path)) for v in version.variants]
    duplicates = near_duplicates([dhash(image) for image in originals], limits=limits)
    # A tileable variant is judged as a tile (seams), so it needs no background removal.
    axes_of = [_tiling_axes(variant.metadata or {}, generation) for variant in version.variants]
    cutouts = [
        original if axes is not None else remove_background(original, method=method).rgba
        for original, axes in zip(originals, axes_of, strict=True)
    ]
    pixel_checks = pixel_art_checks(store, project_id, spec, cutouts)
    qualities = []
    for index, (variant, original, duplicate) in enumerate(
        zip(version.variants, originals, duplicates, strict=True)
    ):
        cutout = cutouts[index]
        qualities.append(
            evaluate_variant(
                variant.id,
                original,
                cutout,
                width=int(generation.get("width", original.shape[1])),
                height=int(generation.get("height", original.shape[0])),
                limits=limits,
                palette=palette,
                duplicate_of=version.variants[duplicate].id if duplicate is not None else None,
                extra_checks=pixel_checks[index],
                tiling_axes=axes_of[index],
            )
        )
    by_id = {q.variant_id: q for q in qualities}
    with asset_lock(store, project_id, spec.id):
        latest: Asset = store.read(project_id, "assets", spec.id)
        for item in latest.versions:
            for variant in item.variants:
                if variant.id in by_id and item.id == version_id:
                    quality = by_id[variant.id]
                    variant.quality = {
                        "score": quality.score,
                        "passed": quality.passed,
                        "by": REVIEWER,
                        "at": now_iso(),
                        "checks": {
                            c.name: c.model_dump(mode="json", exclude={"name"}) for c in quality.checks
                        },
                    }
        store.write(project_id, "assets", latest)
    return qualities


def decide(
    store: ProjectStore,
    project_id: str,
    spec: AssetSpec,
    version_id: str,
    qualities: list[VariantQuality],
    *,
    attempt: int,
) -> Decision:
    """Approve the best passing variant (and frames), or ask for another round, or give up with reasons."""
    limits = limits_for(spec)
    passing = sorted((q for q in qualities if q.passed), key=lambda q: -q.score)
    if passing:
        best = passing[0]
        set_primary(store, project_id, spec.id, best.variant_id, by=REVIEWER)
        frames = (
            tuple(q.variant_id for q in qualities if q.passed) if is_multi_frame(spec) else (best.variant_id,)
        )
        summary = ", ".join(f"{c.name} {c.score:.2f}" for c in best.checks)
        set_note(
            store,
            project_id,
            spec.id,
            best.variant_id,
            f"autopilot: score {best.score:.3f} (attempt {attempt}); {summary}",
            by=REVIEWER,
        )
        _mark_asset(store, project_id, spec.id, status="approved", attempt=attempt, reasons=[])
        return Decision("approved", qualities, best.variant_id, frames)
    reasons = sorted({failure for q in qualities for failure in q.failures()})
    if attempt < limits.max_attempts:
        return Decision("regenerate", qualities, reasons=tuple(reasons))
    _mark_asset(store, project_id, spec.id, status="needs_review", attempt=attempt, reasons=reasons)
    return Decision("needs_review", qualities, reasons=tuple(reasons))


def start_autopilot(
    store: ProjectStore, project_id: str, spec_ids: list[str] | None = None, *, variants: int | None = None
) -> tuple[list[Job], list[str]]:
    """Queue one ``autopilot`` job per autopilot-ready spec (all, or those named); returns (jobs, skipped ids).

    A spec named explicitly that is not ready is an error that says how to see why."""
    context = load_project_context(store, project_id)
    chosen, skipped = [], []
    for spec_id in spec_ids or store.list_ids(project_id, "specs"):
        spec = store.read(project_id, "specs", spec_id)
        if spec.status == "deprecated" or not assess_readiness(spec, context).is_ready:
            if spec_ids:
                raise InvalidInput(
                    f"spec {spec_id!r} is not autopilot-ready; `assetgen specs validate` says why"
                )
            skipped.append(spec_id)
        else:
            chosen.append(spec_id)
    jobs = [
        create_job(
            store, project_id, "autopilot", {"specId": s, **({"variants": variants} if variants else {})}
        )
        for s in chosen
    ]
    return jobs, skipped


def _mark_asset(
    store: ProjectStore, project_id: str, asset_id: str, *, status: str, attempt: int, reasons: list[str]
) -> None:
    """Record autopilot's verdict on the asset (``autopilot``: status, attempts, reasons; assetgen addition)."""
    with asset_lock(store, project_id, asset_id):
        asset: Asset = store.read(project_id, "assets", asset_id)
        data = asset.model_dump(mode="json")
        data["autopilot"] = {"status": status, "attempts": attempt, "reasons": reasons, "at": now_iso()}
        store.write(project_id, "assets", Asset.model_validate(data))


# -- the follow-up chain: what the autopilot jobs queue -----------------------------------------------
def export_profiles_for(store: ProjectStore, project_id: str, requested: list[str] | None) -> list[str]:
    """The profiles to export with: the request's, else the project's export-profile records, else the four
    engine defaults."""
    if requested:
        return list(requested)
    return store.list_ids(project_id, "export-profiles") or list(DEFAULT_EXPORT_PROFILES)


def generate_round_input(request: AutopilotInput, attempt: int) -> dict[str, Any]:
    """The ``generate`` input of round ``attempt`` (new seeds each round); its review job follows it."""
    review = AutopilotInput(
        spec_id=request.spec_id,
        version_id="$output.assetVersionId",
        attempt=attempt,
        variants=request.variants,
        export_profiles=request.export_profiles,
        method=request.method,
    )
    return generate_job_input(
        request.spec_id,
        variants=request.variants,
        seed_offset=(attempt - 1) * SEED_OFFSET_PER_ROUND,
        next_jobs=[NextJob(type="autopilot_review", input=review.model_dump(mode="json", exclude_none=True))],
    )


def delivery_chain(spec: AssetSpec, decision: Decision, *, profiles: list[str]) -> list[NextJob]:
    """What follows background removal in an approved round: (pixelate, for pixel-art specs) ->
    (atlas_pack, for multi-frame specs) -> one export per profile."""
    if is_multi_frame(spec):
        atlas_id = default_atlas_id(spec.id)
        exports = [NextJob(type="export", input={"profileId": p, "atlasIds": [atlas_id]}) for p in profiles]
        frames = [{"assetId": spec.id, "variantId": v} for v in decision.frame_variant_ids]
        pack = {
            "atlasId": atlas_id,
            "frames": frames,
            "nextJobs": [e.model_dump(mode="json") for e in exports],
        }
        follow = [NextJob(type="atlas_pack", input=pack)]
    else:
        follow = [NextJob(type="export", input={"profileId": p, "assetIds": [spec.id]}) for p in profiles]
    if spec.pixel_art is not None:
        # Pixel-art specs: after background removal, before packing and export.
        pixelate = {
            "assetId": spec.id,
            "variantIds": list(decision.frame_variant_ids),
            "nextJobs": [f.model_dump(mode="json") for f in follow],
        }
        follow = [NextJob(type="pixelate", input=pixelate)]
    return follow


def approved_follow_up(
    spec: AssetSpec, decision: Decision, *, method: str, profiles: list[str]
) -> dict[str, Any]:
    """The ``bg_remove`` input that starts the delivery chain of an approved round (``delivery_chain``)."""
    follow = delivery_chain(spec, decision, profiles=profiles)
    return {
        "assetId": spec.id,
        "variantIds": list(decision.frame_variant_ids),
        "method": method,
        "nextJobs": [f.model_dump(mode="json") for f in follow],
    }


def frames_round_input(request: AutopilotInput, anchor_variant_id: str | None) -> dict[str, Any]:
    """The ``generate_frames`` input of an approved anchor: every frame from it, then ``frames_review``."""
    review = {"specId": request.spec_id, "versionId": "$output.assetVersionId", "method": request.method}
    if request.export_profiles:
        review["exportProfiles"] = request.export_profiles
    return {
        "specId": request.spec_id,
        "anchorVariantId": anchor_variant_id,
        "nextJobs": [{"type": "frames_review", "input": review}],
    }


def spawn_follow_up(store: ProjectStore, parent: Job, index: int, job_type: str, data: dict[str, Any]) -> str:
    """Queue a follow-up of ``parent`` (idempotent: the id derives from the parent's, so a re-run adds none)."""
    return ensure_child_job(store, parent, f"{parent.id[:110]}-a{index}", job_type, data)


def start_round(store: ProjectStore, job: Job, request: AutopilotInput) -> AutopilotOutput:
    """What an ``autopilot`` job does: queue the spec's generate round (its review follows it)."""
    store.read(job.project_id, "specs", request.spec_id)  # NotFound before anything is queued
    child = spawn_follow_up(
        store, job, request.attempt, "generate", generate_round_input(request, request.attempt)
    )
    return AutopilotOutput(spec_id=request.spec_id, spawned_job_ids=[child])


def review_round(store: ProjectStore, job: Job, request: AutopilotInput) -> AutopilotOutput:
    """What an ``autopilot_review`` job does: score the round, decide, queue what follows.

    approved -> bg_remove -> (atlas_pack) -> exports; regenerate -> the next round; needs_review -> nothing.
    """
    if not request.version_id:
        raise InvalidInput("an autopilot_review job needs versionId (the generate job's assetVersionId)")
    spec: AssetSpec = store.read(job.project_id, "specs", request.spec_id)
    qualities = review_version(store, job.project_id, spec, request.version_id, method=request.method)
    decision = decide(store, job.project_id, spec, request.version_id, qualities, attempt=request.attempt)
    output = AutopilotOutput.model_validate(decision.as_output())
    if decision.outcome == "regenerate":
        attempt = request.attempt + 1
        retry = request.model_copy(update={"attempt": attempt, "version_id": None})
        output.spawned_job_ids = [
            spawn_follow_up(store, job, attempt, "generate", generate_round_input(retry, attempt))
        ]
    elif decision.outcome == "approved" and uses_anchor_frames(spec):
        # The approved primary is the anchor: every frame is generated from it (generate_frames).
        frames = frames_round_input(request, decision.primary_variant_id)
        output.spawned_job_ids = [spawn_follow_up(store, job, 1, "generate_frames", frames)]
    elif decision.outcome == "approved":
        profiles = export_profiles_for(store, job.project_id, request.export_profiles)
        if is_tileable(store, job.project_id, spec):
            # A tile is opaque edge to edge by design: no background removal, straight to the exports.
            follow = delivery_chain(spec, decision, profiles=profiles)
            output.spawned_job_ids = [
                spawn_follow_up(store, job, i + 1, f.type, f.input) for i, f in enumerate(follow)
            ]
        else:
            bg = approved_follow_up(spec, decision, method=request.method, profiles=profiles)
            output.spawned_job_ids = [spawn_follow_up(store, job, 1, "bg_remove", bg)]
    return output


def frames_review_round(store: ProjectStore, job: Job, request: FramesReviewInput) -> dict[str, Any]:
    """What a ``frames_review`` job does: score every frame against the anchor; while attempts are left,
    regenerate only the outliers (in place, with an offset seed) and review again; else cut the frames out
    and align them (bg_remove -> frames_align -> exports)."""
    spec: AssetSpec = store.read(job.project_id, "specs", request.spec_id)
    review = review_frames(
        store,
        job.project_id,
        spec.id,
        request.version_id,
        min_score=request.min_score if request.min_score is not None else DEFAULT_MIN_SCORE,
        method=request.method,
    )
    output = review.as_output()
    if review.outliers and request.attempt < limits_for(spec).max_attempts:
        again = request.model_copy(update={"attempt": request.attempt + 1}).model_dump(
            mode="json", by_alias=True, exclude_none=True
        )
        repair = {
            "specId": spec.id,
            "onlyFrames": list(review.outliers),
            "replaceVersionId": request.version_id,
            "seedOffset": 7919 * request.attempt,
            "nextJobs": [{"type": "frames_review", "input": again}],
        }
        output["spawnedJobIds"] = [spawn_follow_up(store, job, request.attempt, "generate_frames", repair)]
        return output
    asset: Asset = store.read(job.project_id, "assets", spec.id)
    version = next(v for v in asset.versions if v.id == request.version_id)
    bg = {
        "assetId": spec.id,
        "versionId": request.version_id,
        "variantIds": [v.id for v in version.variants],
        "method": request.method,
        "nextJobs": [
            {
                "type": "frames_align",
                "input": request.model_dump(mode="json", by_alias=True, exclude_none=True),
            }
        ],
    }
    output["spawnedJobIds"] = [spawn_follow_up(store, job, 90, "bg_remove", bg)]
    return output
