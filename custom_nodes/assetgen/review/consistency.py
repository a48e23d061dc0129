"""Consistency review of an anchor-frame version: each frame scored against the anchor, outliers named.

Every generated frame and the anchor are cut out (the colorkey removal autopilot uses), then
``assetgen.imaging.consistency.frame_consistency`` scores the frame against the anchor, with the frame's
pose mannequin as the silhouette target. The scores are stored on the variants (``metadata.frame.
consistency``); mirrored frames take their twin's score. Outliers (judged within each facing direction)
are the frames to regenerate alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from assetgen.clock import now_iso
from assetgen.errors import InvalidInput, NotFound
from assetgen.image_files import read_rgba
from assetgen.imaging.alpha import remove_background
from assetgen.imaging.consistency import Consistency, consistency_outliers, frame_consistency
from assetgen.imaging.poses import BACKGROUND_DEFAULT, mannequin_mask, pose_guides
from assetgen.models import Asset
from assetgen.store import ProjectStore, asset_lock

# An absolute floor only: on the stand-in, side views of a stick figure against a blob anchor score ~0.42
# while every frame follows its pose; the outliers that matter are relative to the frame's own direction.
DEFAULT_MIN_SCORE = 0.3


@dataclass(frozen=True)
class FramesReview:
    """Scores by frame name, the outlier frames (names) and the strip's mean score."""

    scores: dict[str, Consistency]
    outliers: tuple[str, ...]
    mean_score: float

    def as_output(self) -> dict[str, object]:
        """JSON-ready summary for a job output."""
        return {
            "meanScore": round(self.mean_score, 4),
            "outliers": list(self.outliers),
            "scores": {name: c.as_dict() for name, c in self.scores.items()},
        }


def _anchor_variant(asset: Asset, variant_id: str):
    for version in asset.versions:
        for variant in version.variants:
            if variant.id == variant_id:
                return variant
    raise NotFound(f"asset {asset.id!r} has no anchor variant {variant_id!r}")


def review_frames(
    store: ProjectStore,
    project_id: str,
    asset_id: str,
    version_id: str,
    *,
    min_score: float = DEFAULT_MIN_SCORE,
    method: str = "colorkey",
) -> FramesReview:
    """Score every frame of ``version_id`` against its anchor; store the scores; name the outliers."""
    asset: Asset = store.read(project_id, "assets", asset_id)
    version = next((v for v in asset.versions if v.id == version_id), None)
    if version is None:
        raise NotFound(f"asset {asset_id!r} has no version {version_id!r}")
    anchor_id = (version.generation.get("anchor") or {}).get("variantId")
    if not anchor_id:
        raise InvalidInput(f"version {version_id!r} of {asset_id!r} was not made from an anchor")
    anchor = remove_background(
        read_rgba(store.resolve(_anchor_variant(asset, anchor_id).original_path)), method=method
    ).rgba
    scores: dict[str, Consistency] = {}
    mirrors: dict[str, str] = {}
    for variant in version.variants:
        frame = (variant.metadata or {}).get("frame") or {}
        if not frame:
            continue
        if frame.get("mirrorOf"):
            mirrors[frame["name"]] = frame["mirrorOf"]
            continue
        original = read_rgba(store.resolve(variant.original_path))
        height, width = original.shape[:2]
        guide = pose_guides(
            frame["pose"], frames=frame["count"], directions=[frame["direction"]], width=width, height=height
        )[frame["index"]]
        cutout = remove_background(original, method=method).rgba
        scores[frame["name"]] = frame_consistency(
            cutout, anchor, guide_mask=mannequin_mask(guide.mannequin, BACKGROUND_DEFAULT)
        )
    for name, twin in mirrors.items():
        if twin in scores:
            scores[name] = scores[twin]
    # Outliers are judged within each animation (one facing): views differ, a direction's frames do not.
    by_animation: dict[str, list[str]] = {}
    for variant in version.variants:
        frame = (variant.metadata or {}).get("frame") or {}
        if frame.get("name") in scores and frame["name"] not in mirrors:
            by_animation.setdefault(frame.get("animation", ""), []).append(frame["name"])
    outliers = tuple(
        names[i]
        for names in by_animation.values()
        for i in consistency_outliers([scores[n].score for n in names], min_score=min_score)
    )
    _store_scores(store, project_id, asset_id, version_id, scores, outliers)
    mean = sum(c.score for c in scores.values()) / len(scores) if scores else 0.0
    return FramesReview(scores=scores, outliers=outliers, mean_score=mean)


def _store_scores(
    store: ProjectStore,
    project_id: str,
    asset_id: str,
    version_id: str,
    scores: dict[str, Consistency],
    outliers: tuple[str, ...],
) -> None:
    at = now_iso()
    with asset_lock(store, project_id, asset_id):
        latest: Asset = store.read(project_id, "assets", asset_id)
        for version in latest.versions:
            if version.id != version_id:
                continue
            for variant in version.variants:
                frame = dict((variant.metadata or {}).get("frame") or {})
                if frame.get("name") in scores:
                    frame["consistency"] = {
                        **scores[frame["name"]].as_dict(),
                        "outlier": frame["name"] in outliers,
                        "at": at,
                    }
                    variant.metadata = {**(variant.metadata or {}), "frame": frame}
        store.write(project_id, "assets", latest)
