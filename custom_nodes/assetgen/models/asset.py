"""assets/<assetId>.json: versions (one per generate run) holding variants and review state."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal

from pydantic import Field

from assetgen.errors import NotFound
from assetgen.models.base import Contract, Record, Rect, Size
from assetgen.models.pixel_art import PixelateRecord

VariantStatus = Literal["candidate", "selected", "rejected", "needs_regeneration"]
VersionStatus = Literal["draft", "review", "approved", "rejected", "deprecated"]


class BgRemoveRecord(Contract):
    """Parameters and results of background removal, stored on the variant."""

    threshold: float | None = None
    feather: float | None = None
    erode: int | None = None
    method: str | None = Field(default=None, description="The method that made the alpha (colorkey|rembg).")
    trim: Rect | None = Field(default=None, description="Content box in source pixels when trimmed.")
    padding: int | None = None
    source_size: Size | None = None
    job_id: str | None = None
    requested_method: str | None = Field(
        default=None, description="assetgen: what was asked (auto|colorkey|rembg)."
    )
    model: str | None = Field(default=None, description="assetgen: the rembg model, when one was used.")
    clear_holes: bool | None = None
    hole_min_area_px: int | None = None
    processed_at: str | None = None
    details: dict[str, Any] | None = Field(default=None, description="assetgen: what the remover measured.")


class VariantProcessing(Contract):
    """Post-processing records of a variant, keyed by step (the origin's snake_case keys)."""

    bg_remove: BgRemoveRecord | None = Field(default=None, alias="bg_remove")
    pixelate: PixelateRecord | None = Field(default=None, description="assetgen: pixel-art mode.")


class ReviewEvent(Contract):
    """One review decision: who, when, what; the log that makes decisions undoable."""

    at: str
    by: str = "reviewer"
    action: str
    field: str | None = None
    before: Any = None
    after: Any = None
    note: str | None = None
    change_id: str | None = Field(
        default=None, description="assetgen: events written by one call share it; undo reverts them together."
    )
    undoes: str | None = Field(
        default=None, description="assetgen: on an undo event, the change it reverted."
    )


class Variant(Contract):
    """One generated (or imported) image."""

    id: str
    original_path: str
    alpha_path: str | None = None
    pixel_path: str | None = Field(
        default=None, description="assetgen: the exact pixel-art image (logical size), when pixelated."
    )
    preview_path: str | None = None
    seed: int | None = None
    tags: list[str] = Field(default_factory=list)
    rating: int | None = Field(default=None, ge=0, le=5)
    status: VariantStatus = "candidate"
    review_note: str | None = None
    review_history: list[ReviewEvent] = Field(default_factory=list)
    processing: VariantProcessing | None = None
    quality: dict[str, Any] | None = None
    metadata: dict[str, Any] | None = Field(default=None, description="assetgen: what the PNG carries.")
    seam: dict[str, Any] | None = Field(
        default=None,
        description="assetgen: tileable variants: seam ratio per wrapped axis and full-bleed, measured at ingest.",
    )


class AssetVersion(Contract):
    """One generate run of an asset."""

    id: str
    created_at: str | None = None
    status: VersionStatus = "review"
    primary_variant_id: str | None = None
    generation: dict[str, Any] = Field(default_factory=dict)
    variants: list[Variant] = Field(default_factory=list)

    def is_approved(self, variant: Variant) -> bool:
        """The one definition of approved for production (bg removal, packing, export, the gallery):
        not rejected, and either status ``selected`` or the primary variant of an ``approved`` version."""
        if variant.status == "rejected":
            return False
        return variant.status == "selected" or (
            self.status == "approved" and self.primary_variant_id == variant.id
        )


class Provenance(Contract):
    """Where imported art comes from."""

    source: str | None = None
    author: str | None = None
    license: str | None = None
    url: str | None = None
    notes: str | None = None


class Asset(Record):
    """An asset: the images made for one spec."""

    project_id: str
    spec_id: str | None = None
    versions: list[AssetVersion] = Field(default_factory=list)
    provenance: Provenance | None = None

    def iter_variants(self) -> Iterator[tuple[AssetVersion, Variant]]:
        """Every (version, variant) pair, in version order then variant order."""
        for version in self.versions:
            for variant in version.variants:
                yield version, variant

    def find_variant(self, variant_id: str) -> tuple[AssetVersion, Variant]:
        """The version and variant of ``variant_id``; NotFound names the asset."""
        for version, variant in self.iter_variants():
            if variant.id == variant_id:
                return version, variant
        raise NotFound(f"variant {variant_id!r} not found in asset {self.id!r}")

    def approved_variants(self) -> list[tuple[AssetVersion, Variant]]:
        """The (version, variant) pairs approved for production (``AssetVersion.is_approved``), in order."""
        return [
            (version, variant) for version, variant in self.iter_variants() if version.is_approved(variant)
        ]
