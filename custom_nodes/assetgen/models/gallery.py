"""The review gallery's REST contracts: asset summaries, variant pages and review request bodies."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from assetgen.models.asset import Variant
from assetgen.models.base import Contract
from assetgen.models.job import Job

ReviewDecision = Literal["approve", "reject", "needs_regeneration", "reset"]
VariantFilter = Literal["all", "candidate", "selected", "rejected", "needs_regeneration"]


class StatusCounts(Contract):
    """How many variants of an asset are in each review state."""

    total: int = 0
    candidate: int = 0
    selected: int = 0
    rejected: int = 0
    needs_regeneration: int = 0


class AssetSummary(Contract):
    """One row of the gallery's asset list."""

    id: str
    spec_id: str | None = None
    title: str | None = Field(default=None, description="The spec's title when the spec exists.")
    updated_at: str | None = None
    versions: int = 0
    counts: StatusCounts = Field(default_factory=StatusCounts)
    primary_variant_id: str | None = None
    thumbnail_path: str | None = Field(default=None, description="Preview (or original) of the primary.")


class AssetList(Contract):
    """GET /api/projects/{p}/assets."""

    project_id: str
    assets: list[AssetSummary] = Field(default_factory=list)


class VariantEntry(Variant):
    """A variant as the gallery shows it: the stored record plus where it sits in the asset."""

    asset_id: str
    version_id: str
    index: int = Field(ge=0, description="Position in the asset's flat variant list (newest version first).")
    number: int = Field(
        default=1,
        ge=1,
        description="1-based number in the order the asset's variants were made: what people say.",
    )
    is_primary: bool = False
    is_eligible: bool = Field(
        default=False, description="Approved: eligible for background removal and packing."
    )


class VariantPage(Contract):
    """GET /api/projects/{p}/assets/{a}/variants: one page of the flat variant list."""

    asset_id: str
    offset: int = Field(ge=0)
    limit: int = Field(ge=1)
    total: int = Field(ge=0, description="Variants matching the filter.")
    status: VariantFilter = "all"
    counts: StatusCounts = Field(default_factory=StatusCounts)
    primary_variant_id: str | None = None
    variants: list[VariantEntry] = Field(default_factory=list)


class ReviewResult(Contract):
    """What every review POST returns: the changed variant and the asset-level state it affects."""

    variant: VariantEntry
    change_id: str | None = Field(default=None, description="Pass to the undo route to revert this change.")
    counts: StatusCounts
    primary_variant_id: str | None = None
    changed_variant_ids: list[str] = Field(
        default_factory=list, description="Other variants this change touched (e.g. the old primary)."
    )


class ReviewerBody(Contract):
    """Who makes a change (the gallery's reviewer name)."""

    by: str = Field(default="reviewer", min_length=1, max_length=80)


class DecisionBody(ReviewerBody):
    decision: ReviewDecision
    note: str | None = Field(default=None, max_length=2000)


class NoteBody(ReviewerBody):
    note: str = Field(max_length=2000)


class TagsBody(ReviewerBody):
    """Add/remove tags; ``toggle`` flips one chip (exclusive groups of the tag catalog are single-choice)."""

    add: list[str] = Field(default_factory=list, max_length=50)
    remove: list[str] = Field(default_factory=list, max_length=50)
    toggle: str | None = Field(default=None, max_length=100)


class RatingBody(ReviewerBody):
    rating: int = Field(ge=0, le=5)


class RegenerateBody(ReviewerBody):
    """Queue a generate job for the asset's spec with new seeds."""

    variants: int | None = Field(default=None, ge=1, le=256)
    seed: int | None = Field(
        default=None, ge=0, lt=2**32, description="Base seed; the server picks one if unset."
    )


class PackBody(ReviewerBody):
    atlas_id: str | None = Field(default=None, description="Defaults to ``<assetId>_atlas``.")


class JobsStarted(Contract):
    """The jobs a gallery action queued."""

    jobs: list[Job] = Field(default_factory=list)
    skipped: list[dict[str, Any]] = Field(default_factory=list, description="Variants left out, with why.")
    warnings: list[dict[str, Any]] = Field(default_factory=list, description="Included, but worth a look.")


class BgRemoveBody(ReviewerBody):
    variant_ids: list[str] | None = Field(
        default=None, max_length=500, description="Default: every approved variant without an alpha image."
    )


class UndoBody(ReviewerBody):
    change_id: str | None = Field(
        default=None, max_length=128, description="Default: the variant's newest change."
    )


class ReviewConfig(Contract):
    """GET /api/projects/{p}/review-config: what the gallery needs besides assets (the tag chips)."""

    project_id: str
    tag_groups: list[dict[str, Any]] = Field(default_factory=list)
